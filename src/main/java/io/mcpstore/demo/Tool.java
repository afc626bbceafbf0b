package io.mcpstore.demo;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A tool a server offers: its name, description, JSON Schema for the arguments (checked before the handler runs), an
 * optional output schema, the handler that produces the {@code tools/call} result, and optional annotations
 * ({@code readOnlyHint}, {@code idempotentHint}, ...).
 */
public record Tool(
        String name,
        String description,
        JsonObject inputSchema,
        JsonObject outputSchema,
        Handler handler,
        JsonObject annotations) {

    /** Produces a {@code CallToolResult}; asynchronous so that a slow tool holds no thread while it waits. */
    @FunctionalInterface
    public interface Handler {
        CompletionStage<JsonObject> call(JsonObject arguments, RequestContext context);
    }

    public Tool {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        inputSchema = inputSchema == null ? Schemas.object() : inputSchema;
    }

    public Tool(String name, String description, JsonObject inputSchema, JsonObject outputSchema, Handler handler) {
        this(name, description, inputSchema, outputSchema, handler, null);
    }

    /** A tool whose answer is computed right away from its arguments. */
    public static Tool of(
            String name, String description, JsonObject inputSchema, Function<JsonObject, JsonObject> fn) {
        return new Tool(
                name, description, inputSchema, null, (args, ctx) -> CompletableFuture.completedFuture(fn.apply(args)));
    }

    public Tool withOutputSchema(JsonObject schema) {
        return new Tool(name, description, inputSchema, schema, handler, annotations);
    }

    public Tool withAnnotations(JsonObject value) {
        return new Tool(name, description, inputSchema, outputSchema, handler, value);
    }

    /** The entry in a {@code tools/list} result. */
    public JsonObject describe() {
        JsonObject json = new JsonObject().put("name", name);
        if (description != null) {
            json.put("description", description);
        }
        json.put("inputSchema", inputSchema.copy());
        if (outputSchema != null) {
            json.put("outputSchema", outputSchema.copy());
        }
        if (annotations != null) {
            json.put("annotations", annotations.copy());
        }
        return json;
    }
}
