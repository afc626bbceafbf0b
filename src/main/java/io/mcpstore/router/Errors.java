package io.mcpstore.router;

import io.mcpstore.bus.Failures;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become JSON-RPC errors. */
final class Errors {
    private Errors() {}

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    static JsonObject toError(Throwable failure) {
        if (failure instanceof McpException e) return e.toError();
        if (failure instanceof ReplyException e) {
            int code = switch (e.failureType()) {
                case TIMEOUT -> JsonRpc.REQUEST_TIMEOUT;
                case NO_HANDLERS -> JsonRpc.CONNECTION_CLOSED;
                default ->
                    switch (e.failureCode()) {
                        case Failures.UNAVAILABLE -> JsonRpc.CONNECTION_CLOSED;
                        case Failures.TIMEOUT -> JsonRpc.REQUEST_TIMEOUT;
                        case Failures.BAD_REQUEST -> JsonRpc.INVALID_PARAMS;
                        case Failures.CANCELLED -> JsonRpc.REQUEST_CANCELLED;
                        default -> JsonRpc.INTERNAL_ERROR;
                    };
            };
            return new JsonObject().put("code", code).put("message", e.getMessage());
        }
        LOG.warn("Internal error while serving a request", failure);
        return new JsonObject()
                .put("code", JsonRpc.INTERNAL_ERROR)
                .put("message", "Internal error: " + failure.getMessage());
    }
}
