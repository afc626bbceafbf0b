package io.mcpstore.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Small builders for the JSON Schemas that describe tool arguments. */
public final class Schemas {
    private Schemas() {}

    /** An object schema with no properties. */
    public static JsonObject object() {
        return new JsonObject().put("type", "object").put("properties", new JsonObject());
    }

    /** An object schema; {@code required} names properties that must be present. */
    public static JsonObject object(JsonObject properties, String... required) {
        JsonObject schema = new JsonObject().put("type", "object").put("properties", properties);
        if (required.length > 0) {
            schema.put("required", new JsonArray(java.util.List.of((Object[]) required)));
        }
        return schema;
    }

    public static JsonObject string(String description) {
        return new JsonObject().put("type", "string").put("description", description);
    }

    public static JsonObject number(String description) {
        return new JsonObject().put("type", "number").put("description", description);
    }

    public static JsonObject integer(String description) {
        return new JsonObject().put("type", "integer").put("description", description);
    }
}
