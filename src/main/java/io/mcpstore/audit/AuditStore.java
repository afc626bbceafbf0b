package io.mcpstore.audit;

import io.mcpstore.config.StoreSettings;
import io.mcpstore.security.SecurityConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Where audit entries are kept: a PostgreSQL table, a rotating JSON-lines file or a bounded ring in memory. Each
 * stored entry gets an {@code id}, increasing in the order entries were recorded; queries answer newest first and page
 * by it.
 */
public interface AuditStore {
    /** One page of a query: the entries newest first, and the cursor of the next page (null: no more). */
    record Page(List<JsonObject> entries, String next) {}

    Future<Void> start();

    /** Appends normalised entries, in order. */
    Future<Void> append(List<JsonObject> entries);

    Future<Page> query(AuditQuery query);

    Future<Void> close();

    /** The store that goes with the config store: PostgreSQL beside it, a file beside the config file, or memory. */
    static AuditStore of(Vertx vertx, StoreSettings store, SecurityConfig.Audit audit) {
        return switch (store.type()) {
            case "postgres" -> new PostgresAuditStore(vertx, store.url(), store.schema());
            case "file" ->
                new FileAuditStore(
                        vertx,
                        Path.of(audit.file() != null ? audit.file() : store.file() + ".audit.jsonl"),
                        audit.maxBytes(),
                        audit.keep());
            default ->
                audit.file() != null
                        ? new FileAuditStore(vertx, Path.of(audit.file()), audit.maxBytes(), audit.keep())
                        : new MemoryAuditStore(audit.memoryEntries());
        };
    }
}
