package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An app prefix must name paths of its own: no {@code .}/{@code ..} segments, nothing the gateway serves itself, and
 * no overlap with another app's prefix (equal, or one a path prefix of the other). The rule holds wherever a config
 * comes from — a file, the admin API on a memory store, the admin API on PostgreSQL — and the error names the key.
 */
@Timeout(120)
class AppPrefixTest {
    private static final String PG =
            System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    private static final String SCHEMA =
            "mcpstore_prefix_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private static TestGateway memory;
    private static TestGateway postgres;

    @TempDir
    Path dir;

    /** One service and one app, {@code taken} at {@code /taken}, that the overlap rules refer to. */
    private static JsonObject base() {
        return new JsonObject()
                .put(
                        "services",
                        new JsonObject()
                                .put(
                                        "s",
                                        new JsonObject()
                                                .put("url", "http://127.0.0.1:9/mcp")
                                                .put("enabled", false)))
                .put("apps", new JsonObject().put("taken", app("/taken")).put("nested", app("/deep/er")));
    }

    private static JsonObject app(String prefix) {
        return new JsonObject().put("prefix", prefix).put("services", new JsonArray().add("s"));
    }

    @BeforeAll
    static void start() {
        memory = TestGateway.start(base());
        postgres = TestGateway.start(
                base(),
                StoreSettings.fromJson(
                        new JsonObject().put("type", "postgres").put("url", PG).put("schema", SCHEMA), null));
    }

    @AfterAll
    static void stop() throws Exception {
        if (memory != null) memory.close();
        if (postgres != null) postgres.close();
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn =
                    PgConnection.connect(vertx, PgConnectOptions.fromUri(PG)).await(10, TimeUnit.SECONDS);
            conn.query("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE").execute().await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("/..", "'..'"),
                Arguments.of("/x/../y", "'..'"),
                Arguments.of("/./x", "'.'"),
                Arguments.of("/x/.", "'.'"),
                Arguments.of("/", "the gateway's own endpoint"),
                Arguments.of("/mcp", "reserved by the gateway"),
                Arguments.of("/sse", "reserved by the gateway"),
                Arguments.of("/message", "reserved by the gateway"),
                Arguments.of("/api", "reserved by the gateway"),
                Arguments.of("/api/v2", "reserved by the gateway"),
                Arguments.of("/health", "reserved by the gateway"),
                Arguments.of("/metrics/x", "reserved by the gateway"),
                Arguments.of("/taken", "already used by app 'taken'"),
                Arguments.of("/taken/", "already used by app 'taken'"),
                Arguments.of("/taken/inner", "overlaps app 'taken'"),
                Arguments.of("/taken/mcp", "overlaps app 'taken'"),
                Arguments.of("/deep", "overlaps app 'nested'"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aFileWithSuchAPrefixIsRefusedNamingTheKey(String prefix, String rule) throws Exception {
        JsonObject json = base();
        json.getJsonObject("apps").put("bad", app(prefix));
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, ConfigDocument.toYaml(json));
        Vertx vertx = Vertx.vertx();
        try {
            JsonObject loaded = ConfigLoader.load(vertx, file).await(30, TimeUnit.SECONDS);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                            () -> ConfigLoader.validate(loaded, file.toString())))
                    .isInstanceOf(ConfigLoader.InvalidConfig.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("apps.bad.prefix")
                    .hasMessageContaining(rule);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("refused")
    void theApiRefusesSuchAPrefixNamingTheKey(String prefix, String rule) {
        for (TestGateway gateway : new TestGateway[] {memory, postgres}) {
            HttpResponse<String> response =
                    post(gateway, "/api/v1/apps", app(prefix).put("name", "bad"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            JsonObject problem = new JsonObject(response.body());
            assertThat(problem.getString("field")).isEqualTo("apps.bad.prefix");
            assertThat(problem.getString("rule")).contains(rule);
        }
    }

    @Test
    void theApiRefusesAnImportThatMovesAnAppOverAnother() {
        for (TestGateway gateway : new TestGateway[] {memory, postgres}) {
            JsonObject doc = new JsonObject().put("apps", new JsonObject().put("taken", app("/deep/er/still")));
            HttpResponse<String> response = post(gateway, "/api/v1/config/import?mode=merge", doc);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            // Apps are checked in order, so the later one ('nested') is named, with the one it overlaps.
            JsonObject problem = new JsonObject(response.body());
            assertThat(problem.getString("field")).isEqualTo("apps.nested.prefix");
            assertThat(problem.getString("rule")).contains("overlaps app 'taken' at '/deep/er/still'");
        }
    }

    @Test
    void neighboursThatAreNotPathPrefixesAreFine() {
        for (TestGateway gateway : new TestGateway[] {memory, postgres}) {
            for (String prefix : new String[] {"/tak", "/takenly", "/deep/e", "/...", "/mcp-tools"}) {
                String name = "ok" + Math.abs(prefix.hashCode());
                HttpResponse<String> response =
                        post(gateway, "/api/v1/apps", app(prefix).put("name", name));
                assertThat(response.statusCode())
                        .as(prefix + ": " + response.body())
                        .isEqualTo(201);
            }
        }
    }

    private static HttpResponse<String> post(TestGateway gateway, String path, JsonObject body) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build());
    }
}
