package io.mcpstore.admin;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The streamed chat-completion chunks of one answer, gathered event by event ({@code data: {...}} events of an SSE
 * stream read by {@link io.mcpstore.upstream.SseParser}, {@code [DONE]} last): its text, handed on as it arrives, and
 * its tool calls, assembled by index from their pieces. Bounded: the text and each call's arguments at {@link ChatApi#ChatApi.MAX_ANSWER_CHARS}, {@link
 * ChatApi#ChatApi.MAX_CALLS_PER_ROUND} calls. The first breach of the protocol or a bound fails the answer ({@link Malformed}).
 */
final class CompletionStream {
    /** One answer of the model: its text and the tool calls it asks for ({@code {id, name, arguments}}). */
    record Answer(String content, List<JsonObject> calls) {}

    /** The endpoint's answer broke the protocol (or a bound). */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final Promise<Answer> promise;
    private final StringBuilder content = new StringBuilder();
    private final List<JsonObject> calls = new ArrayList<>();
    private String finish;
    private boolean done;
    private boolean any;

    private final Consumer<String> onText;
    /** OpenAI function name → the gateway's public tool name. */
    private final Map<String, String> names;

    CompletionStream(Promise<Answer> promise, Consumer<String> onText, Map<String, String> names) {
        this.promise = promise;
        this.onText = onText;
        this.names = names;
    }

    /** The data of one event of the stream (comments, names and ids are the parser's). */
    void data(String raw) {
        if (promise.future().isComplete()) return;
        String data = raw.trim();
        if (data.isEmpty()) return;
        if (data.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonObject chunk;
        try {
            chunk = new JsonObject(data);
        } catch (DecodeException e) {
            promise.tryFail(new Malformed("a data line is not JSON: " + ChatTurn.cut(data, 120)));
            return;
        }
        any = true;
        if (chunk.getValue("error") != null) {
            Object error = chunk.getValue("error");
            String message = error instanceof JsonObject o ? o.getString("message", o.encode()) : "" + error;
            promise.tryFail(new Malformed("the endpoint reported an error: " + message));
            return;
        }
        JsonArray choices = chunk.getJsonArray("choices");
        if (choices == null || choices.isEmpty()) return;
        JsonObject choice = choices.getJsonObject(0);
        if (choice.getString("finish_reason") != null) finish = choice.getString("finish_reason");
        JsonObject delta = choice.getJsonObject("delta");
        if (delta == null) return;
        String text = delta.getString("content");
        if (text != null && !text.isEmpty()) {
            if (content.length() + text.length() > ChatApi.MAX_ANSWER_CHARS) {
                promise.tryFail(new Malformed("the answer is longer than " + ChatApi.MAX_ANSWER_CHARS + " characters"));
                return;
            }
            content.append(text);
            onText.accept(text);
        }
        JsonArray toolCalls = delta.getJsonArray("tool_calls");
        if (toolCalls != null) {
            for (Object o : toolCalls) {
                if (o instanceof JsonObject tc) addCall(tc);
            }
        }
    }

    private void addCall(JsonObject tc) {
        int index = tc.getInteger("index", calls.size());
        if (index < 0 || index >= ChatApi.MAX_CALLS_PER_ROUND) {
            promise.tryFail(new Malformed("more than " + ChatApi.MAX_CALLS_PER_ROUND + " tool calls in one answer"));
            return;
        }
        while (calls.size() <= index) calls.add(new JsonObject().put("arguments", ""));
        JsonObject call = calls.get(index);
        if (tc.getString("id") != null) call.put("id", tc.getString("id"));
        JsonObject fn = tc.getJsonObject("function", new JsonObject());
        if (fn.getString("name") != null) call.put("name", fn.getString("name"));
        String args = fn.getString("arguments");
        if (args != null) {
            String all = call.getString("arguments") + args;
            if (all.length() > ChatApi.MAX_ANSWER_CHARS) {
                promise.tryFail(new Malformed("a tool call's arguments are longer than " + ChatApi.MAX_ANSWER_CHARS));
                return;
            }
            call.put("arguments", all);
        }
    }

    /** The stream ended. */
    void end() {
        if (promise.future().isComplete()) return;
        if (!any) {
            promise.tryFail(new Malformed("the stream ended without a chat-completion chunk"));
        } else if (!done && finish == null) {
            promise.tryFail(new Malformed("the stream ended before the answer was finished"));
        } else {
            promise.tryComplete(answer());
        }
    }

    /** An endpoint that answered with one JSON completion instead of a stream. */
    void whole(Buffer body) {
        if (promise.future().isComplete()) return;
        try {
            JsonObject message = new JsonObject(body)
                    .getJsonArray("choices")
                    .getJsonObject(0)
                    .getJsonObject("message");
            String text = message.getString("content");
            if (text != null && !text.isEmpty()) {
                content.append(ChatTurn.cut(text, ChatApi.MAX_ANSWER_CHARS));
                onText.accept(content.toString());
            }
            JsonArray toolCalls = message.getJsonArray("tool_calls", new JsonArray());
            for (int i = 0; i < toolCalls.size(); i++) {
                addCall(toolCalls.getJsonObject(i).copy().put("index", i));
            }
            promise.tryComplete(answer());
        } catch (RuntimeException e) {
            promise.tryFail(new Malformed("the answer is not a chat completion: " + e.getMessage()));
        }
    }

    private Answer answer() {
        List<JsonObject> named = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonObject c = calls.get(i);
            String fn = c.getString("name", "");
            String id = c.getString("id");
            named.add(new JsonObject()
                    .put("id", id == null ? "call_" + i : id)
                    .put("name", names.getOrDefault(fn, fn))
                    .put("arguments", c.getString("arguments", "")));
        }
        return new Answer(content.toString(), named);
    }
}
