package io.mcpstore.audit;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.StoreSettings;
import io.mcpstore.security.SecurityConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns this node's audit log: takes entries sent to {@code mcpstore.audit.record} (no reply), normalises them, and
 * writes them to the {@link AuditStore} in batches — while one batch is written the next gathers in a bounded queue,
 * and when that is full entries are dropped and counted rather than held — and answers {@code mcpstore.audit.query}.
 * A query sees every entry that arrived before it.
 */
public final class AuditVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
    /** Entries waiting to be written; beyond this a burst is dropped, not buffered. */
    static final int QUEUE_CAPACITY = 10_000;

    private AuditStore store;
    private final ArrayDeque<JsonObject> queue = new ArrayDeque<>();
    private boolean flushScheduled;
    /** Completes when the last scheduled write has ended. */
    private Future<Void> written = Future.succeededFuture();

    private long dropped;
    private long failed;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();

    /** The deployment config: the config store's settings and the {@code security.audit} section. */
    public static JsonObject deploymentConfig(StoreSettings store, SecurityConfig.Audit audit) {
        JsonObject a = new JsonObject()
                .put("maxBytes", audit.maxBytes())
                .put("keep", audit.keep())
                .put("memoryEntries", audit.memoryEntries());
        if (audit.file() != null) a.put("file", audit.file());
        return new JsonObject().put("store", store.toJson()).put("audit", a);
    }

    @Override
    public Future<?> start() {
        StoreSettings settings = StoreSettings.fromDeployment(
                config().getJsonObject("store", StoreSettings.memory().toJson()));
        JsonObject a = config().getJsonObject("audit", new JsonObject());
        SecurityConfig.Audit d = SecurityConfig.Audit.DEFAULT;
        SecurityConfig.Audit audit = new SecurityConfig.Audit(
                a.getString("file", d.file()),
                a.getLong("maxBytes", d.maxBytes()),
                a.getInteger("keep", d.keep()),
                a.getInteger("memoryEntries", d.memoryEntries()));
        store = AuditStore.of(vertx, settings, audit);
        var bus = vertx.eventBus();
        return store.start()
                .onSuccess(v -> LOG.info("Audit log: {}", describe(settings, audit)))
                .compose(v -> {
                    // Local consumers when every node of a cluster keeps its own writer (on the shared database).
                    boolean local = config().getBoolean("local", false);
                    MessageConsumer<Object> record = local
                            ? bus.localConsumer(Addresses.AUDIT_RECORD, m -> record(m.body()))
                            : bus.consumer(Addresses.AUDIT_RECORD, m -> record(m.body()));
                    MessageConsumer<JsonObject> query = local
                            ? bus.localConsumer(Addresses.AUDIT_QUERY, this::query)
                            : bus.consumer(Addresses.AUDIT_QUERY, this::query);
                    consumers.add(record);
                    consumers.add(query);
                    return Future.all(record.completion(), query.completion());
                });
    }

    private String describe(StoreSettings settings, SecurityConfig.Audit audit) {
        if (store instanceof FileAuditStore f) return "file " + f.path();
        if (store instanceof PostgresAuditStore) return "PostgreSQL table " + settings.schema() + ".audit";
        return "memory (the newest " + audit.memoryEntries() + " entries)";
    }

    /** The context entries are taken on (tests deliver a burst from inside it). */
    io.vertx.core.Context context() {
        return context;
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = Future.join(
                        consumers.stream().map(MessageConsumer::unregister).toList())
                .mapEmpty();
        return unregistered
                .transform(v -> flush())
                .transform(v -> store == null ? Future.succeededFuture() : store.close());
    }

    /** One entry, or a router's batch of them ({@code {entries: [...]}}, see {@code AuditTrail}). */
    private void record(Object body) {
        if (body instanceof JsonObject batch
                && batch.size() == 1
                && batch.getValue("entries") instanceof JsonArray entries) {
            entries.forEach(this::recordOne);
        } else {
            recordOne(body);
        }
    }

    private void recordOne(Object body) {
        JsonObject entry = AuditEntries.normalise(body, Instant.now());
        if (entry == null) {
            LOG.warn("Audit: ignored an entry that is not a JSON object");
            return;
        }
        if (queue.size() >= QUEUE_CAPACITY) {
            if (dropped++ == 0) {
                LOG.error(
                        "Audit: {} entries wait to be written; dropping entries until the store catches up",
                        QUEUE_CAPACITY);
            }
            return;
        }
        queue.add(entry);
        flush();
    }

    /** Schedules a write of what is queued (unless one is scheduled already); completes when it is written. */
    private Future<Void> flush() {
        if (!flushScheduled && !queue.isEmpty()) {
            flushScheduled = true;
            written = written.transform(ignored -> writeQueued());
        }
        return written;
    }

    private Future<Void> writeQueued() {
        flushScheduled = false;
        if (dropped > 0) {
            LOG.error("Audit: dropped {} entries while the queue was full", dropped);
            dropped = 0;
        }
        List<JsonObject> batch = new ArrayList<>(queue);
        queue.clear();
        if (batch.isEmpty()) return Future.succeededFuture();
        return store.append(batch).recover(e -> {
            failed += batch.size();
            LOG.error("Audit: could not write {} entries ({} so far): {}", batch.size(), failed, e.getMessage());
            return Future.succeededFuture();
        });
    }

    private void query(Message<JsonObject> m) {
        AuditQuery q;
        try {
            q = AuditQuery.fromJson(m.body());
        } catch (AuditQuery.Invalid e) {
            m.reply(error(400, e.getMessage(), e.field()));
            return;
        }
        flush().transform(ignored -> store.query(q)).onComplete(ar -> {
            if (ar.succeeded()) {
                JsonObject reply = new JsonObject()
                        .put(
                                "entries",
                                new JsonArray(new ArrayList<>(ar.result().entries())));
                if (ar.result().next() != null) reply.put("next", ar.result().next());
                m.reply(reply);
            } else {
                LOG.error("Audit: query failed: {}", ar.cause().getMessage());
                m.reply(error(
                        503, "the audit store cannot be read: " + ar.cause().getMessage(), null));
            }
        });
    }

    private static JsonObject error(int status, String detail, String field) {
        JsonObject error = new JsonObject().put("status", status).put("detail", detail);
        if (field != null) error.put("field", field);
        return new JsonObject().put("error", error);
    }
}
