package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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

/** The command line, as a user runs it: a separate JVM, a YAML file, the one line scripts read. */
@Timeout(90)
class MainTest {
    @TempDir
    Path dir;

    private Process gateway(String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Upstreams.JAVA, "-cp", System.getProperty("java.class.path"), "io.mcpstore.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
    }

    @Test
    void servesOnAFreePortAndStopsItsChildrenOnExit() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                services:
                  fx:
                    command: %s
                    args: ["-cp", "%s", "io.mcpstore.fixture.FixtureServer", "stdio", "--name", "main-test"]
                """.formatted(Upstreams.JAVA, System.getProperty("java.class.path")));
        Process process = gateway("--config", config.toString(), "--port", "0");
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).matches("MCPStore listening on http://127\\.0\\.0\\.1:\\d+");
            String url = line.substring("MCPStore listening on ".length());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> live = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            // Wait until the stdio child is up, then stop the gateway as a service manager would (SIGTERM).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (http.send(
                                    HttpRequest.newBuilder(URI.create(url + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                    != 200) {
                assertThat(System.nanoTime()).as("ready in time").isLessThan(deadline);
                Thread.sleep(50);
            }
            List<ProcessHandle> children = process.descendants().toList();
            assertThat(children).isNotEmpty();
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
                assertThat(child.isAlive()).isFalse();
            }
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aConfigErrorStopsStartUpNamingTheFileAndTheKey() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "naming: {mode: sometimes}\n");
        Process process = gateway("--config", config.toString(), "--port", "0");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String stderr = Files.readString(dir.resolve("stderr.log"));
        assertThat(stderr).contains(config.toString()).contains("naming.mode").contains("unknown mode 'sometimes'");
    }
}
