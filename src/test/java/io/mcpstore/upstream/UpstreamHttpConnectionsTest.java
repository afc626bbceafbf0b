package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.bus.Failures;
import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upstream whose {@code stall} tool sends the response headers and then nothing, never ending the response and
 * ignoring {@code notifications/cancelled}: each timed-out call must give its HTTP connection back, or the pool (64
 * connections) fills and every later call to that upstream times out too.
 */
@ExtendWith(VertxExtension.class)
class UpstreamHttpConnectionsTest {
    /** More calls than the client keeps connections to one server. */
    private static final int CALLS = 80;

    private static final long TIMEOUT_MS = 1_000;

    private HttpServer server;
    private UpstreamProbe probe;
    private HttpServerResponse legacyStream;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) probe.close();
        if (server != null) server.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void streamableHttpCallsThatTimeOutGiveTheirConnectionsBack(Vertx vertx) throws Exception {
        start(vertx, "/mcp");
        stallManyThenEcho();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void legacySseCallsThatTimeOutGiveTheirConnectionsBack(Vertx vertx) throws Exception {
        start(vertx, "/sse");
        stallManyThenEcho();
    }

    private void stallManyThenEcho() throws Exception {
        List<Future<JsonObject>> stalled = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) stalled.add(probe.call("tools/call", tool("stall")));
        Future.join(stalled).otherwiseEmpty().await(60, TimeUnit.SECONDS);
        for (Future<JsonObject> call : stalled) {
            assertThat(call.failed()).as("a stalled call fails").isTrue();
            assertThat(((ReplyException) call.cause()).failureCode()).isEqualTo(Failures.TIMEOUT);
        }

        // Within the service's own timeout (far below the connection pool's idle time): the upstream still answers.
        JsonObject echo = probe.call("tools/call", tool("echo")).await(30, TimeUnit.SECONDS);

        assertThat(UpstreamProbe.text(echo)).isEqualTo("echoed");
    }

    private void start(Vertx vertx, String path) throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .await(5, TimeUnit.SECONDS);
        JsonObject entry = new JsonObject()
                .put("url", "http://127.0.0.1:" + server.actualPort() + path)
                .put("timeoutMs", TIMEOUT_MS)
                .put("pingIntervalMs", 0);
        probe = UpstreamProbe.deploy(vertx, "stalling", entry);
        probe.awaitState("ready", Duration.ofSeconds(30));
    }

    private void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (request.method() == HttpMethod.GET && request.path().equals("/sse")) {
            legacyStream = response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            response.write("event: endpoint\ndata: /message\n\n");
            return;
        }
        if (request.method() != HttpMethod.POST) {
            response.setStatusCode(request.method() == HttpMethod.DELETE ? 200 : 405)
                    .end();
            return;
        }
        boolean legacy = request.path().equals("/message");
        request.body().onSuccess(body -> {
            JsonObject message = body.toJsonObject();
            if (!JsonRpc.isRequest(message)) {
                response.setStatusCode(202).end();
                return;
            }
            Object id = message.getValue("id");
            if ("tools/call".equals(message.getString("method"))
                    && "stall".equals(message.getJsonObject("params").getString("name"))) {
                // Headers, then silence: the response never ends.
                response.setChunked(true)
                        .putHeader("Content-Type", legacy ? "application/json" : "text/event-stream")
                        .writeHead();
                return;
            }
            JsonObject answer = JsonRpc.result(id, result(message));
            if (legacy) {
                response.setStatusCode(202).end();
                legacyStream.write("event: message\ndata: " + answer.encode() + "\n\n");
            } else {
                if ("initialize".equals(message.getString("method"))) response.putHeader("MCP-Session-Id", "s1");
                response.putHeader("Content-Type", "application/json").end(answer.encode());
            }
        });
    }

    private static JsonObject result(JsonObject request) {
        return switch (request.getString("method")) {
            case "initialize" ->
                new JsonObject()
                        .put("protocolVersion", "2025-11-25")
                        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                        .put(
                                "serverInfo",
                                new JsonObject().put("name", "stalling").put("version", "1"));
            case "tools/list" ->
                new JsonObject()
                        .put(
                                "tools",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "stall")
                                                .put("inputSchema", new JsonObject().put("type", "object")))
                                        .add(new JsonObject()
                                                .put("name", "echo")
                                                .put("inputSchema", new JsonObject().put("type", "object"))));
            case "tools/call" ->
                new JsonObject()
                        .put(
                                "content",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("type", "text")
                                                .put("text", "echoed")));
            default -> new JsonObject();
        };
    }

    private static JsonObject tool(String name) {
        return new JsonObject().put("name", name).put("arguments", new JsonObject());
    }
}
