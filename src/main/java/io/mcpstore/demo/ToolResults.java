package io.mcpstore.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Builders for {@code tools/call} results. */
public final class ToolResults {
    private ToolResults() {}

    public static JsonObject text(String text) {
        return new JsonObject().put("content", new JsonArray().add(textContent(text)));
    }

    /** Text for clients that read content, plus the same data as {@code structuredContent} for those that parse. */
    public static JsonObject structured(String text, JsonObject structured) {
        return text(text).put("structuredContent", structured);
    }

    /** The tool ran and failed: the model sees the message, the protocol sees success. */
    public static JsonObject error(String message) {
        return text(message).put("isError", true);
    }

    public static JsonObject textContent(String text) {
        return new JsonObject().put("type", "text").put("text", text);
    }
}
