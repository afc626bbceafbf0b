package io.mcpstore.demo;

import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/** A resource with a fixed URI whose text is produced when it is read. */
public record Resource(String uri, String name, String description, String mimeType, Supplier<String> text) {

    /** The entry in a {@code resources/list} result. */
    public JsonObject describe() {
        JsonObject json = new JsonObject().put("uri", uri).put("name", name);
        if (description != null) {
            json.put("description", description);
        }
        return mimeType == null ? json : json.put("mimeType", mimeType);
    }

    JsonObject contents() {
        JsonObject json = new JsonObject().put("uri", uri);
        if (mimeType != null) {
            json.put("mimeType", mimeType);
        }
        return json.put("text", text.get());
    }
}
