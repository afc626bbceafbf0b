package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.McpSession;
import io.mcpstore.SessionStream;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store against a real server ({@code -Dmcpstore.test.pg}, default {@code
 * postgresql://postgres@127.0.0.1:5432/test}), in a fresh schema per run that is dropped at the end. Fails — does not
 * skip — when PostgreSQL cannot be reached.
 */
@Timeout(180)
class PostgresConfigStoreTest {
    static final String URL = System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    static final String SCHEMA =
            "mcpstore_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static Vertx vertx;

    @TempDir
    Path dir;

    @BeforeAll
    static void reachable() throws Exception {
        vertx = Vertx.vertx();
        try {
            PgConnection conn =
                    PgConnection.connect(vertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
            conn.query("SELECT 1").execute().await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("PostgreSQL is needed at " + URL + " (set -Dmcpstore.test.pg): " + e, e);
        }
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        PgConnection conn =
                PgConnection.connect(vertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
        for (String schema : List.of(SCHEMA, SCHEMA + "_outage")) {
            conn.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE").execute().await(10, TimeUnit.SECONDS);
        }
        conn.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A gateway process ({@code mcpstore serve}) with a PostgreSQL store; its URL from the line it prints. */
    private record Gateway(Process process, String url) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private Gateway gateway(Path config, String name) throws Exception {
        Process p = new ProcessBuilder(
                        Upstreams.JAVA,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.mcpstore.Main",
                        "serve",
                        "--config",
                        config.toString(),
                        "--port",
                        "0")
                .redirectError(dir.resolve(name + ".log").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("MCPStore listening on ")) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not start: " + Files.readString(dir.resolve(name + ".log")));
        }
        return new Gateway(p, line.substring("MCPStore listening on ".length()));
    }

    private static HttpResponse<String> send(String method, String url, JsonObject body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode()))
                .header("Content-Type", "application/json");
        headers.forEach(b::setHeader);
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoGatewayProcessesShareOneDatabase() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(
                config, "store: {type: postgres, url: \"" + URL + "\", schema: " + SCHEMA + "}\nservices: {}\n");
        try (Gateway a = gateway(config, "a");
                Gateway b = gateway(config, "b")) {
            // B's client: a session with its GET stream open.
            McpSession session = McpSession.open(TestGateway.remote(b.url()), "/mcp");
            try (SessionStream stream = SessionStream.open(b.url(), "/mcp", session.id())) {
                JsonObject fy = Upstreams.fixtureStdio("--name", "fy").put("name", "fy");
                HttpResponse<String> added = send("POST", a.url() + "/api/v1/services", fy, Map.of());
                assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

                assertThat(stream.await("notifications/tools/list_changed", 30)).isNotNull();
                JsonObject answer = session.call("fy__echo", new JsonObject().put("text", "through b"));
                assertThat(answer.encode()).contains("through b");
            }
            JsonObject revisionsB = new JsonObject(send("GET", b.url() + "/api/v1/config/revisions", null, Map.of())
                    .body());
            assertThat(revisionsB.getLong("current")).isEqualTo(2);

            // Both processes, the same base revision: the database lets one commit win.
            String etag = "\"2\"";
            CompletableFuture<HttpResponse<String>> viaA = CompletableFuture.supplyAsync(() -> send(
                    "PUT",
                    a.url() + "/api/v1/services/fy",
                    Upstreams.fixtureStdio("--name", "fy").put("timeoutMs", 1111),
                    Map.of("If-Match", etag)));
            CompletableFuture<HttpResponse<String>> viaB = CompletableFuture.supplyAsync(() -> send(
                    "PUT",
                    b.url() + "/api/v1/services/fy",
                    Upstreams.fixtureStdio("--name", "fy").put("timeoutMs", 2222),
                    Map.of("If-Match", etag)));
            assertThat(List.of(
                            viaA.get(60, TimeUnit.SECONDS).statusCode(),
                            viaB.get(60, TimeUnit.SECONDS).statusCode()))
                    .containsExactlyInAnyOrder(200, 409);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> new JsonObject(send("GET", a.url() + "/api/v1/store", null, Map.of())
                                                    .body())
                                            .getLong("revision")
                                    == 3
                            && new JsonObject(send("GET", b.url() + "/api/v1/store", null, Map.of())
                                                    .body())
                                            .getLong("revision")
                                    == 3);
        }
        // The migrations ran once, whoever started first.
        PgConnection conn =
                PgConnection.connect(vertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
        try {
            List<String> versions = new ArrayList<>();
            conn.query("SELECT version FROM " + SCHEMA + ".schema_migrations ORDER BY version")
                    .execute()
                    .await(10, TimeUnit.SECONDS)
                    .forEach(r -> versions.add(r.getString(0)));
            assertThat(versions).containsExactlyElementsOf(PostgresConfigStore.MIGRATIONS);
        } finally {
            conn.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** A TCP proxy in front of PostgreSQL that can be cut and restored: an outage without touching the server. */
    static final class Proxy {
        private final Vertx vertx;
        private final int target;
        private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
        private NetServer server;
        private int port;

        Proxy(Vertx vertx, int target) {
            this.vertx = vertx;
            this.target = target;
        }

        int start() throws Exception {
            server = vertx.createNetServer().connectHandler(in -> {
                in.pause();
                vertx.createNetClient()
                        .connect(target, "127.0.0.1")
                        .onSuccess(out -> {
                            sockets.add(in);
                            sockets.add(out);
                            in.pipeTo(out);
                            out.pipeTo(in);
                            in.resume();
                        })
                        .onFailure(e -> in.close());
            });
            server.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
            port = server.actualPort();
            return port;
        }

        void cut() throws Exception {
            server.close().await(10, TimeUnit.SECONDS);
            sockets.forEach(NetSocket::close);
            sockets.clear();
        }
    }

    @Test
    void anOutageKeepsTheLastGoodConfigAndCatchesUpAfterwards() throws Exception {
        URI pg = URI.create(URL.replaceFirst("^postgres(ql)?", "http"));
        Proxy proxy = new Proxy(vertx, pg.getPort() == -1 ? 5432 : pg.getPort());
        int port = proxy.start();
        String viaProxy = URL.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + port);
        String schema = SCHEMA + "_outage";
        JsonObject config = Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"));
        try (TestGateway a = TestGateway.start(config, new StoreSettings("postgres", null, viaProxy, schema));
                TestGateway direct =
                        TestGateway.start(new JsonObject(), new StoreSettings("postgres", null, URL, schema))) {
            a.awaitReady(Duration.ofSeconds(45));
            proxy.cut();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "down".equals(a.ready().getJsonObject("store").getString("state")));

            // Still serving the last good config; writes answer 503 with a clear message.
            McpSession session = McpSession.open(a, "/mcp");
            assertThat(session.call("fx__echo", new JsonObject().put("text", "still"))
                            .encode())
                    .contains("still");
            HttpResponse<String> refused = send(
                    "POST",
                    a.url() + "/api/v1/services",
                    Upstreams.fixtureStdio().put("name", "fz"),
                    Map.of());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(new JsonObject(refused.body()).getString("detail")).contains("PostgreSQL is unreachable");

            // Meanwhile another gateway, still connected, makes a change.
            HttpResponse<String> added = send(
                    "POST",
                    direct.url() + "/api/v1/services",
                    Upstreams.fixtureStdio("--name", "fy").put("name", "fy"),
                    Map.of());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

            // The store returns: A reconnects, catches up on what it missed, and listens again.
            proxy.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "up".equals(a.ready().getJsonObject("store").getString("state")));
            a.awaitState("fy", Duration.ofSeconds(30), "ready");
            HttpResponse<String> again = send("POST", direct.url() + "/api/v1/services/fy/stop", null, Map.of());
            assertThat(again.statusCode()).isEqualTo(200);
            a.awaitState("fy", Duration.ofSeconds(30), "disabled", "stopped");
        } finally {
            proxy.cut();
        }
    }
}
