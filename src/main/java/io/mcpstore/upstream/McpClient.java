package io.mcpstore.upstream;

import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The client side of MCP on one connection, as the gateway needs it: the initialize handshake and fetching a list
 * through all its pages. Every call carries the service's timeout.
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

    McpClient(JsonRpcPeer peer, String service, long timeoutMs, Logger log) {
        this.peer = peer;
        this.service = service;
        this.timeoutMs = timeoutMs;
        this.log = log;
    }

    /**
     * {@code initialize} with our latest version and the client capabilities the gateway can relay to its clients,
     * then {@code notifications/initialized}. Completes with the server's initialize result.
     */
    Future<JsonObject> initialize() {
        JsonObject params = new JsonObject()
                .put("protocolVersion", ProtocolVersion.LATEST)
                .put("capabilities", UpstreamRelay.clientCapabilities())
                .put("clientInfo", new JsonObject().put("name", "mcpstore").put("version", VERSION));
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
                            .map(result);
                });
    }

    static long handshakeTimeout(long timeoutMs) {
        return Math.max(timeoutMs, HANDSHAKE_TIMEOUT_MIN_MS);
    }

    /** Every item of one list, following {@code nextCursor}. A list the server answers with an error is empty. */
    Future<JsonArray> list(Catalog.Kind kind) {
        return page(kind, null, new JsonArray(), 1);
    }

    private Future<JsonArray> page(Catalog.Kind kind, String cursor, JsonArray items, int page) {
        JsonObject params = cursor == null ? null : new JsonObject().put("cursor", cursor);
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
            String next = result.getString("nextCursor");
            if (next == null || next.isEmpty()) return Future.succeededFuture(items);
            if (page >= MAX_PAGES) {
                log.warn("service '{}' listed more than {} pages of {}; stopped there", service, page, kind.field);
                return Future.succeededFuture(items);
            }
            return page(kind, next, items, page + 1);
        });
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
