package io.mcpstore.webdata;

import io.mcpstore.config.StoreTables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Transcripts in PostgreSQL, beside the config store: table {@code <schema>.chat_transcripts} (created if missing, as
 * the audit table is), one row per transcript with its owner as a column and the whole transcript as {@code jsonb}.
 */
final class PostgresTranscriptStore implements TranscriptStore {
    private final String schema;
    private final Pool pool;

    PostgresTranscriptStore(Vertx vertx, String url, String schema) {
        this.schema = schema;
        this.pool = StoreTables.pool(vertx, url);
    }

    private String table() {
        return schema + ".chat_transcripts";
    }

    @Override
    public Future<Void> start() {
        return StoreTables.create(
                pool,
                schema,
                "CREATE TABLE IF NOT EXISTS " + table()
                        + " (id text PRIMARY KEY, owner text NOT NULL,"
                        + " updated_at timestamptz NOT NULL DEFAULT now(), transcript jsonb NOT NULL);"
                        + " CREATE INDEX IF NOT EXISTS chat_transcripts_owner ON " + table()
                        + " (owner, updated_at)");
    }

    @Override
    public Future<List<JsonObject>> list(String owner) {
        return pool.preparedQuery("SELECT transcript - 'messages' AS summary,"
                        + " jsonb_array_length(COALESCE(transcript->'messages', '[]'::jsonb)) AS n FROM " + table()
                        + " WHERE owner = $1 ORDER BY updated_at DESC, id")
                .execute(Tuple.of(owner))
                .map(rows -> {
                    List<JsonObject> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(((JsonObject) row.getValue("summary")).put("messageCount", row.getInteger("n")));
                    }
                    return out;
                });
    }

    @Override
    public Future<JsonObject> get(String owner, String id) {
        return pool.preparedQuery("SELECT transcript FROM " + table() + " WHERE id = $1 AND owner = $2")
                .execute(Tuple.of(id, owner))
                .map(rows -> rows.size() == 0
                        ? null
                        : (JsonObject) rows.iterator().next().getValue("transcript"));
    }

    @Override
    public Future<Void> put(JsonObject transcript) {
        return pool.preparedQuery("INSERT INTO " + table() + " (id, owner, updated_at, transcript)"
                        + " VALUES ($1, $2, now(), $3) ON CONFLICT (id) DO UPDATE"
                        + " SET updated_at = now(), transcript = EXCLUDED.transcript"
                        + " WHERE " + table() + ".owner = EXCLUDED.owner")
                .execute(Tuple.of(transcript.getString("id"), transcript.getString("owner"), transcript))
                .mapEmpty();
    }

    @Override
    public Future<Boolean> delete(String owner, String id) {
        return pool.preparedQuery("DELETE FROM " + table() + " WHERE id = $1 AND owner = $2")
                .execute(Tuple.of(id, owner))
                .map(rows -> rows.rowCount() > 0);
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }
}
