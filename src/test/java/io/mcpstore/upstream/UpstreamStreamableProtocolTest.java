package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Streamable HTTP client's side of the protocol, checked against a minimal server that records every request:
 * session and version headers, SSE answers split mid-line, an expired session, the DELETE on close.
 */
@ExtendWith(VertxExtension.class)
class UpstreamStreamableProtocolTest {

    /** One request as the server saw it. */
    record Seen(HttpMethod http, String rpc, String session, String version, String accept) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> resumedFrom = new CopyOnWriteArrayList<>();
    private volatile String liveSession;
    private volatile JsonObject awaitingResume;
    private int sessions;
    private HttpServer server;
    private UpstreamProbe probe;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) probe.close();
        if (server != null) server.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void speaksTheSessionProtocolAndStartsOverWhenTheSessionExpires(Vertx vertx) throws Exception {
        start(vertx);

        assertThat(UpstreamProbe.text(call("t"))).isEqualTo("streamed answer");
        liveSession = null; // the server restarts and forgets every session
        assertThat(UpstreamProbe.text(call("t"))).isEqualTo("streamed answer");
        probe.close();
        probe = null;

        assertThat(seen)
                .containsSubsequence(
                        new Seen(HttpMethod.POST, "initialize", null, null, "application/json, text/event-stream"),
                        new Seen(
                                HttpMethod.POST,
                                "notifications/initialized",
                                "s1",
                                "2025-11-25",
                                "application/json, text/event-stream"),
                        new Seen(HttpMethod.GET, null, "s1", "2025-11-25", "text/event-stream"),
                        new Seen(
                                HttpMethod.POST,
                                "tools/call",
                                "s1",
                                "2025-11-25",
                                "application/json, text/event-stream"),
                        new Seen(
                                HttpMethod.POST,
                                "tools/call",
                                "s1",
                                "2025-11-25",
                                "application/json, text/event-stream"),
                        new Seen(HttpMethod.POST, "initialize", null, null, "application/json, text/event-stream"),
                        new Seen(
                                HttpMethod.POST,
                                "tools/call",
                                "s2",
                                "2025-11-25",
                                "application/json, text/event-stream"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> seen.stream().anyMatch(s -> s.http() == HttpMethod.DELETE && "s2".equals(s.session())));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void resumesAnAnswerStreamTheServerEndedEarly(Vertx vertx) throws Exception {
        start(vertx);

        assertThat(UpstreamProbe.text(call("resumable"))).isEqualTo("resumed answer");

        assertThat(resumedFrom).containsExactly("r1");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anAnswerStreamThatEndsWithoutAnswerFailsTheCallAtOnce(Vertx vertx) throws Exception {
        start(vertx);
        long asked = System.nanoTime();

        JsonObject reply = call("dropped");

        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
        assertThat(reply.getJsonObject("error").getInteger("code")).isEqualTo(-32000);
        assertThat(reply.getJsonObject("error").getString("message")).contains("without answering");
    }

    private void start(Vertx vertx) throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .await(5, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + server.actualPort() + "/mcp";
        probe = UpstreamProbe.deploy(
                vertx,
                "fake",
                new JsonObject().put("url", url).put("headers", new JsonObject().put("X-Api-Key", "k1")));
        probe.awaitState("ready", Duration.ofSeconds(10));
    }

    private JsonObject call(String tool) throws Exception {
        return probe.call("tools/call", new JsonObject().put("name", tool).put("arguments", new JsonObject()))
                .await(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest request) {
        if (!"k1".equals(request.getHeader("X-Api-Key"))) {
            request.response().setStatusCode(401).end();
            return;
        }
        String session = request.getHeader("MCP-Session-Id");
        String version = request.getHeader("MCP-Protocol-Version");
        String accept = request.getHeader("Accept");
        if (request.method() != HttpMethod.POST) {
            seen.add(new Seen(request.method(), null, session, version, accept));
            String resumeFrom = request.getHeader("Last-Event-ID");
            if (resumeFrom != null && awaitingResume != null) {
                resumedFrom.add(resumeFrom);
                request.response()
                        .putHeader("Content-Type", "text/event-stream")
                        .end("id: r2\ndata: "
                                + answer(awaitingResume, text("resumed answer")).encode() + "\n\n");
                return;
            }
            request.response()
                    .setStatusCode(request.method() == HttpMethod.GET ? 405 : 200)
                    .end();
            return;
        }
        request.body().onSuccess(body -> {
            JsonObject message = body.toJsonObject();
            String method = message.getString("method");
            seen.add(new Seen(HttpMethod.POST, method, session, version, accept));
            HttpServerResponse response = request.response();
            if (!"initialize".equals(method) && (session == null || !session.equals(liveSession))) {
                response.setStatusCode(404).end();
                return;
            }
            switch (method == null ? "" : method) {
                case "initialize" -> {
                    liveSession = "s" + ++sessions;
                    JsonObject result = new JsonObject()
                            .put("protocolVersion", "2025-11-25")
                            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                            .put(
                                    "serverInfo",
                                    new JsonObject().put("name", "fake").put("version", "1"));
                    response.putHeader("MCP-Session-Id", liveSession)
                            .putHeader("Content-Type", "application/json")
                            .end(answer(message, result).encode());
                }
                case "tools/list" ->
                    response.putHeader("Content-Type", "application/json")
                            // a batch-shaped body is accepted too
                            .end(new JsonArray()
                                    .add(answer(message, new JsonObject().put("tools", new JsonArray().add(tool()))))
                                    .encode());
                case "tools/call" -> {
                    switch (message.getJsonObject("params").getString("name")) {
                        case "resumable" -> { // ends the stream at once, asking to come back for the answer
                            awaitingResume = message;
                            response.putHeader("Content-Type", "text/event-stream")
                                    .end("id: r1\nretry: 20\ndata: \n\n");
                        }
                        case "dropped" ->
                            response.putHeader("Content-Type", "text/event-stream")
                                    .end(": nothing to say\n\n");
                        default -> stream(response, message);
                    }
                }
                case "" -> response.setStatusCode(202).end(); // a response from the client
                default -> response.setStatusCode(202).end(); // notifications
            }
        });
    }

    /** An SSE answer: priming event, a progress notification, then the result split in the middle of a line. */
    private static void stream(HttpServerResponse response, JsonObject request) {
        String result = answer(request, text("streamed answer")).encode();
        String progress = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("method", "notifications/progress")
                .put("params", new JsonObject().put("progressToken", 1).put("progress", 1))
                .encode();
        response.setChunked(true).putHeader("Content-Type", "text/event-stream");
        response.write("id: e1\r\ndata: \r\n\r\n");
        response.write("event: message\r\ndata: " + progress + "\r\n\r\n");
        int half = result.length() / 2;
        response.write("id: e2\ndata: " + result.substring(0, half));
        response.end(result.substring(half) + "\n\n");
    }

    private static JsonObject answer(JsonObject request, JsonObject result) {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", request.getValue("id"))
                .put("result", result);
    }

    private static JsonObject text(String text) {
        return new JsonObject()
                .put(
                        "content",
                        new JsonArray().add(new JsonObject().put("type", "text").put("text", text)));
    }

    private static JsonObject tool() {
        return new JsonObject().put("name", "t").put("inputSchema", new JsonObject().put("type", "object"));
    }
}
