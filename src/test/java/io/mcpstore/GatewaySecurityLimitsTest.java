package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.security.TestIdentities;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Rate limits, what reaches an upstream, and the arguments of audited calls, with security on: a gateway with the
 * fixture and a recording HTTP upstream that notes the {@code Authorization} header of every request it gets.
 * Buckets refill at one token per 100 s, so a test never sees one refill while it runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewaySecurityLimitsTest {
    private static final int PER_KEY_BURST = 8;

    private Vertx upstreamVertx;
    private HttpServer recorder;
    private final ConcurrentLinkedQueue<String> upstreamAuthorization = new ConcurrentLinkedQueue<>();
    private TestGateway gateway;
    private final ConcurrentLinkedQueue<JsonObject> audit = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void start() throws Exception {
        upstreamVertx = Vertx.vertx();
        recorder = upstreamVertx
                .createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    upstreamAuthorization.add(
                            req.getHeader("Authorization") == null ? "" : req.getHeader("Authorization"));
                    if (req.method() != io.vertx.core.http.HttpMethod.POST) {
                        req.response().setStatusCode(405).end();
                        return;
                    }
                    JsonObject message = body.toJsonObject();
                    if (message.getValue("id") == null) {
                        req.response().setStatusCode(202).end();
                        return;
                    }
                    JsonObject result = switch (message.getString("method")) {
                        case "initialize" ->
                            new JsonObject()
                                    .put(
                                            "protocolVersion",
                                            message.getJsonObject("params").getString("protocolVersion"))
                                    .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                                    .put(
                                            "serverInfo",
                                            new JsonObject()
                                                    .put("name", "recorder")
                                                    .put("version", "1"));
                        case "tools/list" ->
                            new JsonObject()
                                    .put(
                                            "tools",
                                            new JsonArray()
                                                    .add(new JsonObject()
                                                            .put("name", "whoami")
                                                            .put(
                                                                    "inputSchema",
                                                                    new JsonObject().put("type", "object"))));
                        case "tools/call" ->
                            new JsonObject()
                                    .put(
                                            "content",
                                            new JsonArray()
                                                    .add(new JsonObject()
                                                            .put("type", "text")
                                                            .put("text", "recorded")));
                        default -> new JsonObject();
                    };
                    req.response()
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Mcp-Session-Id", "recorded-session")
                            .end(new JsonObject()
                                    .put("jsonrpc", "2.0")
                                    .put("id", message.getValue("id"))
                                    .put("result", result)
                                    .encode());
                }))
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        JsonObject bucket = new JsonObject().put("requestsPerSecond", 0.01);
        JsonObject config = Upstreams.services(
                        "fixture",
                        Upstreams.fixtureStdio(),
                        "recorder",
                        new JsonObject()
                                .put("url", "http://127.0.0.1:" + recorder.actualPort() + "/mcp")
                                .put("headers", new JsonObject().put("Authorization", "Bearer upstream-secret"))
                                .put("auditArguments", true))
                .put(
                        "security",
                        new JsonObject()
                                .put("enabled", true)
                                .put(
                                        "rateLimits",
                                        new JsonObject()
                                                .put("perKey", bucket.copy().put("burst", PER_KEY_BURST))
                                                .put(
                                                        "perTool",
                                                        new JsonObject()
                                                                .put(
                                                                        "fixture__echo",
                                                                        bucket.copy()
                                                                                .put("burst", 2)))));
        gateway = TestGateway.start(config);
        AuditTap.attach(gateway, audit);
        gateway.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (upstreamVertx != null) upstreamVertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aKeyWhoseBucketIsEmptyGets429WithRetryAfter() {
        String key = TestIdentities.keyText(gateway, "client");
        // initialize and notifications/initialized take two tokens.
        McpSession session = McpSession.open(gateway, "/mcp", GatewaySecurityTest.bearer(key));
        for (int i = 2; i < PER_KEY_BURST; i++) {
            JsonObject answer =
                    session.call("fixture__add", new JsonObject().put("a", i).put("b", 1));
            assertThat(answer.getJsonObject("result")).as(answer.encode()).isNotNull();
        }
        HttpResponse<String> refused = session.post(GatewaySecurityTest.callBody("fixture__add"));
        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 100L);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32029);
        assertThat(error.getJsonObject("data").getLong("retryAfterSeconds")).isEqualTo(retryAfter);

        // Another key has a bucket of its own.
        McpSession other =
                McpSession.open(gateway, "/mcp", GatewaySecurityTest.bearer(TestIdentities.keyText(gateway, "client")));
        assertThat(other.call("fixture__add", new JsonObject().put("a", 1).put("b", 1))
                        .getJsonObject("result"))
                .isNotNull();

        JsonObject entry = awaitAudit(e -> "rate_limited".equals(e.getString("outcome"))
                && "auth".equals(e.getString("kind"))
                && ("key:" + GatewaySecurityTest.keyId(key)).equals(e.getString("who")));
        assertThat(entry.getInteger("status")).isEqualTo(429);
    }

    @Test
    void aToolWhoseBucketIsEmptyAnswersJsonRpcMinus32029() {
        McpSession session =
                McpSession.open(gateway, "/mcp", GatewaySecurityTest.bearer(TestIdentities.keyText(gateway, "client")));
        for (int i = 0; i < 2; i++) {
            assertThat(GatewaySecurityTest.text(session.call("fixture__echo", new JsonObject().put("text", "e"))))
                    .isEqualTo("e");
        }
        HttpResponse<String> refused = session.post(GatewaySecurityTest.callBody("fixture__echo"));
        assertThat(refused.statusCode()).isEqualTo(200);
        JsonObject error = answer(refused).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32029);
        assertThat(error.getString("message")).startsWith("Rate limit exceeded");
        assertThat(error.getJsonObject("data").getLong("retryAfterSeconds")).isBetween(1L, 100L);
        // Other tools are not limited.
        assertThat(session.call("fixture__add", new JsonObject().put("a", 1).put("b", 2))
                        .getJsonObject("result"))
                .isNotNull();
        JsonObject entry = awaitAudit(e -> "tool".equals(e.getString("kind"))
                && "rate_limited".equals(e.getString("outcome"))
                && "fixture__echo".equals(e.getString("tool")));
        assertThat(entry.getString("service")).isEqualTo("fixture");
    }

    @Test
    void clientCredentialsNeverReachTheUpstreamAndOptedInArgumentsAreAudited() {
        String key = TestIdentities.keyText(gateway, "client");
        awaitTool("recorder__whoami");
        McpSession session = McpSession.open(gateway, "/mcp", GatewaySecurityTest.bearer(key));
        JsonObject answer = session.call("recorder__whoami", new JsonObject().put("question", "who"));
        assertThat(GatewaySecurityTest.text(answer)).isEqualTo("recorded");
        assertThat(upstreamAuthorization).isNotEmpty().allMatch("Bearer upstream-secret"::equals);

        JsonObject entry = awaitAudit(e -> "tool".equals(e.getString("kind"))
                && "recorder__whoami".equals(e.getString("tool"))
                && "ok".equals(e.getString("outcome")));
        assertThat(entry.getJsonObject("arguments")).isEqualTo(new JsonObject().put("question", "who"));
        assertThat(entry.getString("service")).isEqualTo("recorder");
        assertThat(entry.encode()).doesNotContain(key).doesNotContain("upstream-secret");
    }

    /** Waits until the tool is listed, each look with a key of its own (so that no bucket runs dry meanwhile). */
    private void awaitTool(String tool) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            String key = TestIdentities.keyText(gateway, "client");
            McpSession session = McpSession.open(gateway, "/mcp", GatewaySecurityTest.bearer(key));
            if (GatewaySecurityTest.toolNames(session).contains(tool)) return;
            if (Instant.now().isAfter(deadline)) throw new AssertionError(tool + " never listed");
            TestGateway.sleep(200);
        }
    }

    private static JsonObject answer(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) return new JsonObject(response.body());
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:") && line.contains("\"id\""))
                return new JsonObject(line.substring(5).strip());
        }
        throw new AssertionError(response.body());
    }

    private JsonObject awaitAudit(java.util.function.Predicate<JsonObject> match) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            for (JsonObject e : audit) {
                if (match.test(e)) return e;
            }
            TestGateway.sleep(20);
        }
        throw new AssertionError("no such audit entry among " + audit);
    }
}
