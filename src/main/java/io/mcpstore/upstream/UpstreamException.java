package io.mcpstore.upstream;

import io.mcpstore.bus.Failures;

/**
 * A call that could not get an answer from its upstream, with the {@link Failures} code its event-bus reply
 * carries, a message the client can read (it names the service) and the bare reason, for the service's status.
 */
final class UpstreamException extends RuntimeException {
    private final int failure;
    private final String reason;

    UpstreamException(int failure, String message, String reason) {
        super(message, null, false, false);
        this.failure = failure;
        this.reason = reason;
    }

    int failure() {
        return failure;
    }

    /** What went wrong, without the service's name: "connection lost: process 42 exited with code 1". */
    String reason() {
        return reason;
    }

    static UpstreamException unavailable(String service, String reason) {
        return new UpstreamException(
                Failures.UNAVAILABLE, "service '" + service + "' is unavailable: " + reason, reason);
    }

    static UpstreamException timeout(String service, String method, long timeoutMs) {
        String reason = "did not answer " + method + " within " + timeoutMs + " ms";
        return new UpstreamException(Failures.TIMEOUT, "service '" + service + "' " + reason, reason);
    }

    /** The reason of any failure: ours without the service's name, anyone else's message. */
    static String reasonOf(Throwable failure) {
        return failure instanceof UpstreamException upstream ? upstream.reason() : failure.getMessage();
    }
}
