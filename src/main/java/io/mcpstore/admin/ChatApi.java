package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.ChatSettings;
import io.mcpstore.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * {@code /chat}: the console's chat lab. An admin sets the OpenAI-compatible endpoint ({@code /chat/settings}, the
 * {@code chat} config section; its API key is never shown). Each principal keeps its own transcripts in the web data
 * store ({@code /chat/transcripts}, see {@code io.mcpstore.webdata}). {@code POST /chat/transcripts/{id}/messages}
 * appends the user's message, streams the model's answer back as {@code text/event-stream} while it arrives, calls the
 * tools the model asks for through {@link ToolsApi#callAs} (the app's view, the caller's permissions, the audit log),
 * feeds their results back and loops for at most {@code chat.maxRounds} rounds, then stores the transcript.
 *
 * <p>Events sent: {@code delta {text}}, {@code tool_call {id, name, arguments}}, {@code tool_result {id, name,
 * result?, error?, isError}}, {@code error {message}}, and last {@code done {transcript}}.
 *
 * <p>Bounds: a message is at most {@value #MAX_CONTENT} characters; a transcript takes no new message once it holds
 * {@value #MAX_MESSAGES} entries or {@value #MAX_TRANSCRIPT_BYTES} bytes; one answer is at most {@value
 * #MAX_ANSWER_CHARS} characters and one stream line {@value #MAX_LINE_BYTES} bytes; a tool result is kept and fed back
 * to the model cut at {@value #MAX_TOOL_RESULT_CHARS} characters; at most {@value #MAX_CALLS_PER_ROUND} tool calls
 * per round and {@value #MAX_TRANSCRIPTS} transcripts per principal.
 */
final class ChatApi extends Resource {
    static final int MAX_CONTENT = 32_000;
    static final int MAX_MESSAGES = 200;
    static final int MAX_TRANSCRIPT_BYTES = 512 * 1024;
    static final int MAX_ANSWER_CHARS = 64 * 1024;
    static final int MAX_LINE_BYTES = 1024 * 1024;
    static final int MAX_TOOL_RESULT_CHARS = 16_000;
    static final int MAX_CALLS_PER_ROUND = 8;
    static final int MAX_TRANSCRIPTS = 500;
    private static final int MAX_ERROR_BODY = 4096;
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final String DEFAULT_TITLE = "New chat";

    private final ToolsApi tools;
    private final HttpClient http;

    ChatApi(AdminBus bus, CurrentConfig current, ToolsApi tools, Vertx vertx) {
        super(bus, current);
        this.tools = tools;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) CONNECT_TIMEOUT_MS)
                .setMaxInitialLineLength(8192)
                .setDecompressionSupported(true));
    }

    void mount(Router r) {
        r.get("/chat/settings").handler(this::settings);
        r.put("/chat/settings").handler(this::putSettings);
        r.get("/chat/transcripts").handler(this::list);
        r.post("/chat/transcripts").handler(this::create);
        r.get("/chat/transcripts/:id").handler(this::get);
        r.delete("/chat/transcripts/:id").handler(this::delete);
        r.post("/chat/transcripts/:id/messages").handler(this::send);
    }

    Future<Void> close() {
        return http.close();
    }

    // ---- settings

    private void settings(RoutingContext ctx) {
        AdminHttp.json(ctx, 200, current.get().chat().shown());
    }

    /**
     * Changes the {@code chat} section: keys not given keep their value; {@code apiKey} blank or {@code ***} keeps the
     * stored key, {@code null} removes it. Committed as a config revision (a merge of this one section).
     */
    private void putSettings(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        ChatSettings.KEYS.check(body, "chat");
        JsonObject entry = body.copy();
        if (entry.containsKey("apiKey")) {
            Object key = entry.getValue("apiKey");
            if (key instanceof String s && (s.isBlank() || s.equals(io.mcpstore.config.Secrets.REDACTED))) {
                entry.remove("apiKey");
            } else if (key instanceof String s) {
                entry.put("apiKey", ChatSettings.seal(s.trim()));
            } else if (key != null) {
                throw Problem.badRequest("chat.apiKey", "must be a string");
            }
        }
        JsonObject merged = current.get().chat().toJson();
        entry.forEach(e -> merged.put(e.getKey(), e.getValue()));
        ChatSettings.fromJson(merged); // names the key at fault before anything is sent
        JsonObject op = new JsonObject()
                .put("op", "import")
                .put("mode", "merge")
                .put("document", new JsonObject().put("chat", entry));
        change(ctx, op)
                .map(reply -> {
                    JsonObject config = reply.getJsonObject("config", new JsonObject());
                    Object chat = config.getValue("chat");
                    return ChatSettings.fromJson(chat instanceof JsonObject o ? o : null)
                            .shown()
                            .put("revision", reply.getLong("revision"));
                })
                .onSuccess(out -> AdminHttp.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    // ---- transcripts

    private static String owner(RoutingContext ctx) {
        return principal(ctx).subject();
    }

    private Future<JsonObject> store(JsonObject request) {
        return bus.request(Addresses.WEBDATA_TRANSCRIPTS, request, AdminBus.STORE_TIMEOUT_MS);
    }

    private void list(RoutingContext ctx) {
        answer(ctx, store(new JsonObject().put("op", "list").put("owner", owner(ctx))), 200);
    }

    private void get(RoutingContext ctx) {
        answer(ctx, load(ctx).map(t -> t), 200);
    }

    private Future<JsonObject> load(RoutingContext ctx) {
        return store(new JsonObject().put("op", "get").put("owner", owner(ctx)).put("id", ctx.pathParam("id")))
                .map(r -> r.getJsonObject("transcript"));
    }

    private void delete(RoutingContext ctx) {
        answer(
                ctx,
                store(new JsonObject()
                        .put("op", "delete")
                        .put("owner", owner(ctx))
                        .put("id", ctx.pathParam("id"))),
                200);
    }

    private void create(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        for (String k : body.fieldNames()) {
            if (!k.equals("title") && !k.equals("app")) {
                String meant = io.mcpstore.config.ConfigKeys.of("title", "app").closest(k);
                throw Problem.badRequest(
                        k,
                        "unknown key" + (meant == null ? " (known: title, app)" : "; did you mean '" + meant + "'?"));
            }
        }
        Object app = body.getValue("app");
        if (app != null && !(app instanceof String)) throw Problem.badRequest("app", "must be an app name or null");
        String appName = app == null || ((String) app).isBlank() ? null : (String) app;
        Principal principal = principal(ctx);
        tools.offered(principal, appName); // 404 for an unknown app, 403 for one the principal may not use
        Object title = body.getValue("title");
        if (title != null && !(title instanceof String)) throw Problem.badRequest("title", "must be a string");
        String t = title == null || ((String) title).isBlank() ? DEFAULT_TITLE : (String) title;
        if (t.length() > 200) throw Problem.badRequest("title", "must be at most 200 characters");
        String now = Instant.now().toString();
        JsonObject transcript = new JsonObject()
                .put("id", UUID.randomUUID().toString())
                .put("owner", principal.subject())
                .put("title", t)
                .put("app", appName)
                .put("createdAt", now)
                .put("updatedAt", now)
                .put("messages", new JsonArray());
        Future<JsonObject> created = store(new JsonObject().put("op", "list").put("owner", principal.subject()))
                .compose(list -> {
                    if (list.getJsonArray("transcripts", new JsonArray()).size() >= MAX_TRANSCRIPTS) {
                        return Future.failedFuture(new Problem(
                                409, "you have " + MAX_TRANSCRIPTS + " transcripts, the most kept: delete some first"));
                    }
                    return store(new JsonObject()
                            .put("op", "put")
                            .put("owner", principal.subject())
                            .put("transcript", transcript));
                })
                .map(v -> transcript);
        answer(ctx, created, 201);
    }

    // ---- a message: the model, the tools, the stream

    private void send(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        for (String k : body.fieldNames()) {
            if (!k.equals("content")) throw Problem.badRequest(k, "unknown key (known: content)");
        }
        Object content = body.getValue("content");
        if (!(content instanceof String text) || text.isBlank()) {
            throw Problem.badRequest("content", "is required: the message to send");
        }
        if (text.length() > MAX_CONTENT) {
            throw Problem.badRequest("content", "must be at most " + MAX_CONTENT + " characters");
        }
        ChatSettings settings = current.get().chat();
        if (!settings.configured()) {
            throw new Problem(
                    409,
                    "the chat lab is not set up: an admin sets chat.baseUrl and chat.model (PUT /api/v1/chat/settings)");
        }
        Principal principal = principal(ctx);
        load(ctx)
                .compose(transcript -> {
                    JsonArray messages = transcript.getJsonArray("messages", new JsonArray());
                    if (messages.size() >= MAX_MESSAGES || transcript.encode().length() >= MAX_TRANSCRIPT_BYTES) {
                        return Future.failedFuture(new Problem(
                                409,
                                "this transcript is full (" + MAX_MESSAGES + " messages or "
                                        + MAX_TRANSCRIPT_BYTES / 1024 + " KiB): start a new one"));
                    }
                    JsonArray offered;
                    try {
                        offered = tools.offered(principal, transcript.getString("app"));
                    } catch (Problem p) {
                        return Future.failedFuture(p);
                    }
                    return Future.succeededFuture(new Turn(ctx, principal, settings, transcript, offered, text.trim()));
                })
                .onSuccess(Turn::start)
                .onFailure(ctx::fail);
    }

    /** One message's exchange: the stream to the browser, the rounds with the model, the transcript it grows. */
    private final class Turn {
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

        Turn(
                RoutingContext ctx,
                Principal principal,
                ChatSettings settings,
                JsonObject transcript,
                JsonArray offered,
                String text) {
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
            if (DEFAULT_TITLE.equals(transcript.getString("title"))) {
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
                        return store(new JsonObject()
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
                            502,
                            "the model still asked for tools after " + n + " rounds (chat.maxRounds): stopped here"));
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
                shown.put("result", cut(text, MAX_TOOL_RESULT_CHARS));
            }
            event("tool_result", shown);
            messages.add(new JsonObject()
                    .put("role", "tool")
                    .put("toolCallId", id)
                    .put("name", name)
                    .put("content", cut(text, MAX_TOOL_RESULT_CHARS))
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
        private Future<Answer> complete(JsonObject request) {
            String url = settings.baseUrl() + "/chat/completions";
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setAbsoluteURI(url)
                    .setConnectTimeout(CONNECT_TIMEOUT_MS)
                    .setIdleTimeout(settings.timeoutMs())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.ACCEPT, "text/event-stream, application/json");
            String key = settings.resolvedApiKey();
            if (key != null) options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key);
            Promise<Answer> promise = Promise.promise();
            http.request(options)
                    .compose(req -> {
                        upstream = req;
                        req.exceptionHandler(e -> promise.tryFail(e));
                        return req.send(request.toBuffer());
                    })
                    .onFailure(e -> promise.tryFail(e))
                    .onSuccess(resp -> read(resp, promise));
            return promise.future().recover(e -> Future.failedFuture(new Problem(502, failure(e, url, key))));
        }

        private void read(HttpClientResponse resp, Promise<Answer> promise) {
            resp.exceptionHandler(promise::tryFail);
            if (resp.statusCode() != 200) {
                Buffer body = Buffer.buffer();
                resp.handler(b -> {
                    if (body.length() < MAX_ERROR_BODY) body.appendBuffer(b);
                });
                resp.endHandler(v -> promise.tryFail(new Refused(resp.statusCode(), errorDetail(body))));
                return;
            }
            String type = String.valueOf(resp.getHeader(HttpHeaders.CONTENT_TYPE));
            Stream stream = new Stream(promise);
            if (type.startsWith("application/json")) {
                Buffer body = Buffer.buffer();
                resp.handler(b -> {
                    if (body.length() + b.length() > MAX_LINE_BYTES) {
                        promise.tryFail(new Malformed("the answer is larger than " + MAX_LINE_BYTES + " bytes"));
                        resp.request().reset();
                    } else {
                        body.appendBuffer(b);
                    }
                });
                resp.endHandler(v -> stream.whole(body));
                return;
            }
            RecordParser lines = RecordParser.newDelimited("\n", stream::line).maxRecordSize(MAX_LINE_BYTES);
            lines.exceptionHandler(e -> {
                promise.tryFail(new Malformed("a stream line is longer than " + MAX_LINE_BYTES + " bytes"));
                resp.request().reset();
            });
            resp.handler(lines);
            resp.endHandler(v -> stream.end());
        }

        /** The streamed chat-completion chunks of one answer, gathered: text, and tool calls by index. */
        private final class Stream {
            private final Promise<Answer> promise;
            private final StringBuilder content = new StringBuilder();
            private final List<JsonObject> calls = new ArrayList<>();
            private String finish;
            private boolean done;
            private boolean any;

            Stream(Promise<Answer> promise) {
                this.promise = promise;
            }

            void line(Buffer raw) {
                if (promise.future().isComplete()) return;
                String line = raw.toString();
                if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
                if (!line.startsWith("data:")) return; // comments, event names, ids, blank separators
                String data = line.substring(5).trim();
                if (data.isEmpty()) return;
                if (data.equals("[DONE]")) {
                    done = true;
                    return;
                }
                JsonObject chunk;
                try {
                    chunk = new JsonObject(data);
                } catch (DecodeException e) {
                    promise.tryFail(new Malformed("a data line is not JSON: " + cut(data, 120)));
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
                    if (content.length() + text.length() > MAX_ANSWER_CHARS) {
                        promise.tryFail(new Malformed("the answer is longer than " + MAX_ANSWER_CHARS + " characters"));
                        return;
                    }
                    content.append(text);
                    event("delta", new JsonObject().put("text", text));
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
                if (index < 0 || index >= MAX_CALLS_PER_ROUND) {
                    promise.tryFail(new Malformed("more than " + MAX_CALLS_PER_ROUND + " tool calls in one answer"));
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
                    if (all.length() > MAX_ANSWER_CHARS) {
                        promise.tryFail(new Malformed("a tool call's arguments are longer than " + MAX_ANSWER_CHARS));
                        return;
                    }
                    call.put("arguments", all);
                }
            }

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
                        content.append(cut(text, MAX_ANSWER_CHARS));
                        event("delta", new JsonObject().put("text", content.toString()));
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
            } else if (e instanceof Malformed m) {
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
    }

    /** One answer of the model: its text and the tool calls it asks for ({@code {id, name, arguments}}). */
    private record Answer(String content, List<JsonObject> calls) {}

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

    /** The endpoint's answer broke the protocol (or a bound). */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
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

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
