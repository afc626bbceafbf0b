package io.mcpstore.security;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.AsIsJsonCodec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes audit entries of the gateway's edge — refused requests ({@code kind: "auth"}) and MCP tool calls ({@code
 * kind: "tool"}) — to {@code mcpstore.audit.record}, fire and forget. Never a credential in an entry. One per router
 * instance, used on its event loop: the entries made while the loop serves one round of events go out together
 * ({@code {entries: [...]}}, at most {@value #BATCH}) once that round is done, so under load a tool call costs a list
 * append rather than a bus message and a store write of its own, and an entry is on its way before the client can
 * ask for it.
 */
public final class AuditTrail {
    /** Writes nothing: for gateways and tests without an event bus to write to. */
    public static final AuditTrail NONE = new AuditTrail(null);

    static final int BATCH = 256;

    private final Vertx vertx;
    private List<Object> pending = new ArrayList<>();

    public AuditTrail(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The fields every entry has: when, what kind, who (when known), as what and with which role. */
    public static JsonObject entry(String kind, Principal who, String action, String outcome) {
        JsonObject entry = new JsonObject().put("at", Instant.now().toString()).put("kind", kind);
        if (who != null) {
            entry.put("who", who.subject())
                    .put("via", who.kind().name().toLowerCase(Locale.ROOT))
                    .put("role", who.role().id());
        }
        return entry.put("action", action).put("outcome", outcome);
    }

    /**
     * A tool call's entry, the same over MCP and through the admin API: who, where, the outcome, the latency and the
     * arguments' size; their values only when the service opts in ({@code auditArguments}).
     */
    public static JsonObject toolCall(
            Principal who,
            String app,
            String tool,
            String service,
            String outcome,
            long nanos,
            JsonObject arguments,
            boolean withValues,
            Throwable failure) {
        JsonObject entry = entry("tool", who, "tools/call", outcome)
                .put("tool", tool)
                .put("service", service)
                .put("latencyMs", nanos / 1_000_000)
                .put(
                        "argumentBytes",
                        arguments == null ? 0 : arguments.toBuffer().length());
        if (app != null) entry.put("app", app);
        if (arguments != null && withValues) entry.put("arguments", arguments.copy());
        if (failure != null) entry.put("detail", failure.getMessage());
        return entry;
    }

    public void record(JsonObject entry) {
        if (vertx == null) return;
        pending.add(entry);
        if (pending.size() >= BATCH) flush();
        else if (pending.size() == 1) vertx.runOnContext(v -> flush());
    }

    /** Sends what is pending now (also when the router stops). */
    public void flush() {
        if (pending.isEmpty()) return;
        JsonObject batch = new JsonObject().put("entries", new JsonArray(pending));
        pending = new ArrayList<>();
        vertx.eventBus().send(Addresses.AUDIT_RECORD, batch, AsIsJsonCodec.options());
    }

    /**
     * A refused request: 401 ({@code unauthenticated}), 403 ({@code denied}) or 429 ({@code rate_limited}).
     * {@code who} is null when nobody could be told from the credential.
     */
    public void refusal(HttpServerRequest request, Principal who, Throwable failure) {
        if (vertx == null) return;
        int status = AuthGate.status(failure);
        String outcome = switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "denied";
            case 429 -> "rate_limited";
            default -> "error";
        };
        JsonObject entry = entry("auth", who, request.method().name() + " " + request.path(), outcome)
                .put("target", request.path())
                .put("status", status);
        if (failure.getMessage() != null) entry.put("detail", failure.getMessage());
        if (request.remoteAddress() != null)
            entry.put("remote", request.remoteAddress().hostAddress());
        record(entry);
    }
}
