package io.mcpstore.router;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The answer to one POSTed request. It stays plain {@code application/json} unless something that belongs to the
 * call arrives first (progress, a log message, a server→client request): then the response turns into a primed
 * {@code text/event-stream} that carries those messages and ends with the answer.
 */
final class PostSink implements CallRelay.Sink {
    private final RoutingContext ctx;
    private final String streamId;
    private SseStream stream;

    PostSink(RoutingContext ctx, String streamId) {
        this.ctx = ctx;
        this.streamId = streamId;
    }

    @Override
    public void send(JsonObject message) {
        if (stream == null) {
            if (ctx.response().ended()) return;
            stream = SseStream.open(ctx.response().setStatusCode(200), streamId);
            stream.prime();
        }
        // A client that dropped the connection has not cancelled the call: the messages are simply not delivered.
        stream.message(message);
    }

    void finish(JsonObject answer) {
        if (stream == null) {
            HttpReplies.json(ctx, 200, answer);
        } else {
            stream.message(answer);
            stream.end();
        }
    }
}
