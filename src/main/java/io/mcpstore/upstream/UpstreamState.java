package io.mcpstore.upstream;

import java.util.Locale;

/** Where an upstream connection stands, as admins and routers see it. */
public enum UpstreamState {
    /** First connection attempt in progress. */
    CONNECTING,
    /** Handshake done, catalog fetched, calls flow. */
    READY,
    /** Connected but the last health ping failed; calls still go through. */
    DEGRADED,
    /** The connection was lost or an attempt failed; waiting for the next attempt, or making it. */
    RECONNECTING,
    /** Gave up after {@code maxRestarts} failed attempts; needs a config change or a restart. */
    FAILED,
    /** The verticle was undeployed. */
    STOPPED;

    /** The spelling on the bus and in the API: {@code "ready"}, {@code "reconnecting"}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether calls are sent upstream in this state (else they fail at once with UNAVAILABLE). */
    public boolean acceptsCalls() {
        return this == READY || this == DEGRADED;
    }
}
