package io.mcpstore.upstream;

import io.mcpstore.config.ServiceConfig;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The client side of MCP on one connection, as the gateway needs it: negotiating the era (the stateless 2026-07-28
 * revision's {@code server/discover}, else the {@code initialize} handshake) and fetching a list through all its
 * pages. Every call carries the service's timeout.
 */
final class McpClient {
    /** A server whose cursors never end must not keep us fetching forever. */
    static final int MAX_PAGES = 1_000;
    /**
     * The least time a server gets to start and answer initialize, whatever the call timeout: a stdio server may
     * first be downloaded ({@code npx -y ...}) or start a runtime, which a short per-call timeout must not fail.
     */
    static final long HANDSHAKE_TIMEOUT_MIN_MS = 30_000;

    private static final String VERSION = Optional.ofNullable(
                    McpClient.class.getPackage().getImplementationVersion())
            .orElse("0.1.0");

    private final JsonRpcPeer peer;
    private final String service;
    private final long timeoutMs;
    private final Logger log;
    /** Set when the server speaks 2026-07-28: every request then carries its envelope. */
    private final StatelessClient stateless;
    /** The caching hints (SEP-2549: ttlMs, cacheScope) of the lists fetched, as the last page gave them. */
    private final java.util.Map<Catalog.Kind, JsonObject> hints = new java.util.EnumMap<>(Catalog.Kind.class);

    McpClient(JsonRpcPeer peer, String service, long timeoutMs, Logger log) {
        this(peer, service, timeoutMs, log, null);
    }

    McpClient(JsonRpcPeer peer, String service, long timeoutMs, Logger log, StatelessClient stateless) {
        this.peer = peer;
        this.service = service;
        this.timeoutMs = timeoutMs;
        this.log = log;
        this.stateless = stateless;
    }

    /**
     * What the handshake settled: the protocol version, what the server said about itself ({@code capabilities},
     * {@code serverInfo}, {@code instructions}), and for a 2026-07-28 server the client that speaks to it.
     */
    record Handshake(String protocolVersion, JsonObject server, StatelessClient stateless) {
        boolean isStateless() {
            return stateless != null;
        }
    }

    /** The server does not speak 2026-07-28, by what it answered {@code server/discover}. */
    static final class NotStateless extends RuntimeException {
        NotStateless(String message) {
            super(message, null, false, false);
        }
    }

    static JsonObject clientInfo() {
        return new JsonObject().put("name", "mcpstore").put("version", VERSION);
    }

    /**
     * Settles the era: {@code auto} asks {@code server/discover} first and falls back to {@code initialize} when the
     * server does not answer it as a 2026-07-28 server would (an error such as -32601, a 400 naming no version we
     * speak, a 2025 server's "no session" refusal, or no answer in time); {@code 2025}/{@code 2026} force one. The
     * legacy SSE transport is always 2024-11-05.
     */
    Future<Handshake> negotiate(ServiceConfig.Protocol protocol, boolean statelessTransport) {
        if (protocol == ServiceConfig.Protocol.V2025 || !statelessTransport) return initialize();
        Future<Handshake> discovered = discover(true);
        if (protocol == ServiceConfig.Protocol.V2026) return discovered;
        return discovered.recover(e -> {
            log.info(
                    "service '{}' does not speak {} ({}); initializing a {} session",
                    service,
                    Stateless.VERSION,
                    e.getMessage(),
                    ProtocolVersion.LATEST);
            peer.transport().negotiated(null);
            return initialize();
        });
    }

    /** {@code server/discover}; one retry when the server names 2026-07-28 among its versions after all. */
    private Future<Handshake> discover(boolean mayRetry) {
        StatelessClient client = new StatelessClient(clientInfo(), service, log);
        Transport transport = peer.transport();
        transport.negotiated(Stateless.VERSION);
        transport.requestHeaders(client::headers);
        JsonObject params = client.envelope(null, null, null);
        return peer.request(Stateless.SERVER_DISCOVER, params, handshakeTimeout(timeoutMs))
                .compose(response -> {
                    JsonObject error = response.getJsonObject("error");
                    if (error != null) {
                        JsonObject data = error.getValue("data") instanceof JsonObject d ? d : new JsonObject();
                        boolean listed = data.getValue("supported") instanceof JsonArray supported
                                && supported.contains(Stateless.VERSION);
                        if (mayRetry
                                && Integer.valueOf(Stateless.UNSUPPORTED_PROTOCOL_VERSION)
                                        .equals(error.getValue("code"))
                                && listed) {
                            return discover(false);
                        }
                        return Future.failedFuture(new NotStateless("it answered " + Stateless.SERVER_DISCOVER
                                + " with error " + error.getValue("code") + ": " + error.getValue("message")));
                    }
                    JsonObject result = response.getValue("result") instanceof JsonObject r ? r : new JsonObject();
                    if (!(result.getValue(Stateless.SUPPORTED_VERSIONS) instanceof JsonArray versions)
                            || !versions.contains(Stateless.VERSION)) {
                        return Future.failedFuture(new NotStateless("its " + Stateless.SERVER_DISCOVER
                                + " result lists versions " + result.getValue(Stateless.SUPPORTED_VERSIONS)));
                    }
                    return Future.succeededFuture(new Handshake(Stateless.VERSION, server(result), client));
                });
    }

    /** What a discover result says about the server, in the initialize result's shape. */
    private static JsonObject server(JsonObject discovered) {
        JsonObject meta = discovered.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
        Object info = discovered.getValue("serverInfo", meta.getValue(Stateless.META_SERVER_INFO));
        JsonObject server = new JsonObject()
                .put("capabilities", discovered.getValue("capabilities") instanceof JsonObject c ? c : new JsonObject())
                .put("serverInfo", info instanceof JsonObject i ? i : new JsonObject());
        if (discovered.getValue("instructions") instanceof String text) server.put("instructions", text);
        return server;
    }

    /**
     * {@code initialize} with our latest version and the client capabilities the gateway can relay to its clients,
     * then {@code notifications/initialized}. Completes with the server's initialize result.
     */
    Future<Handshake> initialize() {
        JsonObject params = new JsonObject()
                .put("protocolVersion", ProtocolVersion.LATEST)
                .put("capabilities", UpstreamRelay.clientCapabilities())
                .put("clientInfo", clientInfo());
        return result(McpMethods.INITIALIZE, params, handshakeTimeout(timeoutMs))
                .compose(result -> {
                    String version = result.getString("protocolVersion");
                    if (!ProtocolVersion.isSupported(version)) {
                        return Future.failedFuture("it answered initialize with protocol version " + version
                                + ", which the gateway does not speak (it speaks " + ProtocolVersion.SUPPORTED + ")");
                    }
                    peer.transport().negotiated(version);
                    // A notification has no answer to time out: bound the send itself (an HTTP POST can hang).
                    return peer.notify(McpMethods.NOTIFICATIONS_INITIALIZED, null)
                            .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                            .map(v -> new Handshake(version, result, null));
                });
    }

    static long handshakeTimeout(long timeoutMs) {
        return Math.max(timeoutMs, HANDSHAKE_TIMEOUT_MIN_MS);
    }

    /**
     * Every item of one list, following {@code nextCursor}. A list the server answers with an error is empty. A
     * 2026-07-28 server's tools with invalid {@code x-mcp-header} annotations are left out.
     */
    Future<JsonArray> list(Catalog.Kind kind) {
        Future<JsonArray> items = page(kind, null, new JsonArray(), 1);
        return stateless != null && kind == Catalog.Kind.TOOLS ? items.map(stateless::tools) : items;
    }

    private Future<JsonArray> page(Catalog.Kind kind, String cursor, JsonArray items, int page) {
        JsonObject params = cursor == null ? null : new JsonObject().put("cursor", cursor);
        if (stateless != null) params = stateless.envelope(params, null, null);
        return peer.request(kind.method, params, timeoutMs).compose(response -> {
            if (response.containsKey("error")) {
                // Servers that declare "resources" but not templates are common: an empty list, not a dead service.
                log.warn(
                        "service '{}' answered {} with an error, listing nothing more: {}",
                        service,
                        kind.method,
                        response.getValue("error"));
                return Future.succeededFuture(items);
            }
            JsonObject result = response.getJsonObject("result", new JsonObject());
            items.addAll(result.getJsonArray(kind.field, new JsonArray()));
            JsonObject hint = new JsonObject();
            if (result.getValue(Stateless.TTL_MS) instanceof Number ttl) hint.put(Stateless.TTL_MS, ttl);
            if (result.getValue(Stateless.CACHE_SCOPE) instanceof String scope) hint.put(Stateless.CACHE_SCOPE, scope);
            if (hint.isEmpty()) hints.remove(kind);
            else hints.put(kind, hint);
            String next = result.getString("nextCursor");
            if (next == null || next.isEmpty()) return Future.succeededFuture(items);
            if (page >= MAX_PAGES) {
                log.warn("service '{}' listed more than {} pages of {}; stopped there", service, page, kind.field);
                return Future.succeededFuture(items);
            }
            return page(kind, next, items, page + 1);
        });
    }

    /** The caching hint the server gave with its last list of {@code kind}, or null. */
    JsonObject hint(Catalog.Kind kind) {
        return hints.get(kind);
    }

    /** Calls {@code method}; completes with its result, or fails with the server's error as text. */
    private Future<JsonObject> result(String method, JsonObject params, long timeoutMs) {
        return peer.request(method, params, timeoutMs).compose(response -> {
            JsonObject error = response.getJsonObject("error");
            if (error != null) {
                return Future.failedFuture("it answered " + method + " with error " + error.getValue("code") + ": "
                        + error.getString("message"));
            }
            return Future.succeededFuture(response.getJsonObject("result", new JsonObject()));
        });
    }
}
