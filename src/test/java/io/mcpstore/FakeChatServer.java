package io.mcpstore;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fake OpenAI-compatible chat-completions endpoint for the chat lab's tests, on 127.0.0.1 and a free port: {@code
 * POST /v1/chat/completions} with {@code stream: true}. Asked by a user, it streams a little text and then a call of
 * {@code tool} (its arguments in two pieces, {@code finish_reason: tool_calls}); once the messages carry that call's
 * result, it streams a final answer that quotes the result. Every request body and bearer is kept for the test to
 * check. {@link #holdFinal()} makes it wait, half-way through the final answer, until {@link #release()}.
 */
public final class FakeChatServer implements AutoCloseable {
    public static final String FINAL_START = "The echo tool answered: ";

    /** How it answers. */
    public enum Mode {
        CHAT,
        REFUSE_KEY,
        MALFORMED,
        /** Answers 200 with an event stream and then says nothing, ever. */
        SILENT
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final String tool;
    private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    private final List<String> bearers = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.CHAT;
    private volatile boolean hold;
    private final CountDownLatch released = new CountDownLatch(1);

    public FakeChatServer(String tool) {
        this.tool = tool;
        this.server = vertx.createHttpServer()
                .requestHandler(req -> {
                    if (!req.path().equals("/v1/chat/completions")) {
                        req.response().setStatusCode(404).end();
                        return;
                    }
                    req.body()
                            .onSuccess(body ->
                                    answer(req.getHeader("Authorization"), body.toJsonObject(), req.response()));
                })
                .listen(0, "127.0.0.1")
                .await();
    }

    /** {@code http://127.0.0.1:PORT/v1}: what {@code chat.baseUrl} is set to. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public void holdFinal() {
        hold = true;
    }

    public void release() {
        released.countDown();
    }

    public List<JsonObject> requests() {
        return List.copyOf(requests);
    }

    public List<String> bearers() {
        return List.copyOf(bearers);
    }

    private void answer(String bearer, JsonObject body, HttpServerResponse response) {
        requests.add(body);
        bearers.add(String.valueOf(bearer));
        if (mode == Mode.REFUSE_KEY) {
            String key = bearer == null ? "" : bearer.replace("Bearer ", "");
            response.setStatusCode(401)
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("error", new JsonObject().put("message", "Incorrect API key provided: " + key))
                            .encode());
            return;
        }
        response.setChunked(true).putHeader("Content-Type", "text/event-stream");
        if (mode == Mode.SILENT) {
            response.write(": open\n\n");
            return;
        }
        if (mode == Mode.MALFORMED) {
            response.write("data: {\"choices\": [{\"delta\": {\"content\": \"Hel\"}}]}\n\n");
            response.end("data: this is not json\n\n");
            return;
        }
        JsonArray messages = body.getJsonArray("messages");
        JsonObject last = messages.getJsonObject(messages.size() - 1);
        if (!"tool".equals(last.getString("role"))) {
            chunk(response, new JsonObject().put("content", "Let me ask the tool."), null);
            JsonObject first = new JsonObject()
                    .put("index", 0)
                    .put("id", "call_1")
                    .put("type", "function")
                    .put("function", new JsonObject().put("name", tool).put("arguments", "{\"text\": \"hello "));
            chunk(response, new JsonObject().put("tool_calls", new JsonArray().add(first)), null);
            JsonObject rest = new JsonObject()
                    .put("index", 0)
                    .put("function", new JsonObject().put("arguments", "from the model\"}"));
            chunk(response, new JsonObject().put("tool_calls", new JsonArray().add(rest)), null);
            chunk(response, new JsonObject(), "tool_calls");
            response.end("data: [DONE]\n\n");
            return;
        }
        String result = last.getString("content");
        chunk(response, new JsonObject().put("content", FINAL_START), null);
        Runnable finish = () -> {
            chunk(response, new JsonObject().put("content", result), null);
            chunk(response, new JsonObject().put("content", "."), "stop");
            response.end("data: [DONE]\n\n");
        };
        if (!hold) {
            finish.run();
            return;
        }
        vertx.<Void>executeBlocking(() -> {
                    released.await(60, TimeUnit.SECONDS);
                    return null;
                })
                .onComplete(ar -> finish.run());
    }

    private static void chunk(HttpServerResponse response, JsonObject delta, String finish) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finish);
        JsonObject chunk = new JsonObject()
                .put("id", "chatcmpl-1")
                .put("object", "chat.completion.chunk")
                .put("choices", new JsonArray().add(choice));
        response.write("data: " + chunk.encode() + "\n\n");
    }

    @Override
    public void close() {
        released.countDown();
        vertx.close().await();
    }
}
