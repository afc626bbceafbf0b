package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.ChatSettings;
import io.mcpstore.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code /chat}: the console's chat lab. An admin sets the OpenAI-compatible endpoint ({@code /chat/settings}, the
 * {@code chat} config section; its API key is never shown). Each principal keeps its own transcripts in the web data
 * store ({@code /chat/transcripts}, see {@code io.mcpstore.webdata}). {@code POST /chat/transcripts/{id}/messages}
 * appends the user's message and hands the rest to a {@link ChatTurn}: it streams the model's answer back as {@code
 * text/event-stream} while it arrives, calls the
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
    static final int MAX_ERROR_BODY = 4096;
    static final long CONNECT_TIMEOUT_MS = 10_000;
    static final String DEFAULT_TITLE = "New chat";

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
                .put("summary", "chat settings changed")
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

    /** A request to the web data store ({@code io.mcpstore.webdata.WebDataVerticle}). */
    Future<JsonObject> store(JsonObject request) {
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
                    return Future.succeededFuture(new ChatTurn(
                            this, tools, http, ctx, principal, settings, transcript, offered, text.trim()));
                })
                .onSuccess(ChatTurn::start)
                .onFailure(ctx::fail);
    }
}
