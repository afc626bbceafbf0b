package io.mcpstore.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who is calling, as every check and the audit log see it, whatever the credential was.
 *
 * @param subject the user name, the key's id ({@code key:ID}), or the external token's {@code sub}
 * @param kind how they authenticated
 * @param name a display name: the user name, the key's name, the token's {@code sub}
 * @param role what they may do
 * @param apps the apps whose endpoints they may use; null = every endpoint (also the gateway's own {@code /mcp})
 * @param tools which tools they may see and call
 * @param scopes an external token's scopes (empty otherwise)
 * @param expiresAt when the credential stops working, epoch ms; 0 = never
 */
public record Principal(
        String subject,
        Kind kind,
        String name,
        Role role,
        List<String> apps,
        ToolPatterns tools,
        Set<String> scopes,
        long expiresAt) {

    public enum Kind {
        /** Signed in with a password; holds a gateway JWT. */
        USER,
        /** An API key. */
        KEY,
        /** A token from the external OAuth / OIDC issuer. */
        OAUTH,
        /** Security is off: everyone is this one principal, with every right. */
        ANONYMOUS
    }

    /** The principal of every request while {@code security.enabled} is false. */
    public static final Principal ANONYMOUS =
            new Principal("anonymous", Kind.ANONYMOUS, "anonymous", Role.ADMIN, null, ToolPatterns.ALL, Set.of(), 0);

    public Principal {
        apps = apps == null ? null : List.copyOf(apps);
        tools = tools == null ? ToolPatterns.ALL : tools;
        scopes = Set.copyOf(scopes == null ? Set.of() : scopes);
    }

    public boolean can(Permission permission) {
        return role.allows(permission);
    }

    /** Whether they may use the endpoint of {@code app} (null: the gateway's own endpoint, every service). */
    public boolean mayUse(String app) {
        return apps == null || (app != null && apps.contains(app));
    }

    public boolean mayUseTool(String publicName) {
        return tools.allows(publicName);
    }

    /** As the API shows it ({@code GET /api/v1/auth/me}) and the audit log records it. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("subject", subject)
                .put("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .put("name", name)
                .put("role", role.id());
        if (apps != null) json.put("apps", new JsonArray(new ArrayList<>(apps)));
        if (!tools.all()) json.put("tools", new JsonArray(new ArrayList<>(tools.patterns())));
        if (!scopes.isEmpty()) json.put("scopes", new JsonArray(new ArrayList<>(scopes)));
        if (expiresAt > 0)
            json.put("expiresAt", java.time.Instant.ofEpochMilli(expiresAt).toString());
        return json;
    }
}
