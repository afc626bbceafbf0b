package io.mcpstore.bus;

/**
 * A Streamable HTTP upstream ended the answer stream of a call before the answer, asking to be polled again after
 * {@code retryMs} (SEP-1699). The upstream client resumes it by itself; this notice, relayed to the call's router,
 * lets the gateway do the same to its own client: end the client's stream after an event id and a {@code retry}.
 * Never written to a client as a message.
 */
public final class StreamPause {
    private StreamPause() {}

    public static final String METHOD = "mcpstore/streamPaused";
    public static final String RETRY_MS = "retryMs";
}
