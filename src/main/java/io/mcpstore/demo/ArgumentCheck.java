package io.mcpstore.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Checks tool arguments against the subset of JSON Schema our tools use (required properties, property types,
 * {@code additionalProperties: false}), so that handlers can trust what they read and callers get a -32602 that says
 * which argument is wrong.
 */
final class ArgumentCheck {
    private ArgumentCheck() {}

    /** The first problem found, or {@code null} when the arguments fit the schema. */
    static String problem(JsonObject schema, JsonObject arguments) {
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        JsonArray required = schema.getJsonArray("required", new JsonArray());
        for (Object name : required) {
            if (!arguments.containsKey((String) name) || arguments.getValue((String) name) == null) {
                return "missing required argument '" + name + "'";
            }
        }
        for (Map.Entry<String, Object> entry : arguments) {
            Object propertySchema = properties.getValue(entry.getKey());
            if (propertySchema == null) {
                if (Boolean.FALSE.equals(schema.getValue("additionalProperties"))) {
                    return "unexpected argument '" + entry.getKey() + "'";
                }
                continue;
            }
            String type = propertySchema instanceof JsonObject s ? s.getString("type") : null;
            if (type != null && entry.getValue() != null && !hasType(entry.getValue(), type)) {
                return "argument '" + entry.getKey() + "' must be of type " + type;
            }
        }
        return null;
    }

    private static boolean hasType(Object value, String type) {
        return switch (type) {
            case "string" -> value instanceof String;
            case "number" -> value instanceof Number;
            case "integer" -> value instanceof Number n && isIntegral(n);
            case "boolean" -> value instanceof Boolean;
            case "object" -> value instanceof JsonObject || value instanceof Map;
            case "array" -> value instanceof JsonArray || value instanceof java.util.List;
            default -> true;
        };
    }

    private static boolean isIntegral(Number n) {
        double d = n.doubleValue();
        return !Double.isInfinite(d) && d == Math.rint(d);
    }
}
