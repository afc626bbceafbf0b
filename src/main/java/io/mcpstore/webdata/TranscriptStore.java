package io.mcpstore.webdata;

import io.mcpstore.config.StoreSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the chat lab's transcripts are kept, each under its owner (the signed-in principal): a table beside the
 * PostgreSQL config store, one file per transcript in a directory beside the config file, or memory. A transcript is a
 * JSON object {@code {id, owner, title, app, createdAt, updatedAt, messages: [...]}}; its size is bounded by the chat
 * API that writes it, not here.
 */
public interface TranscriptStore {
    Future<Void> start();

    /** The owner's transcripts, newest change first, without their messages ({@code messageCount} instead). */
    Future<List<JsonObject>> list(String owner);

    /** The owner's transcript, or null when the owner has none of that id. */
    Future<JsonObject> get(String owner, String id);

    /** Creates or replaces the transcript of its {@code id} and {@code owner}. */
    Future<Void> put(JsonObject transcript);

    /** Whether the owner had the transcript (it is gone now). */
    Future<Boolean> delete(String owner, String id);

    Future<Void> close();

    /** The store that goes with the config store: PostgreSQL beside it, files beside the config file, or memory. */
    static TranscriptStore of(Vertx vertx, StoreSettings store) {
        return switch (store.type()) {
            case "postgres" -> new PostgresTranscriptStore(vertx, store.url(), store.schema());
            case "file" -> new FileTranscriptStore(vertx, Path.of(store.file() + ".chat"));
            default -> new MemoryTranscriptStore();
        };
    }

    /** A transcript as a list shows it: everything but the messages, and how many there are. */
    static JsonObject summary(JsonObject transcript) {
        JsonObject out = transcript.copy();
        Object messages = out.remove("messages");
        return out.put("messageCount", messages instanceof io.vertx.core.json.JsonArray a ? a.size() : 0);
    }
}
