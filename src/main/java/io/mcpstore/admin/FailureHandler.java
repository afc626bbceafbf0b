package io.mcpstore.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * The admin API's one edge for errors: whatever a handler threw or failed its context with leaves here as a problem
 * document — a {@link Problem} as it is, a config error as 400 naming its key, a Vert.x Web {@link HttpException}
 * (an undecodable query string, a body over the limit) with its own status, anything else 500.
 */
final class FailureHandler implements Handler<RoutingContext> {
    private final long maxBodyBytes;

    FailureHandler(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = ctx.statusCode();
        if (status == 413 && !(failure instanceof Problem)) {
            Problem.send(ctx, 413, "the body exceeds " + maxBodyBytes + " bytes", null);
        } else if (failure == null) {
            Problem.send(ctx, status, Problem.title(status), null);
        } else {
            Problem.of(failure).send(ctx);
        }
    }
}
