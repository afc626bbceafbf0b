package io.mcpstore.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * One MCP client session over Streamable HTTP (2025-11-25), as a real client runs it: {@code initialize} (the
 * answer's {@code Mcp-Session-Id} goes on every later request, with {@code MCP-Protocol-Version}), then
 * {@code notifications/initialized}, then requests answered with {@code application/json} or with a
 * {@code text/event-stream} that carries the response as one of its events; {@code DELETE} at the end. A
 * stateless client (2026-07-28) has no handshake and no session: every request carries its {@code _meta} (version,
 * client info and capabilities) and the {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name}
 * headers.
 */
final class McpSession {
    static final String PROTOCOL = "2025-11-25";
    static final String STATELESS = "2026-07-28";
    private static final String META = ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + STATELESS
            + "\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"mcpstore-bench\",\"version\":\"1\"},"
            + "\"io.modelcontextprotocol/clientCapabilities\":{}}}";
    private static final String ACCEPT = "application/json, text/event-stream";

    /** The load generator's Vert.x; set once by {@link LoadGen} before any session is made. */
    static volatile Vertx vertx;

    private final HttpClient http;
    /**
     * The event loop every request of this session is sent and read on. A request started on another thread can see
     * its response arrive before the reading of the body is chained, and the body is then lost (the request never
     * completes). Sessions made off the event loops spread over them.
     */
    private final Context context;
    private String host;
    private int port;
    private String path;
    /** {@code Authorization} of every request (a gateway with security on), or null. */
    private final String authorization;
    private String sessionId;
    private String version = PROTOCOL;
    private long nextId = 1;
    private HttpClientResponse stream;
    private volatile long lastCallId;
    /** No call of the load loop in flight. */
    volatile boolean idle = true;
    /** A plain HTTP client of a REST API instead (S7's direct target): each call is one GET of the URL, 200 expected. */
    private final boolean plainGet;
    /** A 2026-07-28 client: no session, {@code _meta} on every request. */
    private final boolean stateless;
    /** The params last called with, as sent statelessly (with {@code _meta}), and the tool they name. */
    private String paramsIn;
    private String paramsOut;
    private String toolName;

    McpSession(HttpClient http, String url) {
        this(http, url, null);
    }

    /** A session that sends {@code bearer} (an API key or token) as {@code Authorization: Bearer} on every request. */
    McpSession(HttpClient http, String url, String bearer) {
        this(http, url, bearer, false, false);
    }

    /**
     * {@code plainGet}: not MCP at all, but a GET of {@code url} per call (the URL's query kept); {@code stateless}:
     * a 2026-07-28 client, no session and {@code _meta} on every request.
     */
    McpSession(HttpClient http, String url, String bearer, boolean plainGet, boolean stateless) {
        this.plainGet = plainGet;
        this.stateless = stateless;
        this.http = http;
        this.authorization = bearer == null ? null : "Bearer " + bearer;
        this.context = vertx.getOrCreateContext();
        URI uri = URI.create(url);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.path = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    String id() {
        return sessionId;
    }

    /**
     * Sends every later request of the session to {@code url}: a session opened on one node of a cluster and
     * continued on another, as a client behind a load balancer without stickiness does.
     */
    McpSession moveTo(String url) {
        URI uri = URI.create(url);
        host = uri.getHost();
        port = uri.getPort();
        path = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        return this;
    }

    long lastCallId() {
        return lastCallId;
    }

    Future<McpSession> initialize() {
        return onContext(this::doInitialize);
    }

    private Future<McpSession> doInitialize() {
        if (plainGet || stateless) return Future.succeededFuture(this); // nothing to open: every request stands alone
        String body = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + PROTOCOL + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"mcpstore-bench\",\"version\":\"1\"}}}";
        return post(Buffer.buffer(body)).compose(r -> {
                    sessionId = r.getHeader("Mcp-Session-Id");
                    return answer(r, 0);
                })
                .compose(answer -> {
                    if (!answer.containsKey("result")) return Future.failedFuture("initialize failed: " + answer);
                    version = answer.getJsonObject("result").getString("protocolVersion", PROTOCOL);
                    return post(Buffer.buffer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
                })
                .compose(r -> r.body().compose(b -> r.statusCode() / 100 == 2
                        ? Future.succeededFuture(this)
                        : Future.failedFuture("notifications/initialized answered HTTP " + r.statusCode())));
    }

    /** Takes over another object's session (same id and version), to use it over another connection pool. */
    Future<Void> adopt(McpSession other) {
        sessionId = other.sessionId;
        version = other.version;
        return Future.succeededFuture();
    }

    /** A request whose answer is parsed in full (lists, checks). */
    Future<JsonObject> request(String method, JsonObject params) {
        return onContext(() -> doRequest(method, params));
    }

    private Future<JsonObject> doRequest(String method, JsonObject params) {
        long id = nextId++;
        JsonObject message = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null) message.put("params", params);
        return post(message.toBuffer()).compose(r -> answer(r, id));
    }

    /**
     * A request on the hot path: the body is built from a prepared prefix, the answer is checked (status, the
     * response with our id, no error) without building a JSON tree, so that the load generator spends little CPU.
     */
    Future<Boolean> call(String paramsJson) {
        return onContext(() -> doCall(paramsJson));
    }

    private Future<Boolean> doCall(String paramsJson) {
        long id = nextId++;
        lastCallId = id;
        if (plainGet) {
            RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(path)
                    .putHeader("Accept", "application/json");
            return http.request(get).compose(req -> req.send()).compose(r -> r.body().map(b -> r.statusCode() == 200));
        }
        if (stateless && !paramsJson.equals(paramsIn)) {
            paramsIn = paramsJson;
            paramsOut = paramsJson.substring(0, paramsJson.lastIndexOf('}')) + META;
            toolName = new JsonObject(paramsJson).getString("name");
        }
        if (stateless) paramsJson = paramsOut;
        Buffer body = Buffer.buffer(96 + paramsJson.length())
                .appendString("{\"jsonrpc\":\"2.0\",\"id\":")
                .appendString(Long.toString(id))
                .appendString(",\"method\":\"tools/call\",\"params\":")
                .appendString(paramsJson)
                .appendString("}");
        Future<HttpClientResponse> sent = stateless ? post(body, "tools/call", toolName) : post(body);
        return sent.compose(r -> r.body().map(b -> {
            if (r.statusCode() != 200) return false;
            String text = b.toString();
            return text.contains("\"result\"") && !text.contains("\"isError\":true") && text.contains("\"id\":" + id);
        }));
    }

    /** Opens the session's GET stream; completes when the server has answered 200 with an event stream. */
    Future<Void> openStream() {
        return openStream(chunk -> {}); // keep-alives and notifications: read and dropped
    }

    Future<Void> openStream(io.vertx.core.Handler<Buffer> events) {
        return onContext(() -> doOpenStream(events));
    }

    private Future<Void> doOpenStream(io.vertx.core.Handler<Buffer> events) {
        RequestOptions options = options(HttpMethod.GET).putHeader("Accept", "text/event-stream");
        return http.request(options).compose(req -> req.send()).compose(r -> {
            if (r.statusCode() != 200) {
                return r.body().compose(b -> Future.failedFuture("GET stream answered HTTP " + r.statusCode()));
            }
            stream = r;
            r.handler(events);
            return Future.succeededFuture();
        });
    }

    boolean streamOpen() {
        return stream != null;
    }

    Future<Void> close() {
        if (plainGet || sessionId == null) return Future.succeededFuture();
        return onContext(() -> http.request(options(HttpMethod.DELETE))
                .compose(req -> req.send())
                .compose(r -> r.body().<Void>mapEmpty()));
    }

    /** Runs {@code op} on this session's event loop (at once when already there). */
    private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> op) {
        if (Vertx.currentContext() == context) return op.get();
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> op.get().onComplete(done));
        return done.future();
    }

    private Future<HttpClientResponse> post(Buffer body) {
        RequestOptions options = options(HttpMethod.POST).putHeader("Content-Type", "application/json");
        return http.request(options).compose(req -> req.send(body));
    }

    /** A stateless POST: the standard headers name the method and what it is about. */
    private Future<HttpClientResponse> post(Buffer body, String method, String name) {
        RequestOptions options = options(HttpMethod.POST)
                .putHeader("Content-Type", "application/json")
                .putHeader("MCP-Protocol-Version", STATELESS)
                .putHeader("Mcp-Method", method);
        if (name != null) options.putHeader("Mcp-Name", name);
        return http.request(options).compose(req -> req.send(body));
    }

    private RequestOptions options(HttpMethod method) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(path)
                .putHeader("Accept", ACCEPT);
        if (authorization != null) options.putHeader("Authorization", authorization);
        if (sessionId != null) {
            options.putHeader("Mcp-Session-Id", sessionId).putHeader("MCP-Protocol-Version", version);
        }
        return options;
    }

    /** The JSON-RPC response with {@code id}, from a JSON body or from the events of an SSE body. */
    private static Future<JsonObject> answer(HttpClientResponse r, long id) {
        return r.body().compose(b -> {
            if (r.statusCode() != 200) {
                return Future.failedFuture("HTTP " + r.statusCode() + ": " + b);
            }
            String type = r.getHeader("Content-Type");
            if (type != null && type.startsWith("text/event-stream")) {
                for (String event : b.toString().split("\r?\n\r?\n")) {
                    StringBuilder data = new StringBuilder();
                    for (String line : event.split("\r?\n")) {
                        if (line.startsWith("data:")) {
                            if (!data.isEmpty()) data.append('\n');
                            data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                        }
                    }
                    if (data.toString().isBlank()) continue;
                    JsonObject message = new JsonObject(data.toString());
                    if (message.containsKey("id") && ((Number) message.getValue("id")).longValue() == id) {
                        return Future.succeededFuture(message);
                    }
                }
                return Future.failedFuture("the event stream ended without the response to " + id);
            }
            return Future.succeededFuture(b.toJsonObject());
        });
    }
}
