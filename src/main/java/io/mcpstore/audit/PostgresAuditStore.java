package io.mcpstore.audit;

import io.mcpstore.config.StoreTables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL store's audit log: table {@code <schema>.audit} (created if missing), one row per entry with the
 * filtered fields as columns and the whole entry as {@code jsonb}; a batch goes in as one multi-row insert.
 */
final class PostgresAuditStore implements AuditStore {
    private static final int ROWS_PER_INSERT = 500;

    private final String schema;
    private final Pool pool;

    PostgresAuditStore(Vertx vertx, String url, String schema) {
        this.schema = schema;
        this.pool = StoreTables.pool(vertx, url);
    }

    private String table() {
        return schema + ".audit";
    }

    @Override
    public Future<Void> start() {
        return StoreTables.create(
                pool,
                schema,
                "CREATE TABLE IF NOT EXISTS " + table()
                        + " (id bigserial PRIMARY KEY, at timestamptz NOT NULL, kind text, who text,"
                        + " outcome text, tool text, entry jsonb NOT NULL);"
                        + " CREATE INDEX IF NOT EXISTS audit_at ON " + table() + " (at);"
                        + " CREATE INDEX IF NOT EXISTS audit_who ON " + table() + " (who)");
    }

    @Override
    public Future<Void> append(List<JsonObject> entries) {
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < entries.size(); i += ROWS_PER_INSERT) {
            List<JsonObject> slice = entries.subList(i, Math.min(entries.size(), i + ROWS_PER_INSERT));
            chain = chain.compose(v -> insert(slice));
        }
        return chain;
    }

    private Future<Void> insert(List<JsonObject> entries) {
        StringBuilder sql =
                new StringBuilder("INSERT INTO " + table() + " (at, kind, who, outcome, tool, entry) VALUES ");
        Tuple params = Tuple.tuple();
        int n = 0;
        for (JsonObject e : entries) {
            if (n > 0) sql.append(", ");
            sql.append("($")
                    .append(++n)
                    .append(", $")
                    .append(++n)
                    .append(", $")
                    .append(++n)
                    .append(", $")
                    .append(++n)
                    .append(", $")
                    .append(++n)
                    .append(", $")
                    .append(++n)
                    .append("::jsonb)");
            Instant at = AuditQuery.parseInstant(e.getString("at"));
            params.addOffsetDateTime(OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                    .addString(text(e, "kind"))
                    .addString(text(e, "who"))
                    .addString(text(e, "outcome"))
                    .addString(text(e, "tool"))
                    .addValue(e);
        }
        return pool.preparedQuery(sql.toString()).execute(params).mapEmpty();
    }

    private static String text(JsonObject e, String field) {
        Object v = e.getValue(field);
        return v == null ? null : String.valueOf(v);
    }

    @Override
    public Future<Page> query(AuditQuery q) {
        List<String> where = new ArrayList<>();
        Tuple params = Tuple.tuple();
        if (q.from() != null) {
            params.addOffsetDateTime(OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC));
            where.add("at >= $" + params.size());
        }
        if (q.to() != null) {
            params.addOffsetDateTime(OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC));
            where.add("at <= $" + params.size());
        }
        for (String[] f :
                new String[][] {{"who", q.who()}, {"tool", q.tool()}, {"outcome", q.outcome()}, {"kind", q.kind()}}) {
            if (f[1] == null) continue;
            params.addString(f[1]);
            where.add(f[0] + " = $" + params.size());
        }
        if (q.before() != null) {
            params.addLong(q.before());
            where.add("id < $" + params.size());
        }
        params.addInteger(q.limit() + 1);
        String sql =
                "SELECT id, entry FROM " + table() + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                        + " ORDER BY id DESC LIMIT $" + params.size();
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<JsonObject> out = new ArrayList<>();
            boolean more = false;
            for (Row row : rows) {
                if (out.size() == q.limit()) {
                    more = true;
                    break;
                }
                Object entry = row.getValue("entry");
                JsonObject e = entry instanceof JsonObject o ? o : new JsonObject(String.valueOf(entry));
                out.add(FileAuditStore.numbered(row.getLong("id"), e));
            }
            return FileAuditStore.page(out, more);
        });
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }
}
