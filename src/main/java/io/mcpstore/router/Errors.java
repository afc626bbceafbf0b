package io.mcpstore.router;

import io.mcpstore.bus.Failures;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become JSON-RPC errors: an {@link McpException} as it says, a bus failure by its
 * kind, a {@link ClassCastException} (a params value of the wrong JSON type) as -32602, anything else as -32603.
 */
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
        if (failure instanceof ClassCastException) {
            // A params value of the wrong JSON type (a string where an object belongs, …) read on the way.
            LOG.debug("Invalid params", failure);
            return new JsonObject()
                    .put("code", JsonRpc.INVALID_PARAMS)
                    .put("message", "Invalid params: a value in params has the wrong JSON type");
        }
        LOG.warn("Internal error while serving a request", failure);
        return new JsonObject()
                .put("code", JsonRpc.INTERNAL_ERROR)
                .put("message", "Internal error: " + failure.getMessage());
    }
}
