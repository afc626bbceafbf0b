package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A call held for a 2026 client's input whose retry never comes: after {@code stateless.pendingTimeoutMs} the
 * gateway cancels it at the upstream (a small 2025-era Streamable HTTP server of this test that elicits on every
 * call and records the cancellations it receives), and a late retry gets a clear error.
 */
@Timeout(60)
class StatelessHoldTimeoutTest {
    private Vertx vertx;
    private HttpServer upstream;
    private final List<Object> cancelled = new CopyOnWriteArrayList<>();
    private final List<Object> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        upstream = TestGateway.await(
                vertx.createHttpServer().requestHandler(this::serve).listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() {
        TestGateway.await(vertx.close());
    }

    @Test
    void aRetryThatNeverComesCancelsTheUpstreamCall() throws Exception {
        JsonObject config = Upstreams.services(
                        "asker",
                        Upstreams.url("http://127.0.0.1:" + upstream.actualPort() + "/mcp")
                                .put("timeoutMs", 30_000))
                .put("naming", new JsonObject().put("mode", "never"))
                .put("stateless", new JsonObject().put("pendingTimeoutMs", 1_000));
        try (TestGateway gateway = TestGateway.startReady(config)) {
            JsonObject params = new JsonObject().put("name", "ask").put("arguments", new JsonObject());
            JsonObject first = new JsonObject(post(gateway, 1, params).body()).getJsonObject("result");
            assertThat(first.getString("resultType")).isEqualTo("input_required");
            assertThat(calls).hasSize(1);

            await().atMost(Duration.ofSeconds(30)).until(() -> !cancelled.isEmpty());
            assertThat(cancelled).containsExactly(calls.get(0));

            JsonObject retry = params.copy()
                    .put("requestState", first.getString("requestState"))
                    .put(
                            "inputResponses",
                            new JsonObject()
                                    .put(
                                            first.getJsonObject("inputRequests")
                                                    .fieldNames()
                                                    .iterator()
                                                    .next(),
                                            new JsonObject().put("action", "decline")));
            JsonObject late = new JsonObject(post(gateway, 2, retry).body());
            assertThat(late.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
            assertThat(late.getJsonObject("error").getString("message")).containsAnyOf("expired", "no longer pending");
        }
    }

    /** A 2025-11-25 server with one tool, "ask", that elicits and never answers by itself. */
    private void serve(HttpServerRequest request) {
        if (!"POST".equals(request.method().name())) {
            request.response().setStatusCode(405).end();
            return;
        }
        request.body().onSuccess(body -> {
            JsonObject message = body.toJsonObject();
            String method = message.getString("method");
            Object id = message.getValue("id");
            var response = request.response().putHeader("Mcp-Session-Id", "held-1");
            if (method == null || id == null) {
                if ("notifications/cancelled".equals(method)) {
                    cancelled.add(message.getJsonObject("params").getValue("requestId"));
                }
                response.setStatusCode(202).end();
                return;
            }
            JsonObject result = switch (method) {
                case "initialize" ->
                    new JsonObject()
                            .put("protocolVersion", "2025-11-25")
                            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                            .put(
                                    "serverInfo",
                                    new JsonObject().put("name", "asker").put("version", "1"));
                case "tools/list" ->
                    new JsonObject()
                            .put(
                                    "tools",
                                    new JsonArray()
                                            .add(new JsonObject()
                                                    .put("name", "ask")
                                                    .put("inputSchema", new JsonObject().put("type", "object"))));
                case "tools/call" -> null;
                default -> new JsonObject();
            };
            if (result != null) {
                response.putHeader("Content-Type", "application/json")
                        .end(new JsonObject()
                                .put("jsonrpc", "2.0")
                                .put("id", id)
                                .put("result", result)
                                .encode());
                return;
            }
            calls.add(id);
            JsonObject ask = new JsonObject()
                    .put("jsonrpc", "2.0")
                    .put("id", "ask-" + id)
                    .put("method", "elicitation/create")
                    .put(
                            "params",
                            new JsonObject()
                                    .put("message", "Go on?")
                                    .put(
                                            "requestedSchema",
                                            new JsonObject()
                                                    .put("type", "object")
                                                    .put("properties", new JsonObject())));
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .write("data: " + ask.encode() + "\n\n");
        });
    }

    private static HttpResponse<String> post(TestGateway gateway, int id, JsonObject params) throws Exception {
        JsonObject meta = new JsonObject()
                .put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                .put(
                        "io.modelcontextprotocol/clientCapabilities",
                        new JsonObject().put("elicitation", new JsonObject()));
        String body = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", "tools/call")
                .put("params", params.copy().put("_meta", meta))
                .encode();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", params.getString("name"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
