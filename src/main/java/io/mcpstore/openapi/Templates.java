package io.mcpstore.openapi;

import io.vertx.core.json.Json;
import java.util.Map;

/**
 * The body templates an import writes, where the default body (the JSON object of the {@code in: body} args) is not
 * what the API takes: a body that is one value (an array, a string), or fields renamed because a parameter has
 * their name. In the rest transport's template language, Handlebars: {@code {{json arg}}} writes an argument as JSON.
 */
final class Templates {
    private Templates() {}

    /** The whole body is the argument {@code arg}. */
    static String json(String arg) {
        // A name that is not a plain identifier is a Handlebars segment literal: [name].
        return "{{json " + (arg.matches("[A-Za-z_][A-Za-z0-9_]*") ? arg : "[" + arg + "]") + "}}";
    }

    /** A JSON object of {@code field → arg}. */
    static String jsonObject(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        fields.forEach((field, arg) -> {
            if (b.length() > 1) b.append(", ");
            b.append(Json.encode(field)).append(": ").append(json(arg));
        });
        return b.append('}').toString();
    }
}
