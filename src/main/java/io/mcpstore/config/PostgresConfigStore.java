package io.mcpstore.config;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revisions in PostgreSQL: one row per revision in {@code <schema>.config_revisions}, migrations applied at start,
 * each commit one transaction whose primary key makes concurrent writers conflict, and {@code LISTEN/NOTIFY} so that
 * every gateway process sharing the database hears of a commit at once.
 */
public final class PostgresConfigStore implements ConfigStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresConfigStore.class);

    /** The versioned migrations under {@code src/main/resources/db/migration}, applied in this order. */
    static final List<String> MIGRATIONS = List.of("V1__config_revisions.sql", "V2__config_revisions_node.sql");

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String MADE_BY = ManagementFactory.getRuntimeMXBean().getName();

    private final Vertx vertx;
    private final String schema;
    private final String channel;
    private final PgConnectOptions connect;
    private final Pool pool;
    private PgConnection listener;
    private boolean connectingListener;
    private Runnable changedOutside;
    private Context context;

    public PostgresConfigStore(Vertx vertx, String url, String schema) {
        this.vertx = vertx;
        this.schema = schema;
        this.channel = "mcpstore_config_" + schema;
        this.connect =
                PgConnectOptions.fromUri(url).setReconnectAttempts(0).addProperty("application_name", "mcpstore");
        this.pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(4).setConnectionTimeout(3).setIdleTimeout(60))
                .connectingTo(connect)
                .using(vertx)
                .build();
    }

    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public Future<Revision> start(JsonObject initial, Runnable changedOutside) {
        this.changedOutside = changedOutside;
        this.context = vertx.getOrCreateContext();
        return migrate()
                .compose(v -> head())
                .compose(head -> head.number() > 0 ? Future.succeededFuture(head) : seed(initial))
                .compose(head -> listen().map(head));
    }

    @Override
    public Future<Revision> head() {
        if (listener == null) listen();
        return pool.query("SELECT revision, created_at, summary, document FROM " + table()
                        + " ORDER BY revision DESC LIMIT 1")
                .execute()
                .map(rows -> rows.size() == 0
                        ? new Revision(0, Instant.EPOCH, "", null)
                        : revision(rows.iterator().next(), true))
                .recover(PostgresConfigStore::failure);
    }

    @Override
    public Future<Revision> commit(long base, JsonObject document, String summary) {
        return pool.withTransaction(conn -> conn.query("SELECT coalesce(max(revision), 0) FROM " + table())
                        .execute()
                        .compose(rows -> {
                            long head = rows.iterator().next().getLong(0);
                            if (head != base) return Future.failedFuture(StoreException.conflict(base, head));
                            return conn.preparedQuery("INSERT INTO " + table()
                                            + " (revision, summary, document, made_by) VALUES ($1, $2, $3::json, $4)"
                                            + " RETURNING revision, created_at, summary, document")
                                    .execute(Tuple.of(base + 1, summary, document, MADE_BY));
                        })
                        .compose(rows -> conn.preparedQuery("SELECT pg_notify($1, $2)")
                                .execute(Tuple.of(channel, Long.toString(base + 1)))
                                .map(rows.iterator().next())))
                .map(row -> revision(row, true))
                .recover(e -> {
                    if (e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                        return Future.failedFuture(new StoreException(
                                StoreException.Kind.CONFLICT,
                                "revision conflict: another change was committed on top of revision " + base));
                    }
                    return failure(e);
                });
    }

    @Override
    public Future<List<Revision>> history(int limit) {
        return pool.preparedQuery(
                        "SELECT revision, created_at, summary FROM " + table() + " ORDER BY revision DESC LIMIT $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<Revision> out = new ArrayList<>();
                    rows.forEach(r -> out.add(revision(r, false)));
                    return out;
                })
                .recover(PostgresConfigStore::failure);
    }

    @Override
    public Future<Revision> revision(long number) {
        return pool.preparedQuery(
                        "SELECT revision, created_at, summary, document FROM " + table() + " WHERE revision = $1")
                .execute(Tuple.of(number))
                .recover(PostgresConfigStore::failure)
                .compose(rows -> rows.size() == 0
                        ? Future.failedFuture(
                                new StoreException(StoreException.Kind.NOT_FOUND, "no revision " + number))
                        : Future.succeededFuture(revision(rows.iterator().next(), true)));
    }

    @Override
    public Future<Void> close() {
        PgConnection l = listener;
        listener = null;
        changedOutside = null;
        return Future.join(l == null ? Future.succeededFuture() : l.close(), pool.close())
                .mapEmpty();
    }

    private String table() {
        return schema + ".config_revisions";
    }

    private static Revision revision(Row row, boolean withDocument) {
        OffsetDateTime at = row.getOffsetDateTime("created_at");
        Object doc = withDocument ? row.getValue("document") : null;
        JsonObject document = doc instanceof JsonObject o ? o : doc instanceof String s ? new JsonObject(s) : null;
        return new Revision(row.getLong("revision"), at.toInstant(), row.getString("summary"), document);
    }

    private Future<Revision> seed(JsonObject initial) {
        return commit(0, initial, "seeded from the config file").recover(e -> {
            // Another process seeded it first.
            if (e instanceof StoreException s && s.kind() == StoreException.Kind.CONFLICT) return head();
            return Future.failedFuture(e);
        });
    }

    /** Applies the migrations not yet applied, under an advisory lock so that two processes starting do not race. */
    private Future<Void> migrate() {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .execute(Tuple.of("mcpstore:" + schema))
                        .compose(v -> conn.query(
                                        "CREATE SCHEMA IF NOT EXISTS " + schema + "; CREATE TABLE IF NOT EXISTS "
                                                + schema + ".schema_migrations (version text PRIMARY KEY,"
                                                + " applied_at timestamptz NOT NULL DEFAULT now())")
                                .execute())
                        .compose(v -> conn.query("SELECT version FROM " + schema + ".schema_migrations")
                                .execute())
                        .compose(rows -> applyMissing(conn, rows)))
                .recover(PostgresConfigStore::failure);
    }

    private Future<Void> applyMissing(SqlConnection conn, RowSet<Row> applied) {
        Set<String> done = new HashSet<>();
        applied.forEach(r -> done.add(r.getString(0)));
        Future<Void> chain = Future.succeededFuture();
        for (String migration : MIGRATIONS) {
            if (done.contains(migration)) continue;
            String sql = resource("db/migration/" + migration).replace("${schema}", schema);
            chain = chain.compose(v -> conn.query(sql).execute())
                    .compose(v -> conn.preparedQuery(
                                    "INSERT INTO " + schema + ".schema_migrations (version) VALUES ($1)")
                            .execute(Tuple.of(migration)))
                    .onSuccess(v -> LOG.info("Config store: applied migration {} to schema {}", migration, schema))
                    .mapEmpty();
        }
        return chain;
    }

    private static String resource(String path) {
        try (InputStream in = PostgresConfigStore.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing migration " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the LISTEN connection when there is none; once listening again, catches up. */
    private Future<Void> listen() {
        if (listener != null || connectingListener) return Future.succeededFuture();
        connectingListener = true;
        return PgConnection.connect(vertx, connect)
                .compose(conn -> conn.query("LISTEN " + channel).execute().map(conn))
                .onComplete(ar -> connectingListener = false)
                .onSuccess(conn -> {
                    if (changedOutside == null) {
                        conn.close();
                        return;
                    }
                    boolean reconnect = listener == null;
                    listener = conn;
                    conn.notificationHandler(n -> notifyChange());
                    conn.closeHandler(v -> {
                        if (listener == conn) {
                            listener = null;
                            LOG.warn("Config store: lost the LISTEN connection to PostgreSQL; reconnecting");
                        }
                    });
                    // Revisions made while we were not listening.
                    if (reconnect) notifyChange();
                })
                .recover(e -> Future.failedFuture(new StoreException(
                        StoreException.Kind.UNAVAILABLE, "PostgreSQL is unreachable: " + e.getMessage(), e)))
                .mapEmpty();
    }

    private void notifyChange() {
        Runnable r = changedOutside;
        if (r != null) context.runOnContext(v -> r.run());
    }

    private static <T> Future<T> failure(Throwable e) {
        if (e instanceof StoreException) return Future.failedFuture(e);
        return Future.failedFuture(
                new StoreException(StoreException.Kind.UNAVAILABLE, "PostgreSQL is unreachable: " + e.getMessage(), e));
    }
}
