package io.mcpstore.webdata;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Transcripts in memory, for the memory config store: kept until the gateway stops. Used on one context only. */
final class MemoryTranscriptStore implements TranscriptStore {
    private final Map<String, JsonObject> transcripts = new LinkedHashMap<>();

    @Override
    public Future<Void> start() {
        return Future.succeededFuture();
    }

    @Override
    public Future<List<JsonObject>> list(String owner) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject t : transcripts.values()) {
            if (owner.equals(t.getString("owner"))) out.add(TranscriptStore.summary(t));
        }
        out.sort(Comparator.comparing((JsonObject t) -> t.getString("updatedAt", ""))
                .reversed());
        return Future.succeededFuture(out);
    }

    @Override
    public Future<JsonObject> get(String owner, String id) {
        JsonObject t = transcripts.get(id);
        return Future.succeededFuture(t != null && owner.equals(t.getString("owner")) ? t.copy() : null);
    }

    @Override
    public Future<Void> put(JsonObject transcript) {
        transcripts.put(transcript.getString("id"), transcript.copy());
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> delete(String owner, String id) {
        JsonObject t = transcripts.get(id);
        if (t == null || !owner.equals(t.getString("owner"))) return Future.succeededFuture(false);
        transcripts.remove(id);
        return Future.succeededFuture(true);
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
