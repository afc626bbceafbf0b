package io.mcpstore.config;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Where configuration revisions live (a file, PostgreSQL, or memory for the embedded gateway). Owned by {@link
 * ConfigStoreVerticle}, which calls it from its own event loop, one call at a time. Failures are {@link
 * StoreException}s.
 */
public interface ConfigStore {

    /** One revision: its number, when and why it was made, and the document (null in history listings). */
    record Revision(long number, Instant at, String summary, JsonObject document) {
        public JsonObject toJson() {
            JsonObject json = new JsonObject()
                    .put("revision", number)
                    .put("at", at.toString())
                    .put("summary", summary);
            return document == null ? json : json.put("document", document);
        }
    }

    /** {@code file}, {@code postgres} or {@code memory}. */
    String type();

    /**
     * Prepares the store (migrations, the history) and returns its newest revision; an empty store is seeded with
     * {@code initial}. {@code changedOutside} is called (on the caller's context) when another writer — a hand edit,
     * another gateway process — may have made a revision.
     */
    Future<Revision> start(JsonObject initial, Runnable changedOutside);

    /** The newest revision, read from the store (not a cache): how the gateway catches up. */
    Future<Revision> head();

    /** Commits {@code document} as revision {@code base + 1}; fails with a conflict when {@code base} is not the head. */
    Future<Revision> commit(long base, JsonObject document, String summary);

    /** The newest {@code limit} revisions, newest first, without their documents. */
    Future<List<Revision>> history(int limit);

    /** One revision with its document; fails with not-found. */
    Future<Revision> revision(long number);

    /**
     * Why the newest change made outside the gateway was refused (a hand edit of the file that does not parse or
     * validate, with its line and column or its key), or null. The last good revision stays in force meanwhile.
     */
    default String refused() {
        return null;
    }

    Future<Void> close();
}
