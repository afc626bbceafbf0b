package io.mcpstore.upstream;

/**
 * The upstream no longer knows our Streamable HTTP session (it answered 404, or 400 to a request carrying the
 * session id): the server restarted or dropped us. The verticle initializes again and retries the call once.
 */
final class SessionExpiredException extends RuntimeException {
    private final boolean renewed;

    /**
     * @param renewed a newer session already replaced the expired one (a call that was in flight during the
     *     re-initialization): retry at once, do not initialize again
     */
    SessionExpiredException(String message, boolean renewed) {
        super(message, null, false, false);
        this.renewed = renewed;
    }

    boolean renewed() {
        return renewed;
    }
}
