package io.mcpstore.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A prompt template: its arguments and the function that renders its messages from argument values; an
 * {@code interactive} prompt (may be null) renders asynchronously and may ask the client while it does.
 */
public record Prompt(
        String name,
        String description,
        List<Argument> arguments,
        Function<Map<String, String>, JsonArray> render,
        Interactive interactive) {

    /** Renders the messages, possibly asking the client something first ({@link RequestContext#requestClient}). */
    @FunctionalInterface
    public interface Interactive {
        CompletionStage<JsonArray> render(Map<String, String> arguments, RequestContext context);
    }

    public Prompt(
            String name,
            String description,
            List<Argument> arguments,
            Function<Map<String, String>, JsonArray> render) {
        this(name, description, arguments, render, null);
    }

    /** A prompt that renders with {@code interactive}, which may ask the client. */
    public static Prompt interactive(
            String name, String description, List<Argument> arguments, Interactive interactive) {
        return new Prompt(name, description, arguments, null, interactive);
    }

    /** One argument; a completer (may be null) suggests values for {@code completion/complete}. */
    public record Argument(String name, String description, boolean required, Completer completer) {
        JsonObject describe() {
            JsonObject json = new JsonObject().put("name", name).put("required", required);
            return description == null ? json : json.put("description", description);
        }
    }

    public Prompt {
        arguments = arguments == null ? List.of() : List.copyOf(arguments);
    }

    /** The entry in a {@code prompts/list} result. */
    public JsonObject describe() {
        JsonArray args = new JsonArray();
        arguments.forEach(a -> args.add(a.describe()));
        JsonObject json = new JsonObject().put("name", name).put("arguments", args);
        return description == null ? json : json.put("description", description);
    }

    /** A message list holding one user message with this text: what most prompts render. */
    public static JsonArray userText(String text) {
        return new JsonArray().add(new JsonObject().put("role", "user").put("content", ToolResults.textContent(text)));
    }
}
