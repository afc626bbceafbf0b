package io.mcpstore.router;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The answer to one POSTed request. It stays plain {@code application/json} unless something that belongs to the
 * call arrives first (progress, a log message, a server→client request): then the response turns into a primed
 * {@code text/event-stream} that carries those messages and ends with the answer.
 */
final class PostSink implements CallRelay.Sink {
    private final HttpServerResponse response;
    private final StreamRegistry registry;
    private final String session;
    private SseStream stream;

    PostSink(HttpServerResponse response, StreamRegistry registry, String session) {
        this.response = response;
        this.registry = registry;
        this.session = session;
    }

    @Override
    public void send(JsonObject message) {
        if (stream == null) {
            if (response.ended()) return;
            stream = registry.open(session).to(SseStream.http(response.setStatusCode(200)));
            stream.prime();
        }
        // A client that dropped the connection has not cancelled the call: the stream buffers on, resumable.
        stream.message(message);
    }

    /**
     * Ends this response after an event id and a {@code retry} of {@code retryMs} while the call goes on (SEP-1699
     * polling): what follows, the answer too, is buffered on the stream, and the client resumes it with a GET
     * carrying {@code Last-Event-ID}.
     */
    void pause(long retryMs) {
        if (response.ended() || response.closed()) return;
        if (stream == null) {
            stream = registry.open(session).to(SseStream.http(response.setStatusCode(200)));
            stream.prime(retryMs);
        } else {
            stream.retry(retryMs);
        }
        stream.detach();
    }

    void finish(JsonObject answer) {
        if (stream == null) {
            HttpReplies.json(response, 200, answer);
        } else {
            stream.message(answer);
            stream.end();
            registry.release(stream);
        }
    }
}
