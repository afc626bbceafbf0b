package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Main;
import io.mcpstore.McpSession;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's migration from a file store to PostgreSQL, as a user runs it: a file-backed gateway process with
 * services holding secrets ({@code ${env:…}} headers, a literal header, user info and a key in the URL), {@code
 * mcpstore config export > now.yaml}, {@code mcpstore config import now.yaml} into a PostgreSQL-backed gateway
 * process (real PostgreSQL, a schema per run), and the services answer calls there. And what happens when the two
 * gateways' secret keys differ or are missing.
 */
@Timeout(300)
class ConfigMigrationTest {
    static final String URL = PostgresConfigStoreTest.URL;
    static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private static final String TOKEN = "tok-env-5b1";
    private static final String LITERAL = "literal-6c2";
    private static final String QUERY = "query-7d3";
    private static final String PW = "pw-8e4";
    private static final List<String> SCHEMAS = new ArrayList<>();
    private static Vertx vertx;

    @TempDir
    Path dir;

    @BeforeAll
    static void reachable() throws Exception {
        vertx = Vertx.vertx();
        PgConnection conn =
                PgConnection.connect(vertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
        conn.close().await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        PgConnection conn =
                PgConnection.connect(vertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
        for (String schema : SCHEMAS) {
            conn.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE").execute().await(10, TimeUnit.SECONDS);
        }
        conn.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private record Gateway(Process process, String url) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** {@code mcpstore serve --config FILE --port 0} with {@code key} as its MCPSTORE_SECRET_KEY (null: none). */
    private Gateway serve(Path config, String key) throws Exception {
        String name = config.getFileName().toString();
        ProcessBuilder pb = new ProcessBuilder(
                        Upstreams.JAVA,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.mcpstore.Main",
                        "serve",
                        "--config",
                        config.toString(),
                        "--port",
                        "0")
                .redirectError(dir.resolve(name + ".log").toFile());
        pb.environment().remove("MCPSTORE_SECRET_KEY");
        if (key != null) pb.environment().put("MCPSTORE_SECRET_KEY", key);
        pb.environment().put("REMOTE_TOKEN", TOKEN);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("MCPStore listening on ")) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not start: " + Files.readString(dir.resolve(name + ".log")));
        }
        return new Gateway(p, line.substring("MCPStore listening on ".length()));
    }

    private Path postgresConfig(String name) throws Exception {
        String schema = "mcpstore_mig_" + RUN + "_" + name;
        SCHEMAS.add(schema);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file, "store: {type: postgres, url: \"" + URL + "\", schema: " + schema + "}\nservices: {}\n");
        return file;
    }

    /** The services of the README's example, with secrets of every kind, as a hand-written file holds them. */
    private Path fileConfig(String name, GuardedUpstream remote, GuardedUpstream basic) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file,
                "services:\n"
                        + "  remote:\n"
                        + "    url: http://" + remote.origin() + "/mcp?api_key=" + QUERY + "\n"
                        + "    headers: {Authorization: \"Bearer ${env:REMOTE_TOKEN}\", X-Api-Key: " + LITERAL + "}\n"
                        + "  basic:\n"
                        + "    url: http://user:" + PW + "@" + basic.origin() + "/mcp\n");
        return file;
    }

    private record Run(int exit, String out, String err) {}

    private static Run mcpstore(String url, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(url);
        int exit = new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static GuardedUpstream remoteUpstream() throws Exception {
        return GuardedUpstream.start(
                "remote", Map.of("Authorization", "Bearer " + TOKEN, "X-Api-Key", LITERAL), Map.of("api_key", QUERY));
    }

    private static GuardedUpstream basicUpstream() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("user:" + PW).getBytes(StandardCharsets.UTF_8));
        return GuardedUpstream.start("basic", Map.of("Authorization", basic), Map.of());
    }

    /** Both services answer a tool call through {@code gateway}: their secrets arrived intact. */
    private static void servicesWork(Gateway gateway) {
        TestGateway remote = TestGateway.remote(gateway.url());
        remote.awaitState("remote", Duration.ofSeconds(45), "ready");
        remote.awaitState("basic", Duration.ofSeconds(45), "ready");
        McpSession session = McpSession.open(remote, "/mcp");
        for (String tool : List.of("remote__echo", "basic__echo")) {
            assertThat(session.call(tool, new JsonObject().put("text", "via " + tool))
                            .encode())
                    .contains("via " + tool);
        }
    }

    private static String storedRows(String schema) throws Exception {
        PgConnection conn =
                PgConnection.connect(vertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
        try {
            StringBuilder all = new StringBuilder();
            conn.query("SELECT document::text FROM " + schema + ".config_revisions")
                    .execute()
                    .await(10, TimeUnit.SECONDS)
                    .forEach(r -> all.append(r.getString(0)).append('\n'));
            return all.toString();
        } finally {
            conn.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void fileToPostgresWithTheSameKeyCarriesEverySecret() throws Exception {
        try (GuardedUpstream remote = remoteUpstream();
                GuardedUpstream basic = basicUpstream()) {
            Path now = dir.resolve("now.yaml");
            try (Gateway file = serve(fileConfig("file", remote, basic), "key one")) {
                servicesWork(file);
                // mcpstore config export > now.yaml
                Run export = mcpstore(file.url(), "config", "export");
                assertThat(export.exit()).as(export.err()).isZero();
                Files.writeString(now, export.out());
            }
            String exported = Files.readString(now);
            assertThat(exported)
                    .contains("Bearer ${env:REMOTE_TOKEN}", "${enc:")
                    .doesNotContain(TOKEN, LITERAL, QUERY, PW);

            Path pgConfig = postgresConfig("same");
            try (Gateway pg = serve(pgConfig, "key one")) {
                Run imported = mcpstore(pg.url(), "config", "import", now.toString());
                assertThat(imported.exit()).as(imported.err()).isZero();
                assertThat(imported.out()).contains("Imported: revision 2");
                servicesWork(pg);
                String rows = storedRows(SCHEMAS.get(SCHEMAS.size() - 1));
                assertThat(rows).contains("${enc:").doesNotContain(LITERAL, QUERY, PW);
            }
        }
    }

    @Test
    void aPostgresStoreSeededFromTheFileHoldsItsSecretsEncrypted() throws Exception {
        try (GuardedUpstream remote = remoteUpstream();
                GuardedUpstream basic = basicUpstream()) {
            // "or just start it with the same file": the services of the file, plus the store line.
            Path file = fileConfig("seeded", remote, basic);
            String schema = "mcpstore_mig_" + RUN + "_seeded";
            SCHEMAS.add(schema);
            Files.writeString(
                    file,
                    "store: {type: postgres, url: \"" + URL + "\", schema: " + schema + "}\n" + Files.readString(file));
            try (Gateway pg = serve(file, "key one")) {
                servicesWork(pg);
                assertThat(storedRows(schema)).contains("${enc:").doesNotContain(LITERAL, QUERY, PW);
            }
        }
    }

    @Test
    void differentOrMissingKeysAreRefusedNamingTheKeyAndARedactedExportKeepsWhatIsStored() throws Exception {
        try (GuardedUpstream remote = remoteUpstream();
                GuardedUpstream basic = basicUpstream()) {
            Path sealed = dir.resolve("sealed.yaml");
            Path redacted = dir.resolve("redacted.yaml");
            try (Gateway withKey = serve(fileConfig("with-key", remote, basic), "key one");
                    Gateway withoutKey = serve(fileConfig("without-key", remote, basic), null)) {
                assertThat(mcpstore(withKey.url(), "config", "export", "-o", sealed.toString())
                                .exit())
                        .isZero();
                assertThat(mcpstore(withoutKey.url(), "config", "export", "-o", redacted.toString())
                                .exit())
                        .isZero();
            }
            String text = Files.readString(redacted);
            assertThat(text).contains("Bearer ${env:REMOTE_TOKEN}", "***").doesNotContain(LITERAL, QUERY, PW);

            try (Gateway other = serve(postgresConfig("other"), "key two");
                    Gateway none = serve(postgresConfig("none"), null);
                    Gateway same = serve(postgresConfig("same2"), "key one")) {
                Run wrongKey = mcpstore(other.url(), "config", "import", sealed.toString());
                assertThat(wrongKey.exit()).isEqualTo(1);
                assertThat(wrongKey.err())
                        .containsPattern("services\\.(remote|basic)\\.")
                        .contains("MCPSTORE_SECRET_KEY");
                assertThat(wrongKey.err()).contains("different");

                Run noKey = mcpstore(none.url(), "config", "import", sealed.toString());
                assertThat(noKey.exit()).isEqualTo(1);
                assertThat(noKey.err())
                        .containsPattern("services\\.(remote|basic)\\.")
                        .contains("MCPSTORE_SECRET_KEY");

                Run nothingStored = mcpstore(none.url(), "config", "import", redacted.toString());
                assertThat(nothingStored.exit()).isEqualTo(1);
                assertThat(nothingStored.err())
                        .containsPattern("services\\.(remote\\.headers\\.X-Api-Key|remote\\.url|basic\\.url)")
                        .contains("no value is stored");

                // Sealed first, then the redacted export on top: '***' keeps what the gateway stores.
                assertThat(mcpstore(same.url(), "config", "import", sealed.toString())
                                .exit())
                        .isZero();
                Run kept = mcpstore(same.url(), "config", "import", redacted.toString());
                assertThat(kept.exit()).as(kept.err()).isZero();
                assertThat(kept.out()).contains("Nothing changed");
                servicesWork(same);
            }
        }
    }
}
