package io.mcpstore.upstream;

import io.mcpstore.bus.Failures;

/**
 * A call that could not get an answer from its upstream, with the {@link Failures} code its event-bus reply
 * carries and a message the client can read (it names the service).
 */
final class UpstreamException extends RuntimeException {
    private final int failure;

    UpstreamException(int failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    int failure() {
        return failure;
    }

    static UpstreamException unavailable(String message) {
        return new UpstreamException(Failures.UNAVAILABLE, message);
    }

    static UpstreamException timeout(String service, String method, long timeoutMs) {
        return new UpstreamException(
                Failures.TIMEOUT,
                "service '" + service + "' did not answer " + method + " within " + timeoutMs + " ms");
    }
}
