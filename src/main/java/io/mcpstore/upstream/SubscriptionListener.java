package io.mcpstore.upstream;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;

/**
 * The one {@code subscriptions/listen} request the gateway keeps open to a 2026-07-28 upstream: it asks for the list
 * changes the server offers and for updates of every resource a client subscribed to, and reopens it (after a
 * backoff, fetching the lists again for what it may have missed) when it drops. A new set of resource URIs replaces
 * the request with one that names them. The notifications themselves reach the verticle like any other.
 */
final class SubscriptionListener {
    /** A listen has no answer to wait for; one year stands for "never" without overflowing a deadline. */
    static final long NO_TIMEOUT_MS = 365L * 24 * 3600 * 1000;

    static final long BACKOFF_MIN_MS = 500;
    static final long BACKOFF_MAX_MS = 30_000;

    private final Vertx vertx;
    private final String service;
    private final Logger log;
    /** Fetches every list again and publishes the catalog: after a drop, changes may have been missed. */
    private final Runnable refresh;

    private JsonRpcPeer connection;
    private StatelessClient client;
    private JsonObject capabilities = new JsonObject();
    private List<String> uris = List.of();
    /** Bumped by every (re)open and stop, so that the callbacks of a request we replaced change nothing. */
    private int generation;

    private long listenId = -1;
    private boolean acknowledged;
    private long backoffMs = BACKOFF_MIN_MS;
    private long timer = -1;

    SubscriptionListener(Vertx vertx, String service, Logger log, Runnable refresh) {
        this.vertx = vertx;
        this.service = service;
        this.log = log;
        this.refresh = refresh;
    }

    /** Listens on a new connection (the previous one, if any, is gone). */
    void start(JsonRpcPeer connection, StatelessClient client, JsonObject capabilities, List<String> uris) {
        stop();
        this.connection = connection;
        this.client = client;
        this.capabilities = capabilities;
        this.uris = List.copyOf(uris);
        backoffMs = BACKOFF_MIN_MS;
        open(false);
    }

    /** The resource URIs clients hold changed: the listen is replaced by one naming them. */
    void resubscribe(List<String> uris) {
        this.uris = List.copyOf(uris);
        if (connection == null) return; // the next start names them
        cancelCurrent();
        open(false);
    }

    void stop() {
        generation++;
        cancelTimer();
        cancelCurrent();
        connection = null;
    }

    /**
     * Takes the notifications about the listen itself: its acknowledgement, and (on stdio) the server's {@code
     * notifications/cancelled} ending it. False for any other notification.
     */
    boolean notification(Transport.Inbound inbound) {
        JsonObject message = inbound.message();
        String method = message.getString("method");
        JsonObject params = message.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        if (Stateless.NOTIFICATIONS_SUBSCRIPTIONS_ACKNOWLEDGED.equals(method)) {
            acknowledged = true;
            backoffMs = BACKOFF_MIN_MS;
            log.debug("service '{}' acknowledged our subscriptions: {}", service, params);
            return true;
        }
        if (McpMethods.NOTIFICATIONS_CANCELLED.equals(method)
                && listenId >= 0
                && Long.valueOf(listenId).equals(JsonRpcPeer.idOf(params.getValue("requestId")))) {
            JsonRpcPeer current = connection;
            long id = listenId;
            if (current != null) {
                current.cancel(id, "ended by the server", new IllegalStateException("ended by the server"));
            }
            return true;
        }
        return false;
    }

    /** What the listen asks for: each list the server offers, and the subscribed URIs. Null: nothing to ask. */
    private JsonObject filter() {
        JsonObject filter = new JsonObject();
        if (capabilities.containsKey("tools")) filter.put(Stateless.LISTEN_TOOLS, true);
        if (capabilities.containsKey("prompts")) filter.put(Stateless.LISTEN_PROMPTS, true);
        if (capabilities.containsKey("resources")) filter.put(Stateless.LISTEN_RESOURCES, true);
        if (!uris.isEmpty()) filter.put(Stateless.LISTEN_RESOURCE_URIS, new JsonArray(uris));
        return filter.isEmpty() ? null : filter;
    }

    private void open(boolean afterDrop) {
        JsonRpcPeer current = connection;
        JsonObject filter = filter();
        if (current == null || filter == null) return;
        int mine = ++generation;
        acknowledged = false;
        JsonObject params = client.envelope(new JsonObject().put(Stateless.LISTEN_NOTIFICATIONS, filter), null, null);
        current.request(Stateless.SUBSCRIPTIONS_LISTEN, params, NO_TIMEOUT_MS, id -> listenId = id)
                .onComplete(done -> ended(mine, done.succeeded() ? done.result() : null, done.cause()));
        if (afterDrop) refresh.run();
    }

    /** The listen ended: answered, refused, or broken. */
    private void ended(int mine, JsonObject response, Throwable failure) {
        if (mine != generation) return; // replaced or stopped
        listenId = -1;
        boolean wasAcknowledged = acknowledged;
        acknowledged = false;
        JsonObject error = response == null ? null : response.getJsonObject("error");
        boolean refused = response != null
                && (error == null || !Integer.valueOf(JsonRpc.CONNECTION_CLOSED).equals(error.getValue("code")));
        if (!wasAcknowledged && refused) {
            log.info(
                    "service '{}' does not take {} ({}); its catalog changes reach the gateway only when it reconnects",
                    service,
                    Stateless.SUBSCRIPTIONS_LISTEN,
                    error == null ? "answered without acknowledging" : error.getValue("message"));
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        log.debug(
                "service '{}' subscription stream ended ({}); reopening in {} ms",
                service,
                failure != null ? failure.getMessage() : error != null ? error.getValue("message") : "answered",
                delay);
        timer = vertx.setTimer(delay, t -> {
            timer = -1;
            if (mine == generation) open(true);
        });
    }

    private void cancelCurrent() {
        JsonRpcPeer current = connection;
        long id = listenId;
        listenId = -1;
        if (current != null && id >= 0) {
            generation++;
            current.cancel(id, "subscriptions replaced", new IllegalStateException("subscriptions replaced"));
        }
    }

    private void cancelTimer() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }
}
