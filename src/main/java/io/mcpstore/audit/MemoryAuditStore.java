package io.mcpstore.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The memory store's audit log: the newest {@code capacity} entries, gone when the gateway stops. */
final class MemoryAuditStore implements AuditStore {
    private final int capacity;
    private final ArrayDeque<JsonObject> ring;
    private long lastId;

    MemoryAuditStore(int capacity) {
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    @Override
    public Future<Void> start() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> append(List<JsonObject> entries) {
        for (JsonObject e : entries) {
            if (ring.size() == capacity) ring.removeFirst();
            ring.addLast(FileAuditStore.numbered(++lastId, e));
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Page> query(AuditQuery query) {
        List<JsonObject> out = new ArrayList<>();
        for (Iterator<JsonObject> it = ring.descendingIterator(); it.hasNext(); ) {
            JsonObject e = it.next();
            if (!query.matches(e)) continue;
            if (out.size() == query.limit()) return Future.succeededFuture(FileAuditStore.page(out, true));
            out.add(e.copy());
        }
        return Future.succeededFuture(FileAuditStore.page(out, false));
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
