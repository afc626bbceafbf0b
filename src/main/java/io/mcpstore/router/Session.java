package io.mcpstore.router;

import io.vertx.core.json.JsonObject;

/**
 * One MCP client session, as much of it as the gateway needs — never the client's raw {@code initialize} params.
 * Immutable: {@link SessionStore} replaces it atomically with a changed copy.
 *
 * @param endpoint the prefix of the endpoint it belongs to ({@code ""} for the gateway's own)
 * @param transport {@code streamable-http} or {@code sse}
 * @param subject the principal subject that opened it: only they may use it (another subject's request is answered
 *     as for an unknown session)
 * @param protocolVersion negotiated by {@code initialize}; {@code null} before it (legacy SSE)
 * @param capabilities the client's declared capabilities, passed on to upstreams that ask for them; never mutated
 * @param created when it was opened, epoch milliseconds
 * @param lastActivity when it was last used, on the store's monotonic clock (milliseconds)
 * @param inFlight requests of the session being answered right now
 * @param streamOpen whether it holds its one GET (or legacy SSE) stream
 * @param logLevel the level set by {@code logging/setLevel}, or {@code null}
 */
record Session(
        String id,
        String endpoint,
        String transport,
        String subject,
        String protocolVersion,
        JsonObject capabilities,
        String clientName,
        String clientVersion,
        long created,
        long lastActivity,
        int inFlight,
        boolean streamOpen,
        String logLevel) {

    static final String STREAMABLE_HTTP = "streamable-http";
    static final String SSE = "sse";

    /** A session that has not negotiated anything yet. */
    static Session opened(String id, String endpoint, String transport, String subject, long created, long now) {
        return new Session(
                id, endpoint, transport, subject, null, new JsonObject(), null, null, created, now, 0, false, null);
    }

    /**
     * What {@code initialize} negotiated, from its params: the client's capabilities and its name and version, and
     * nothing else of them. Lenient about shapes, which are checked before a session exists.
     */
    Session initialized(String version, JsonObject params) {
        Object caps = params == null ? null : params.getValue("capabilities");
        Object info = params == null ? null : params.getValue("clientInfo");
        JsonObject client = info instanceof JsonObject o ? o : new JsonObject();
        return new Session(
                id,
                endpoint,
                transport,
                subject,
                version,
                caps instanceof JsonObject c ? c.copy() : new JsonObject(),
                client.getValue("name") instanceof String s ? s : null,
                client.getValue("version") instanceof String s ? s : null,
                created,
                lastActivity,
                inFlight,
                streamOpen,
                logLevel);
    }

    /** Used at {@code now}; {@code calls} requests more (or fewer) in flight; the stream open or not. */
    Session used(long now, int calls, boolean stream) {
        return new Session(
                id,
                endpoint,
                transport,
                subject,
                protocolVersion,
                capabilities,
                clientName,
                clientVersion,
                created,
                now,
                Math.max(0, inFlight + calls),
                stream,
                logLevel);
    }

    Session withLogLevel(String level) {
        return new Session(
                id,
                endpoint,
                transport,
                subject,
                protocolVersion,
                capabilities,
                clientName,
                clientVersion,
                created,
                lastActivity,
                inFlight,
                streamOpen,
                level);
    }

    /** The same session under the id {@code next} (a clustered node seals the negotiated facts into the id). */
    Session withId(String next) {
        return new Session(
                next,
                endpoint,
                transport,
                subject,
                protocolVersion,
                capabilities,
                clientName,
                clientVersion,
                created,
                lastActivity,
                inFlight,
                streamOpen,
                logLevel);
    }

    /** What a sealed id says, for sealing. */
    SessionSeal.Facts facts(String owner) {
        return new SessionSeal.Facts(
                owner,
                endpoint,
                subject,
                protocolVersion,
                SessionSeal.carried(capabilities),
                clientName,
                clientVersion,
                created);
    }

    /**
     * Another node's session, served here from its sealed facts: its mutable state (log level, subscriptions, its
     * GET stream) stays with its owner.
     */
    static Session of(String id, SessionSeal.Facts facts, long now) {
        return new Session(
                id,
                facts.endpoint(),
                STREAMABLE_HTTP,
                facts.subject(),
                facts.protocolVersion(),
                facts.capabilities(),
                facts.clientName(),
                facts.clientVersion(),
                facts.created(),
                now,
                0,
                false,
                null);
    }

    /** Unused since {@code now - idleMs}: no request answered, no stream open, no activity in that time. */
    boolean idle(long now, long idleMs) {
        return inFlight == 0 && !streamOpen && now - lastActivity >= idleMs;
    }
}
