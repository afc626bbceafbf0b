package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a newcomer meets it: started from a checkout as the README says, a typo in the config, a port in
 * use, PostgreSQL not there, and stopped again with Ctrl-C. Each runs {@code Main} as a separate JVM.
 */
@Timeout(120)
class FirstRunTest {
    private static final String PG =
            System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Path stderr() {
        return dir.resolve("stderr.log");
    }

    /** {@code java io.mcpstore.Main ARGS} in {@code cwd}; stderr to {@link #stderr()}. */
    private Process main(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Upstreams.JAVA, "-cp", System.getProperty("java.class.path"), "io.mcpstore.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectError(stderr().toFile())
                .start();
    }

    /** Waits for the one line the gateway prints and returns its URL. */
    private static String listening(Process process) throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).startsWith("MCPStore listening on ");
        return line.substring("MCPStore listening on ".length());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (get(url + "/health/ready").statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Exits, with code 2, and one line on stderr: the last one, and no stack trace anywhere. */
    private String failsWithOneLine(Process process) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines =
                Files.readAllLines(stderr()).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:"));
        assertThat(process.exitValue()).as("exit code; stderr: %s", lines).isEqualTo(2);
        assertThat(lines).isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    @Test
    void theQuickStartChangesNothingInTheCheckout() throws Exception {
        // The checkout's layout: conf/mcpstore.yaml, the run command of the README (with a free port).
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Path conf = Files.createDirectories(checkout.resolve("conf"));
        Files.copy(Path.of("conf/mcpstore.yaml"), conf.resolve("mcpstore.yaml"));
        byte[] before = Files.readAllBytes(conf.resolve("mcpstore.yaml"));
        Process process = main(checkout, "--port", "0");
        try {
            String url = listening(process);
            awaitReady(url);
            JsonObject service = Upstreams.fixtureStdio("--name", "added").put("name", "added");
            HttpResponse<String> created = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v1/services"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(service.encode()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> rollback = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v1/config/rollback/1"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);

            assertThat(new JsonObject(get(url + "/api/v1/store").body()).getString("type"))
                    .isEqualTo("memory");
            assertThat(Files.readAllBytes(conf.resolve("mcpstore.yaml"))).isEqualTo(before);
            try (var files = Files.list(conf)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("mcpstore.yaml");
            }
            // The start-up log says where revisions live.
            assertThat(Files.readString(stderr())).contains("Config store: memory");
        } finally {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTypoInTheConfigStopsStartUpNamingTheKeyMeant() throws Exception {
        Path config = dir.resolve("typo.yaml");
        Files.writeString(config, "servces:\n  demo: {command: echo}\n");
        String last = failsWithOneLine(main(dir, "--config", config.toString(), "--port", "0"));
        assertThat(last).contains(config.toString()).contains("servces").contains("did you mean 'services'?");
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, "services: {}\n");
            String last = failsWithOneLine(
                    main(dir, "--config", config.toString(), "--port", String.valueOf(taken.getLocalPort())));
            assertThat(last)
                    .contains("127.0.0.1:" + taken.getLocalPort())
                    .contains("in use")
                    .contains("--port");
        }
    }

    @Test
    void postgresqlDownIsOneLine() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        Path config = dir.resolve("pg.yaml");
        String url = "postgresql://postgres@127.0.0.1:" + closed + "/test";
        Files.writeString(config, "store: {type: postgres, url: \"" + url + "\"}\nservices: {}\n");
        String last = failsWithOneLine(main(dir, "--config", config.toString(), "--port", "0"));
        assertThat(last).contains("127.0.0.1:" + closed).contains("PostgreSQL").contains("store.url");
    }

    @Test
    void aMissingDatabaseIsOneLine() throws Exception {
        Path config = dir.resolve("pg.yaml");
        String url = PG.replaceFirst("/[^/]*$", "/mcpstore_no_such_db");
        Files.writeString(config, "store: {type: postgres, url: \"" + url + "\"}\nservices: {}\n");
        String last = failsWithOneLine(main(dir, "--config", config.toString(), "--port", "0"));
        assertThat(last)
                .contains("mcpstore_no_such_db")
                .contains("does not exist")
                .contains("createdb");
    }

    @Test
    void aCleanShutdownIsQuiet() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(
                config,
                "services:\n  fx: " + Upstreams.fixtureStdio("--name", "fx").encode() + "\n"
                        + "  fy: {command: \"${java}\", args: "
                        + Upstreams.fixtureStdio("--name", "fy")
                                .getJsonArray("args")
                                .encode()
                        + "}\n");
        Process process = main(dir, "--config", config.toString(), "--port", "0");
        try {
            String url = listening(process);
            awaitReady(url);
            process.destroy(); // SIGTERM, as Ctrl-C or a service manager
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        String log = Files.readString(stderr());
        assertThat(log).contains("service 'fx' is ready");
        assertThat(log)
                .doesNotContain("reconnecting")
                .doesNotContain("connection lost")
                .doesNotContain("Discarding message")
                .doesNotContain("ERROR")
                .doesNotContain("WARN")
                .doesNotContain("${java}")
                .doesNotContain("already registered");
    }
}
