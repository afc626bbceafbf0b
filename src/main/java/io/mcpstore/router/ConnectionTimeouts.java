package io.mcpstore.router;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two deadlines of this router instance's HTTP connections, checked by one periodic sweep:
 *
 * <ul>
 *   <li>{@code http.idleTimeoutMs}: a connection with no request in flight — kept alive after its last answer, or
 *       still sending the headers of its next request — is closed after that long. Not counted in bytes, so a client
 *       that trickles a header line now and then cannot keep it open.
 *   <li>{@code http.requestTimeoutMs}: a request must arrive whole within that long. A new connection that has not
 *       sent the headers of its first request by then is closed; a request whose body stalls gets 408 and its
 *       connection is closed.
 * </ul>
 *
 * A request whose answer is still being written — a long tool call, an open SSE stream — keeps its connection,
 * however long. That is why these are not Vert.x's {@code idleTimeout}: it counts bytes both ways, so it would cut a
 * call that is quiet for longer than the timeout, and an SSE stream would live only by its keep-alive comments.
 * Lives on the instance's event loop, as do the connections it watches.
 */
final class ConnectionTimeouts {
    private record Request(HttpServerRequest request, long started) {}

    private static final class Watched {
        final HttpConnection connection;
        final List<Request> requests = new ArrayList<>(1);
        long idleSince;
        boolean served;

        Watched(HttpConnection connection, long now) {
            this.connection = connection;
            this.idleSince = now;
        }
    }

    private final Vertx vertx;
    private final long requestTimeoutNs;
    private final long idleTimeoutNs;
    private final long requestTimeoutMs;
    private final Map<HttpConnection, Watched> connections = new HashMap<>();
    private final long timer;

    ConnectionTimeouts(Vertx vertx, long requestTimeoutMs, long idleTimeoutMs) {
        this.vertx = vertx;
        this.requestTimeoutMs = requestTimeoutMs;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        this.idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        // Checked often enough that a deadline is kept to a fifth of the shorter timeout, at most a second late.
        long tick = Math.max(20, Math.min(1_000, Math.min(requestTimeoutMs, idleTimeoutMs) / 5));
        this.timer = vertx.setPeriodic(tick, id -> sweep());
    }

    /** A new connection: its first request's headers are due within the request timeout. */
    void connected(HttpConnection connection) {
        watch(connection);
    }

    /** A request whose headers have arrived on its connection. */
    void request(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (connection == null) return;
        Watched w = connections.get(connection);
        // An HTTP/2 connection upgraded from HTTP/1.1 is another connection object than the one that connected.
        if (w == null) w = watch(connection);
        w.served = true;
        // Answered ones go now, so a keep-alive connection's list stays at about one between sweeps.
        w.requests.removeIf(ConnectionTimeouts::answered);
        w.requests.add(new Request(request, System.nanoTime()));
    }

    void close() {
        vertx.cancelTimer(timer);
        connections.clear();
    }

    private Watched watch(HttpConnection connection) {
        Watched w = new Watched(connection, System.nanoTime());
        connections.put(connection, w);
        connection.closeHandler(v -> connections.remove(connection));
        return w;
    }

    private void sweep() {
        long now = System.nanoTime();
        List<HttpConnection> idle = new ArrayList<>();
        // A copy: answering or closing may end a connection, whose close handler takes it out of the map.
        for (Watched w : new ArrayList<>(connections.values())) {
            boolean hadRequests = !w.requests.isEmpty();
            w.requests.removeIf(ConnectionTimeouts::answered);
            for (Request r : new ArrayList<>(w.requests)) {
                if (!r.request().isEnded() && now - r.started() > requestTimeoutNs) tooSlow(r.request());
            }
            if (!w.requests.isEmpty()) continue;
            if (hadRequests) w.idleSince = now;
            long limit = w.served ? idleTimeoutNs : Math.min(requestTimeoutNs, idleTimeoutNs);
            if (now - w.idleSince > limit) idle.add(w.connection);
        }
        idle.forEach(c -> {
            connections.remove(c);
            c.close();
        });
    }

    private static boolean answered(Request r) {
        HttpServerResponse response = r.request().response();
        return response.ended() || response.closed();
    }

    /** The body did not arrive in time: 408, and the connection goes (the rest of the body would be read as junk). */
    private void tooSlow(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        if (request.version() != HttpVersion.HTTP_2) response.putHeader("Connection", "close");
        HttpReplies.error(
                response,
                408,
                "Request Timeout: the request did not arrive whole within " + requestTimeoutMs
                        + " ms (http.requestTimeoutMs)");
    }
}
