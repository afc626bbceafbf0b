package io.mcpstore.upstream;

/**
 * The upstream no longer knows our Streamable HTTP session (it answered 404, or 400 to a request carrying the
 * session id): the server restarted or dropped us. The verticle re-initializes and retries the call once.
 */
final class SessionExpiredException extends RuntimeException {
    SessionExpiredException(String message) {
        super(message, null, false, false);
    }
}
