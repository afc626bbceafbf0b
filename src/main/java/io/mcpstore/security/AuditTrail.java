package io.mcpstore.security;

import io.mcpstore.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes audit entries of the gateway's edge — refused requests ({@code kind: "auth"}) and MCP tool calls ({@code
 * kind: "tool"}) — to {@code mcpstore.audit.record}, fire and forget. Never a credential in an entry.
 */
public final class AuditTrail {
    /** Writes nothing: for gateways and tests without an event bus to write to. */
    public static final AuditTrail NONE = new AuditTrail(null);

    private final EventBus bus;

    public AuditTrail(EventBus bus) {
        this.bus = bus;
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

    public void record(JsonObject entry) {
        if (bus != null) bus.send(Addresses.AUDIT_RECORD, entry);
    }

    /**
     * A refused request: 401 ({@code unauthenticated}), 403 ({@code denied}) or 429 ({@code rate_limited}).
     * {@code who} is null when nobody could be told from the credential.
     */
    public void refusal(HttpServerRequest request, Principal who, Throwable failure) {
        if (bus == null) return;
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
