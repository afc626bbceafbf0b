package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** What a client sends that is not a request: answers to relayed requests, and notifications. */
final class ClientMessages {
    private ClientMessages() {}

    static void accept(Vertx vertx, CallRelay relay, String session, JsonObject message) {
        if (JsonRpc.isResponse(message)) {
            relay.clientAnswered(session, message);
        } else if (McpMethods.NOTIFICATIONS_CANCELLED.equals(message.getString("method"))) {
            JsonObject params = message.getJsonObject("params", new JsonObject());
            if (params.getValue("requestId") != null) {
                vertx.eventBus()
                        .publish(
                                Addresses.CALLS_CANCEL,
                                new JsonObject()
                                        .put("session", session)
                                        .put("requestId", params.getValue("requestId")));
            }
        }
        // notifications/initialized and roots/list_changed need nothing from the gateway.
    }
}
