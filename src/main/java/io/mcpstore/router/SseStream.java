package io.mcpstore.router;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** One server-sent-events response: numbered events, a priming event, keep-alive comments. */
final class SseStream {
    private final HttpServerResponse response;
    private final String streamId;
    private long next;
    private boolean closed;

    private SseStream(HttpServerResponse response, String streamId) {
        this.response = response;
        this.streamId = streamId;
    }

    /** Sends the SSE headers; the caller decides whether a priming event follows. */
    static SseStream open(HttpServerResponse response, String streamId) {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache, no-transform")
                .putHeader("X-Accel-Buffering", "no");
        SseStream stream = new SseStream(response, streamId);
        response.closeHandler(v -> stream.closed = true);
        return stream;
    }

    /** An event with an id and empty data, so a client can resume from the very start of the stream. */
    Future<Void> prime() {
        return write("id: " + nextId() + "\ndata: \n\n");
    }

    Future<Void> message(JsonObject message) {
        return event("message", message.encode());
    }

    Future<Void> event(String type, String data) {
        StringBuilder sb = new StringBuilder(data.length() + 48);
        sb.append("id: ").append(nextId()).append('\n');
        if (type != null) sb.append("event: ").append(type).append('\n');
        for (String line : data.split("\n", -1))
            sb.append("data: ").append(line).append('\n');
        return write(sb.append('\n').toString());
    }

    /** A comment line: keeps proxies and idle timers from closing a quiet stream. */
    Future<Void> keepAlive() {
        return write(": keep-alive\n\n");
    }

    boolean isClosed() {
        return closed || response.closed() || response.ended();
    }

    Future<Void> end() {
        if (isClosed()) return Future.succeededFuture();
        closed = true;
        return response.end();
    }

    private String nextId() {
        return streamId + "-" + next++;
    }

    private Future<Void> write(String text) {
        if (isClosed()) return Future.succeededFuture();
        return response.write(Buffer.buffer(text));
    }
}
