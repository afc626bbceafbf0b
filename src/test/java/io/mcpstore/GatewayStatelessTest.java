package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.config.GatewayConfig;
import io.mcpstore.router.RouterVerticle;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 2026-07-28 client in front of a 2025-era upstream (the fixture over stdio): stateless requests on the same
 * {@code /mcp} as sessions, and the upstream's elicitation turned into an {@code input_required} result whose signed
 * {@code requestState} any router instance resumes.
 */
@Timeout(90)
class GatewayStatelessTest {
    static TestGateway gateway;
    /** A router instance of the same gateway on a port of its own: a retry sent there is surely another instance. */
    static RouterVerticle other;

    static String otherId;

    @BeforeAll
    static void start() {
        JsonObject config = Upstreams.services(
                        "fx", Upstreams.fixtureStdio("--conformance"), "own", Upstreams.fixtureStdio("--name", "own"))
                .put("naming", new JsonObject().put("mode", "never"));
        gateway = TestGateway.startReady(config);
        JsonObject gatewayJson = GatewayConfig.fromJson(config.copy()
                        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)))
                .toJson();
        other = new RouterVerticle(9);
        otherId = TestGateway.await(gateway.store()
                .vertx()
                .deployVerticle(
                        other,
                        new io.vertx.core.DeploymentOptions()
                                .setConfig(new JsonObject()
                                        .put("gateway", gatewayJson)
                                        .put("version", "test"))));
        // It has the catalog once the upstream answered its refresh.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !new JsonObject(
                                post("http://127.0.0.1:" + other.actualPort(), 1, "tools/list", null, new JsonObject())
                                        .body())
                        .getJsonObject("result")
                        .getJsonArray("tools")
                        .isEmpty());
    }

    @AfterAll
    static void stop() {
        if (otherId != null) TestGateway.await(gateway.store().vertx().undeploy(otherId));
        if (gateway != null) gateway.close();
    }

    @Test
    void toolsListNeedsNoSessionAndCarriesResultTypeAndCachingHints() {
        HttpResponse<String> response = post(gateway.url(), 1, "tools/list", null, new JsonObject());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonObject result = new JsonObject(response.body()).getJsonObject("result");
        assertThat(result.getJsonArray("tools")).isNotEmpty();
        assertThat(result.getString("resultType")).isEqualTo("complete");
        assertThat(result.getLong("ttlMs")).isEqualTo(0L);
        assertThat(result.getString("cacheScope")).isEqualTo("public");
    }

    @Test
    void listsTakeTheCachingHintsOfA2026Upstream() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.mcpstore.fixture.FixtureServer.Running fixture =
                    TestGateway.await(io.mcpstore.fixture.FixtureServer.startHttp(
                            vertx,
                            io.mcpstore.fixture.FixtureOptions.defaults()
                                    .withConformance(true)
                                    .withEras(io.mcpstore.demo.Eras.V2026)));
            try (TestGateway only2026 = TestGateway.startReady(Upstreams.services("new", Upstreams.url(fixture.url()))
                    .put("naming", new JsonObject().put("mode", "never")))) {
                JsonObject hinted = result(post(only2026.url(), 1, "tools/list", null, new JsonObject()));
                JsonObject direct = result(post(fixture.baseUrl(), 1, "tools/list", null, new JsonObject()));
                assertThat(direct.getLong("ttlMs")).isPositive();
                assertThat(hinted.getLong("ttlMs")).isEqualTo(direct.getLong("ttlMs"));
                assertThat(hinted.getString("cacheScope")).isEqualTo(direct.getString("cacheScope"));
            }
        } finally {
            TestGateway.await(vertx.close());
        }
    }

    @Test
    void anElicitationUpstreamBecomesInputRequiredAndTheRetryOnAnotherRouterInstanceCompletesTheCall() {
        JsonObject call = new JsonObject()
                .put("name", "test_elicitation")
                .put("arguments", new JsonObject().put("message", "Who are you?"));
        JsonObject first = result(post(gateway.url(), 1, "tools/call", "test_elicitation", call));
        assertThat(first.getString("resultType")).isEqualTo("input_required");
        assertThat(first.getString("requestState")).startsWith("mcps1.");
        String key =
                first.getJsonObject("inputRequests").fieldNames().iterator().next();
        JsonObject asked = first.getJsonObject("inputRequests").getJsonObject(key);
        assertThat(asked.getString("method")).isEqualTo("elicitation/create");
        assertThat(asked.getJsonObject("params").getString("message")).isEqualTo("Who are you?");

        JsonObject retry = call.copy()
                .put("requestState", first.getString("requestState"))
                .put(
                        "inputResponses",
                        new JsonObject()
                                .put(
                                        key,
                                        new JsonObject()
                                                .put("action", "accept")
                                                .put(
                                                        "content",
                                                        new JsonObject()
                                                                .put("username", "alice")
                                                                .put("email", "a@example.com"))));
        String elsewhere = "http://127.0.0.1:" + other.actualPort();
        assertThat(other.actualPort()).isNotEqualTo(gateway.store().port());
        JsonObject done = result(post(elsewhere, 2, "tools/call", "test_elicitation", retry));
        assertThat(done.getString("resultType")).isEqualTo("complete");
        assertThat(done.getJsonArray("content").getJsonObject(0).getString("text"))
                .contains("action=accept")
                .contains("alice");

        // The call is answered: the same state again names nothing.
        JsonObject again = new JsonObject(
                post(gateway.url(), 3, "tools/call", "test_elicitation", retry).body());
        assertThat(again.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        assertThat(again.getJsonObject("error").getString("message")).contains("no longer pending");
    }

    @Test
    void aTamperedRequestStateIsRefused() {
        JsonObject call = new JsonObject()
                .put("name", "test_elicitation")
                .put("arguments", new JsonObject().put("message", "Sure?"));
        JsonObject first = result(post(gateway.url(), 1, "tools/call", "test_elicitation", call));
        String state = first.getString("requestState");
        String tampered = state.substring(0, state.indexOf('.') + 2)
                + (state.charAt(state.indexOf('.') + 2) == 'A' ? 'B' : 'A')
                + state.substring(state.indexOf('.') + 3);
        JsonObject retry = call.copy()
                .put("requestState", tampered)
                .put("inputResponses", new JsonObject().put("x", new JsonObject().put("action", "decline")));
        JsonObject answer = new JsonObject(
                post(gateway.url(), 2, "tools/call", "test_elicitation", retry).body());
        assertThat(answer.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        assertThat(answer.getJsonObject("error").getString("message")).contains("requestState rejected");
    }

    @Test
    void aMissingMetaIsABadRequestAndRemovedMethodsAreNotFound() {
        HttpResponse<String> noMeta =
                send(gateway.url(), "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}", "tools/list", null);
        assertThat(noMeta.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(noMeta.body()).getJsonObject("error").getInteger("code"))
                .isEqualTo(-32602);
        HttpResponse<String> ping = post(gateway.url(), 8, "ping", null, new JsonObject());
        assertThat(ping.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(ping.body()).getJsonObject("error").getInteger("code"))
                .isEqualTo(-32601);
        HttpResponse<String> wrongName = send(
                gateway.url(),
                request(9, "tools/call", new JsonObject().put("name", "test_simple_text"))
                        .encode(),
                "tools/call",
                "test_image_content");
        assertThat(wrongName.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(wrongName.body()).getJsonObject("error").getInteger("code"))
                .isEqualTo(-32020);
    }

    @Test
    void mcpParamHeadersMustMirrorTheArgumentsTheToolMarks() throws Exception {
        JsonObject call = new JsonObject()
                .put("name", "test_header_param")
                .put("arguments", new JsonObject().put("region", "Zürich"));
        String body = request(61, "tools/call", call).encode();
        // Non-ASCII travels Base64-encoded; the gateway decodes and compares it with the body.
        String encoded = "=?base64?"
                + java.util.Base64.getEncoder()
                        .encodeToString("Zürich".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "?=";
        HttpResponse<String> ok =
                send(gateway.url(), body, "tools/call", "test_header_param", "Mcp-Param-Region", encoded);
        assertThat(result(ok).getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("region=Zürich");
        for (String wrong : new String[] {null, "Bern", "=?base64?WnVy!!?="}) {
            HttpResponse<String> refused =
                    send(gateway.url(), body, "tools/call", "test_header_param", "Mcp-Param-Region", wrong);
            assertThat(refused.statusCode()).as(String.valueOf(wrong)).isEqualTo(400);
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getInteger("code"))
                    .isEqualTo(-32020);
        }
    }

    @Test
    void listenStreamsAreAcknowledgedFirstAndGetOnlyWhatTheyAskedFor() throws Exception {
        try (Events tools = listen(41, new JsonObject().put("toolsListChanged", true));
                Events resources = listen(
                        42,
                        new JsonObject()
                                .put(
                                        "resourceSubscriptions",
                                        new io.vertx.core.json.JsonArray().add("fixture://static")))) {
            JsonObject ack = tools.next();
            assertThat(ack.getString("method")).isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(ack.getJsonObject("params")
                            .getJsonObject("_meta")
                            .getValue("io.modelcontextprotocol/subscriptionId"))
                    .isEqualTo(41);
            assertThat(ack.getJsonObject("params")
                            .getJsonObject("notifications")
                            .getBoolean("toolsListChanged"))
                    .isTrue();
            JsonObject resourcesAck = resources.next();
            assertThat(resourcesAck
                            .getJsonObject("params")
                            .getJsonObject("notifications")
                            .getJsonArray("resourceSubscriptions"))
                    .containsExactly("fixture://static");

            result(post(
                    gateway.url(),
                    43,
                    "tools/call",
                    "add_tool",
                    new JsonObject()
                            .put("name", "add_tool")
                            .put("arguments", new JsonObject().put("name", "added_while_listening"))));
            JsonObject changed = tools.next();
            assertThat(changed.getString("method")).isEqualTo("notifications/tools/list_changed");
            assertThat(changed.getJsonObject("params")
                            .getJsonObject("_meta")
                            .getValue("io.modelcontextprotocol/subscriptionId"))
                    .isEqualTo(41);

            result(post(
                    gateway.url(),
                    44,
                    "tools/call",
                    "touch",
                    new JsonObject()
                            .put("name", "touch")
                            .put("arguments", new JsonObject().put("uri", "fixture://static"))));
            // The resource stream's first notification is its update: the tool list change before it never came.
            JsonObject updated = resources.next();
            assertThat(updated.getString("method")).isEqualTo("notifications/resources/updated");
            assertThat(updated.getJsonObject("params").getString("uri")).isEqualTo("fixture://static");
            assertThat(updated.getJsonObject("params")
                            .getJsonObject("_meta")
                            .getValue("io.modelcontextprotocol/subscriptionId"))
                    .isEqualTo(42);

            result(post(
                    gateway.url(),
                    45,
                    "tools/call",
                    "add_tool",
                    new JsonObject()
                            .put("name", "add_tool")
                            .put("arguments", new JsonObject().put("name", "added_again"))));
            // And the tools stream's next one is the second change: the resource update never came to it.
            assertThat(tools.next().getString("method")).isEqualTo("notifications/tools/list_changed");
        }
    }

    @Test
    void logMessagesReachOnlyARequestThatAskedForThemAtItsLevel() {
        JsonObject call = new JsonObject()
                .put("name", "log")
                .put("arguments", new JsonObject().put("message", "hello log").put("level", "warning"));
        HttpResponse<String> silent = post(gateway.url(), 51, "tools/call", "log", call);
        assertThat(silent.body()).doesNotContain("notifications/message");
        assertThat(result(silent).getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("logged");

        JsonObject asking = request(52, "tools/call", call);
        asking.getJsonObject("params").getJsonObject("_meta").put("io.modelcontextprotocol/logLevel", "info");
        HttpResponse<String> logged = send(gateway.url(), asking.encode(), "tools/call", "log");
        assertThat(logged.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(logged.body())
                .contains("notifications/message")
                .contains("hello log")
                .contains("\"logged\"");

        JsonObject above = request(53, "tools/call", call);
        above.getJsonObject("params").getJsonObject("_meta").put("io.modelcontextprotocol/logLevel", "error");
        assertThat(send(gateway.url(), above.encode(), "tools/call", "log").body())
                .doesNotContain("notifications/message");
    }

    /** The JSON messages of an SSE response, one at a time. */
    private record Events(java.util.Iterator<String> lines, java.util.stream.Stream<String> stream)
            implements AutoCloseable {
        JsonObject next() {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                    return new JsonObject(line.substring(5).trim());
                }
            }
            throw new AssertionError("the stream ended");
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private static Events listen(int id, JsonObject notifications) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "subscriptions/listen")
                .POST(HttpRequest.BodyPublishers.ofString(
                        request(id, "subscriptions/listen", new JsonObject().put("notifications", notifications))
                                .encode()))
                .build();
        HttpResponse<java.util.stream.Stream<String>> response =
                HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return new Events(response.body().iterator(), response.body());
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonObject request(int id, String method, JsonObject params) {
        JsonObject meta = new JsonObject()
                .put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                .put(
                        "io.modelcontextprotocol/clientInfo",
                        new JsonObject().put("name", "t").put("version", "1"))
                .put(
                        "io.modelcontextprotocol/clientCapabilities",
                        new JsonObject().put("elicitation", new JsonObject()));
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", method)
                .put("params", params.copy().put("_meta", meta));
    }

    private static HttpResponse<String> post(String base, int id, String method, String name, JsonObject params) {
        return send(base, request(id, method, params).encode(), method, name);
    }

    private static HttpResponse<String> send(String base, String body, String method, String name) {
        return send(base, body, method, name, null, null);
    }

    private static HttpResponse<String> send(
            String base, String body, String method, String name, String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (name != null) b.header("Mcp-Name", name);
        if (header != null && value != null) b.header(header, value);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject result(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject answer = new JsonObject(response.body());
        assertThat(answer.containsKey("result")).as(response.body()).isTrue();
        return answer.getJsonObject("result");
    }
}
