package io.mcpstore.security;

/**
 * Why a request is refused: {@code 401} (no credential, or one that is invalid, expired, revoked, or for another
 * audience) or {@code 403} (valid, but without the right). {@code error} is the RFC 6750 code the {@code
 * WWW-Authenticate} header carries: {@code invalid_request}, {@code invalid_token} or {@code insufficient_scope}.
 */
public final class AuthFailure extends RuntimeException {
    private final int status;
    private final String error;

    public AuthFailure(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static AuthFailure missing() {
        return new AuthFailure(401, null, "authentication required: send Authorization: Bearer <token or API key>");
    }

    public static AuthFailure invalid(String why) {
        return new AuthFailure(401, "invalid_token", why);
    }

    public static AuthFailure forbidden(String why) {
        return new AuthFailure(403, "insufficient_scope", why);
    }

    public int status() {
        return status;
    }

    /** The RFC 6750 error code, or null when no credential was sent. */
    public String error() {
        return error;
    }
}
