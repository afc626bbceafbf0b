package io.mcpstore.router;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
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

    private final LocalMap<String, JsonObject> records;
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
        records.put(id, record);
        return record;
    }

    JsonObject get(String id) {
        return id == null ? null : records.get(id);
    }

    /** Records what {@code initialize} negotiated on a session that existed before it (legacy SSE). */
    void initialized(String id, String protocolVersion, JsonObject initializeParams) {
        JsonObject record = records.get(id);
        if (record != null) {
            records.put(id, record.put("protocolVersion", protocolVersion).put("client", initializeParams));
        }
    }

    /** Replaces the session's record with {@code change} applied (records in the map are never mutated). */
    void update(String id, java.util.function.UnaryOperator<JsonObject> change) {
        JsonObject record = records.get(id);
        if (record != null) records.put(id, change.apply(record.copy()));
    }

    boolean remove(String id) {
        if (id != null) streams.remove(id);
        return id != null && records.remove(id) != null;
    }

    int size() {
        return records.size();
    }
}
