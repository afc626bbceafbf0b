package io.mcpstore.demo;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.function.Supplier;

/** A resource with a fixed URI whose text (or, when {@code blob} is set, bytes) is produced when it is read. */
public record Resource(
        String uri, String name, String description, String mimeType, Supplier<String> text, Supplier<byte[]> blob) {

    /** A text resource. */
    public Resource(String uri, String name, String description, String mimeType, Supplier<String> text) {
        this(uri, name, description, mimeType, text, null);
    }

    /** A binary resource: read as base64 {@code blob} contents. */
    public static Resource binary(
            String uri, String name, String description, String mimeType, Supplier<byte[]> bytes) {
        return new Resource(uri, name, description, mimeType, null, bytes);
    }

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
        return blob != null
                ? json.put("blob", Base64.getEncoder().encodeToString(blob.get()))
                : json.put("text", text.get());
    }
}
