package io.mcpstore.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

/**
 * The gateway's own tables beside the PostgreSQL config store (the audit log, the chat lab's transcripts): a small
 * pool of their own on the store's database, and their DDL run under the store's advisory lock, so that two gateways
 * starting on one schema do not race on it.
 */
public final class StoreTables {
    private StoreTables() {}

    /** Two connections at most, failing fast (no reconnect loop) when the database is down. */
    public static Pool pool(Vertx vertx, String url) {
        PgConnectOptions connect =
                PgConnectOptions.fromUri(url).setReconnectAttempts(0).addProperty("application_name", "mcpstore");
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(2).setConnectionTimeout(3).setIdleTimeout(60))
                .connectingTo(connect)
                .using(vertx)
                .build();
    }

    /** Creates {@code schema} if missing and runs {@code ddl} (idempotent statements) in it, under the store's lock. */
    public static Future<Void> create(Pool pool, String schema, String ddl) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .execute(Tuple.of("mcpstore:" + schema))
                        .compose(v -> conn.query("CREATE SCHEMA IF NOT EXISTS " + schema + "; " + ddl)
                                .execute()))
                .mapEmpty();
    }
}
