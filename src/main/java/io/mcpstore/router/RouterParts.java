package io.mcpstore.router;

/** What the transport handlers of one router instance share: everything they answer and deliver with. */
record RouterParts(
        io.vertx.core.Vertx vertx,
        McpDispatcher dispatcher,
        SessionStore sessions,
        SessionStreams streams,
        CallRelay relay,
        StreamRegistry registry) {}
