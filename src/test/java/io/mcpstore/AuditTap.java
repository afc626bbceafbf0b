package io.mcpstore;

import io.mcpstore.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * Every audit entry a test gateway sends, seen on the way out of its bus (a consumer of the test's own would take
 * turns with the audit store). A router sends its entries in batches, {@code {entries: [...]}}; others send one.
 */
public final class AuditTap {
    private AuditTap() {}

    /** Adds a copy of every entry {@code gateway} sends from now on to {@code into}. */
    public static void attach(TestGateway gateway, Collection<JsonObject> into) {
        gateway.store().vertx().eventBus().addOutboundInterceptor(ctx -> {
            if (Addresses.AUDIT_RECORD.equals(ctx.message().address())
                    && ctx.message().body() instanceof JsonObject body) {
                if (body.getValue("entries") instanceof JsonArray batch) {
                    batch.forEach(e -> into.add(((JsonObject) e).copy()));
                } else {
                    into.add(body.copy());
                }
            }
            ctx.next();
        });
    }
}
