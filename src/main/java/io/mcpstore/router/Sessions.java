package io.mcpstore.router;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The MCP client sessions of this node. A session is an immutable JSON record in a Vert.x local map, so whichever
 * router instance a request lands on can check it; the streams of a session stay with the instance that opened
 * them and are reached through {@code mcpstore.session.<id>}.
 */
final class Sessions {
    static final String MAP = "mcpstore.sessions";
    private static final SecureRandom RANDOM = new SecureRandom();

    static final String STREAMS = "mcpstore.sessions.streams";

    /**
     * A session record as the local map holds it. The map would deep-copy a {@link JsonObject} on every read; a
     * record is never changed once stored (a change stores a new one), so every instance can share it as it is.
     */
    private record Stored(JsonObject json) implements Shareable {
        @Override
        public Shareable copy() {
            return this;
        }
    }

    private final LocalMap<String, Stored> records;
    /** Which sessions hold their one GET stream, whichever router instance holds it. */
    private final LocalMap<String, Boolean> streams;

    Sessions(Vertx vertx) {
        this.records = vertx.sharedData().getLocalMap(MAP);
        this.streams = vertx.sharedData().getLocalMap(STREAMS);
    }

    /** Claims the session's GET stream; {@code false} when one is already open. */
    boolean claimStream(String id) {
        return streams.putIfAbsent(id, Boolean.TRUE) == null;
    }

    void releaseStream(String id) {
        streams.remove(id);
    }

    /** Opens a session for an endpoint; the id is unguessable and visible ASCII, as the spec asks. */
    JsonObject create(String endpoint, String transport, String protocolVersion, JsonObject initializeParams) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        JsonObject record = new JsonObject()
                .put("id", id)
                .put("endpoint", endpoint)
                .put("transport", transport)
                .put("created", System.currentTimeMillis());
        if (protocolVersion != null) record.put("protocolVersion", protocolVersion);
        if (initializeParams != null) record.put("client", initializeParams);
        records.put(id, new Stored(record));
        return record;
    }

    /** The session's record; read-only (see {@link #update}). */
    JsonObject get(String id) {
        Stored stored = id == null ? null : records.get(id);
        return stored == null ? null : stored.json();
    }

    /** Records what {@code initialize} negotiated on a session that existed before it (legacy SSE). */
    void initialized(String id, String protocolVersion, JsonObject initializeParams) {
        update(id, r -> r.put("protocolVersion", protocolVersion).put("client", initializeParams));
    }

    /** Replaces the session's record with {@code change} applied (records in the map are never mutated). */
    void update(String id, java.util.function.UnaryOperator<JsonObject> change) {
        JsonObject record = get(id);
        if (record != null) records.put(id, new Stored(change.apply(record.copy())));
    }

    boolean remove(String id) {
        if (id != null) streams.remove(id);
        return id != null && records.remove(id) != null;
    }

    int size() {
        return records.size();
    }
}
