package io.mcpstore.config;

/** A config store operation that failed for a reason the API reports with its own status. */
public final class StoreException extends RuntimeException {
    public enum Kind {
        /** The base revision is no longer the newest one (409). */
        CONFLICT(409),
        /** No such revision, service or app (404). */
        NOT_FOUND(404),
        /** The store cannot be reached (503). */
        UNAVAILABLE(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public StoreException(Kind kind, String message) {
        this(kind, message, null);
    }

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static StoreException conflict(long base, long head) {
        return new StoreException(
                Kind.CONFLICT,
                "revision conflict: the change was based on revision " + base + " but the newest is " + head);
    }
}
