package io.mcpstore.admin;

import io.mcpstore.config.ChatSettings;
import io.mcpstore.security.Principal;
import io.mcpstore.upstream.SseParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One message of the chat lab ({@link ChatApi}): the event stream to the browser, the rounds with the model ({@link
 * CompletionStream} reads each answer), the tool calls through {@link ToolsApi#callAs}, and the transcript it grows
 * and stores at the end, whatever happened.
 */
final class ChatTurn {
    private final ChatApi api;
    private final ToolsApi tools;
    private final HttpClient http;
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final Principal principal;
    private final ChatSettings settings;
    private final JsonObject transcript;
    private final JsonArray messages;
    private final JsonArray functions = new JsonArray();
    /** OpenAI function name → the gateway's public tool name. */
    private final Map<String, String> names = new HashMap<>();

    private boolean gone;
    private HttpClientRequest upstream;

    ChatTurn(
            ChatApi api,
            ToolsApi tools,
            HttpClient http,
            RoutingContext ctx,
            Principal principal,
            ChatSettings settings,
            JsonObject transcript,
            JsonArray offered,
            String text) {
        this.api = api;
        this.tools = tools;
        this.http = http;
        this.ctx = ctx;
        this.response = ctx.response();
        this.principal = principal;
        this.settings = settings;
        this.transcript = transcript;
        this.messages = transcript.getJsonArray("messages", new JsonArray());
        transcript.put("messages", messages);
        for (Object o : offered) {
            JsonObject tool = (JsonObject) o;
            String name = tool.getString("name");
            String fn = functionName(name);
            if (names.putIfAbsent(fn, name) != null) continue;
            JsonObject schema = tool.getJsonObject("inputSchema", new JsonObject().put("type", "object"));
            JsonObject function = new JsonObject().put("name", fn).put("parameters", schema);
            if (tool.getString("description") != null) function.put("description", tool.getString("description"));
            functions.add(new JsonObject().put("type", "function").put("function", function));
        }
        messages.add(new JsonObject()
                .put("role", "user")
                .put("content", text)
                .put("at", Instant.now().toString()));
        if (ChatApi.DEFAULT_TITLE.equals(transcript.getString("title"))) {
            transcript.put("title", text.length() > 60 ? text.substring(0, 60) + "…" : text);
        }
    }

    void start() {
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(v -> {
            // The browser left: stop the model's stream; what there is so far is still stored.
            gone = true;
            if (upstream != null) upstream.reset();
        });
        response.write(": open\n\n");
        round(1).recover(e -> {
                    String message = e instanceof Problem p ? p.getMessage() : describe(e);
                    event("error", new JsonObject().put("message", message));
                    messages.add(new JsonObject()
                            .put("role", "error")
                            .put("content", message)
                            .put("at", Instant.now().toString()));
                    return Future.succeededFuture();
                })
                .compose(v -> {
                    transcript.put("updatedAt", Instant.now().toString());
                    return api.store(new JsonObject()
                            .put("op", "put")
                            .put("owner", principal.subject())
                            .put("transcript", transcript));
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        event(
                                "error",
                                new JsonObject()
                                        .put(
                                                "message",
                                                "the transcript could not be stored: "
                                                        + ar.cause().getMessage()));
                    }
                    event("done", new JsonObject().put("transcript", transcript));
                    if (!response.ended() && !response.closed()) response.end();
                });
    }

    private Future<Void> round(int n) {
        if (gone) return Future.succeededFuture();
        JsonObject request = new JsonObject()
                .put("model", settings.model())
                .put("stream", true)
                .put("messages", forModel());
        if (!functions.isEmpty()) request.put("tools", functions);
        return complete(request).compose(answer -> {
            JsonObject assistant = new JsonObject()
                    .put("role", "assistant")
                    .put("content", answer.content())
                    .put("at", Instant.now().toString());
            if (!answer.calls().isEmpty()) assistant.put("toolCalls", new JsonArray(answer.calls()));
            messages.add(assistant);
            if (answer.calls().isEmpty() || gone) return Future.succeededFuture();
            if (n >= settings.maxRounds()) {
                return Future.failedFuture(new Problem(
                        502, "the model still asked for tools after " + n + " rounds (chat.maxRounds): stopped here"));
            }
            Future<Void> calls = Future.succeededFuture();
            for (JsonObject call : answer.calls()) calls = calls.compose(v -> callTool(call));
            return calls.compose(v -> round(n + 1));
        });
    }

    /** One tool call the model asked for, made through the gateway; its result (or error) goes back as a message. */
    private Future<Void> callTool(JsonObject call) {
        if (gone) return Future.succeededFuture();
        String id = call.getString("id");
        String name = call.getString("name");
        String rawArgs = call.getString("arguments", "");
        event("tool_call", new JsonObject().put("id", id).put("name", name).put("arguments", rawArgs));
        JsonObject args;
        try {
            Object parsed = rawArgs.isBlank() ? new JsonObject() : io.vertx.core.json.Json.decodeValue(rawArgs);
            if (!(parsed instanceof JsonObject o)) throw new DecodeException("not an object");
            args = o;
        } catch (DecodeException e) {
            return toolResult(id, name, null, "the arguments are not a JSON object: " + cut(rawArgs, 200));
        }
        return tools.callAs(ctx, principal, transcript.getString("app"), name, args)
                .transform(ar -> ar.succeeded()
                        ? toolResult(id, name, ar.result(), null)
                        : toolResult(id, name, null, Problem.of(ar.cause()).getMessage()));
    }

    private Future<Void> toolResult(String id, String name, JsonObject result, String error) {
        boolean isError = error != null || (result != null && Boolean.TRUE.equals(result.getValue("isError")));
        JsonObject shown = new JsonObject().put("id", id).put("name", name).put("isError", isError);
        String text;
        if (error != null) {
            shown.put("error", error);
            text = "Error: " + error;
        } else {
            text = resultText(result);
            shown.put("result", cut(text, ChatApi.MAX_TOOL_RESULT_CHARS));
        }
        event("tool_result", shown);
        messages.add(new JsonObject()
                .put("role", "tool")
                .put("toolCallId", id)
                .put("name", name)
                .put("content", cut(text, ChatApi.MAX_TOOL_RESULT_CHARS))
                .put("isError", isError)
                .put("at", Instant.now().toString()));
        return Future.succeededFuture();
    }

    /** The transcript as chat-completions messages (error entries are the lab's own, not the model's). */
    private JsonArray forModel() {
        JsonArray out = new JsonArray();
        for (Object o : messages) {
            JsonObject m = (JsonObject) o;
            switch (m.getString("role", "")) {
                case "user" -> out.add(new JsonObject().put("role", "user").put("content", m.getString("content")));
                case "assistant" -> {
                    JsonObject a = new JsonObject().put("role", "assistant").put("content", m.getString("content"));
                    JsonArray calls = m.getJsonArray("toolCalls");
                    if (calls != null && !calls.isEmpty()) {
                        JsonArray tc = new JsonArray();
                        for (Object c : calls) {
                            JsonObject call = (JsonObject) c;
                            tc.add(new JsonObject()
                                    .put("id", call.getString("id"))
                                    .put("type", "function")
                                    .put(
                                            "function",
                                            new JsonObject()
                                                    .put("name", functionName(call.getString("name")))
                                                    .put("arguments", call.getString("arguments", "{}"))));
                        }
                        a.put("tool_calls", tc);
                    }
                    out.add(a);
                }
                case "tool" ->
                    out.add(new JsonObject()
                            .put("role", "tool")
                            .put("tool_call_id", m.getString("toolCallId"))
                            .put("content", m.getString("content")));
                default -> {}
            }
        }
        return out;
    }

    /** One request to the endpoint: its streamed answer, deltas relayed to the browser as they arrive. */
    private Future<CompletionStream.Answer> complete(JsonObject request) {
        String url = settings.baseUrl() + "/chat/completions";
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setConnectTimeout(ChatApi.CONNECT_TIMEOUT_MS)
                .setIdleTimeout(settings.timeoutMs())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream, application/json");
        String key = settings.resolvedApiKey();
        if (key != null) options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key);
        Promise<CompletionStream.Answer> promise = Promise.promise();
        // The request's idle timeout covers the wait for the headers; this one every silence after them too.
        long[] silence = {-1};
        Runnable quiet = () -> {
            if (silence[0] >= 0) ctx.vertx().cancelTimer(silence[0]);
            silence[0] = promise.future().isComplete()
                    ? -1
                    : ctx.vertx().setTimer(settings.timeoutMs(), id -> {
                        if (promise.tryFail(new TimeoutException("silent")) && upstream != null) upstream.reset();
                    });
        };
        promise.future().onComplete(ar -> quiet.run());
        quiet.run();
        http.request(options)
                .compose(req -> {
                    upstream = req;
                    req.exceptionHandler(e -> promise.tryFail(e));
                    return req.send(request.toBuffer());
                })
                .onFailure(e -> promise.tryFail(e))
                .onSuccess(resp -> {
                    quiet.run();
                    read(resp, promise, quiet);
                });
        return promise.future().recover(e -> Future.failedFuture(new Problem(502, failure(e, url, key))));
    }

    /** Reads the answer; {@code heard} is run on every piece that arrives (it re-arms the silence timer). */
    private void read(HttpClientResponse resp, Promise<CompletionStream.Answer> promise, Runnable heard) {
        resp.exceptionHandler(promise::tryFail);
        if (resp.statusCode() != 200) {
            Buffer body = Buffer.buffer();
            resp.handler(b -> {
                heard.run();
                if (body.length() < ChatApi.MAX_ERROR_BODY) body.appendBuffer(b);
            });
            resp.endHandler(v -> promise.tryFail(new Refused(resp.statusCode(), errorDetail(body))));
            return;
        }
        String type = String.valueOf(resp.getHeader(HttpHeaders.CONTENT_TYPE));
        CompletionStream stream =
                new CompletionStream(promise, text -> event("delta", new JsonObject().put("text", text)), names);
        if (type.startsWith("application/json")) {
            Buffer body = Buffer.buffer();
            resp.handler(b -> {
                heard.run();
                if (body.length() + b.length() > ChatApi.MAX_LINE_BYTES) {
                    promise.tryFail(new CompletionStream.Malformed(
                            "the answer is larger than " + ChatApi.MAX_LINE_BYTES + " bytes"));
                    resp.request().reset();
                } else {
                    body.appendBuffer(b);
                }
            });
            resp.endHandler(v -> stream.whole(body));
            return;
        }
        SseParser events = new SseParser(e -> stream.data(e.data()), ChatApi.MAX_LINE_BYTES, tooLarge -> {
            promise.tryFail(new CompletionStream.Malformed(
                    "a stream line is longer than " + ChatApi.MAX_LINE_BYTES + " bytes"));
            resp.request().reset();
        });
        resp.handler(b -> {
            heard.run();
            events.feed(b.getBytes());
        });
        resp.endHandler(v -> stream.end());
    }

    private void event(String name, JsonObject data) {
        if (gone || response.ended() || response.closed()) return;
        response.write("event: " + name + "\ndata: " + data.encode() + "\n\n");
    }

    private String failure(Throwable e, String url, String key) {
        String message;
        if (e instanceof Refused r) {
            message = r.status == 401 || r.status == 403
                    ? "the chat endpoint refused the API key (HTTP " + r.status + ")"
                            + (r.detail.isEmpty() ? "" : ": " + r.detail)
                    : "the chat endpoint answered HTTP " + r.status + (r.detail.isEmpty() ? "" : ": " + r.detail);
        } else if (e instanceof CompletionStream.Malformed m) {
            message = "the chat endpoint's answer is malformed: " + m.getMessage();
        } else if (e instanceof TimeoutException
                || String.valueOf(e.getMessage()).toLowerCase().contains("timeout")) {
            message = "the chat endpoint " + url + " sent nothing for " + settings.timeoutMs() / 1000
                    + " s (chat.timeoutMs)";
        } else if (gone) {
            message = "the browser left before the answer was complete";
        } else {
            message = "the chat endpoint " + url + " cannot be reached: " + describe(e);
        }
        // An endpoint may quote the key it refused: it never leaves the gateway.
        return key == null || key.length() < 4 ? message : message.replace(key, "***");
    }

    /** The endpoint answered with a status other than 200. */
    private static final class Refused extends RuntimeException {
        final int status;
        final String detail;

        Refused(int status, String detail) {
            super("HTTP " + status, null, false, false);
            this.status = status;
            this.detail = detail;
        }
    }

    /** An error body's message ({@code {"error": {"message"}}}, OpenAI's shape) or its first characters. */
    private static String errorDetail(Buffer body) {
        String text = body.toString().trim();
        try {
            JsonObject json = new JsonObject(text);
            Object error = json.getValue("error");
            if (error instanceof JsonObject o && o.getString("message") != null)
                return cut(o.getString("message"), 300);
            if (error instanceof String s) return cut(s, 300);
        } catch (DecodeException ignored) {
            // not JSON: shown as text
        }
        return cut(text, 300);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** A public tool name as an OpenAI function name ({@code [A-Za-z0-9_-]{1,64}}). */
    static String functionName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.length() > 64 ? safe.substring(0, 64) : safe.isEmpty() ? "_" : safe;
    }

    /** A tool result as the text the model reads: its text contents, else the structured content or the whole. */
    private static String resultText(JsonObject result) {
        StringBuilder out = new StringBuilder();
        JsonArray content = result.getJsonArray("content", new JsonArray());
        for (Object o : content) {
            if (o instanceof JsonObject c && "text".equals(c.getString("type"))) {
                if (!out.isEmpty()) out.append('\n');
                out.append(c.getString("text", ""));
            }
        }
        if (!out.isEmpty()) return out.toString();
        Object structured = result.getValue("structuredContent");
        return structured != null ? String.valueOf(structured) : result.encode();
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
