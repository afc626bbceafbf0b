package io.mcpstore.router;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One server-sent-events stream: numbered events ({@code <stream id>.<seq>}), a priming event, keep-alive comments,
 * and the last {@value #BUFFERED} events kept so that a client can resume it with {@code Last-Event-ID}. The stream
 * outlives its HTTP response: a dropped connection only stops delivery until the client resumes.
 */
final class SseStream {
    static final int BUFFERED = 256;

    /** Where the events of a stream are written: an HTTP response, or a stream resumed on another instance. */
    interface Output {
        void write(String chunk);

        void end();

        boolean open();
    }

    private record Event(long seq, String text) {}

    private final String id;
    private final String session;
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    private Output output;
    private long next;
    private boolean ended;

    SseStream(String id, String session) {
        this.id = id;
        this.session = session;
    }

    /** Sends the SSE headers on {@code response}; events are written there from now on. */
    static Output http(HttpServerResponse response) {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache, no-transform")
                .putHeader("X-Accel-Buffering", "no");
        return new Output() {
            @Override
            public void write(String chunk) {
                if (open()) response.write(Buffer.buffer(chunk));
            }

            @Override
            public void end() {
                if (open()) response.end();
            }

            @Override
            public boolean open() {
                return !response.closed() && !response.ended();
            }
        };
    }

    String id() {
        return id;
    }

    String session() {
        return session;
    }

    boolean ended() {
        return ended;
    }

    SseStream to(Output out) {
        this.output = out;
        return this;
    }

    /** An event with an id and empty data, so a client can resume from the very start of the stream. */
    void prime() {
        emit(null, "");
    }

    /** A priming event that also tells the client how long to wait before it reconnects. */
    void prime(long retryMs) {
        emit(null, "", retryMs);
    }

    /** A {@code retry} field on its own (not an event, not buffered): the reconnection delay from now on. */
    void retry(long retryMs) {
        if (output != null) output.write("retry: " + retryMs + "\n\n");
    }

    /** Ends delivery on the current output; the stream goes on buffering until a client resumes it. */
    void detach() {
        if (output != null) output.end();
        output = null;
    }

    void message(JsonObject message) {
        emit("message", message.encode());
    }

    void event(String type, String data) {
        emit(type, data);
    }

    /** A comment line: keeps proxies and idle timers from closing a quiet stream. Not buffered. */
    void keepAlive() {
        if (output != null) output.write(": keep-alive\n\n");
    }

    void end() {
        if (ended) return;
        ended = true;
        if (output != null) output.end();
    }

    boolean delivering() {
        return output != null && output.open();
    }

    /**
     * The events after {@code seq}, in order; {@code null} when the buffer no longer reaches back that far (a partial
     * replay would silently lose messages).
     */
    List<String> after(long seq) {
        if (seq >= next) return seq == next - 1 || next == 0 ? List.of() : null;
        Event oldest = buffer.peekFirst();
        if (oldest == null || oldest.seq() > seq + 1) return null;
        List<String> out = new ArrayList<>();
        for (Event e : buffer) if (e.seq() > seq) out.add(e.text());
        return out;
    }

    private void emit(String type, String data) {
        emit(type, data, -1);
    }

    private void emit(String type, String data, long retryMs) {
        if (ended) return;
        long seq = next++;
        StringBuilder sb = new StringBuilder(data.length() + 48);
        sb.append("id: ").append(id).append('.').append(seq).append('\n');
        if (type != null) sb.append("event: ").append(type).append('\n');
        if (retryMs >= 0) sb.append("retry: ").append(retryMs).append('\n');
        for (String line : data.split("\n", -1))
            sb.append("data: ").append(line).append('\n');
        String text = sb.append('\n').toString();
        buffer.addLast(new Event(seq, text));
        if (buffer.size() > BUFFERED) buffer.removeFirst();
        if (output != null) output.write(text);
    }
}
