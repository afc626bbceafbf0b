package io.mcpstore.admin;

import io.mcpstore.security.Permission;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The one table of what each admin route needs: reads need {@link Permission#READ}, tool calls {@link
 * Permission#CALL_TOOLS}, changes to services, apps and config {@link Permission#WRITE}, users, keys and the audit log
 * {@link Permission#ADMINISTER}. {@code null} is a route the gate lets through without a credential: sign-in, the
 * OpenAPI document, and {@code GET /auth/me}, which any authenticated principal may ask and which authenticates itself
 * (no one permission is held by every role). A stdio service needs {@link Permission#PROCESSES} as well, which only
 * its body shows: {@link ServiceRules} checks that.
 */
final class AdminAccess {
    /** One rule: a method and a route path of the admin API ({@code :name} matches one segment). */
    record Rule(HttpMethod method, String path, Permission permission) {
        boolean matches(HttpMethod m, String[] segments) {
            if (!method.equals(m)) return false;
            String[] own = path.substring(1).split("/", -1);
            if (own.length != segments.length) return false;
            for (int i = 0; i < own.length; i++) {
                if (!own[i].startsWith(":") && !own[i].equals(segments[i])) return false;
                if (own[i].startsWith(":") && segments[i].isEmpty()) return false;
            }
            return true;
        }
    }

    private static final HttpMethod GET = HttpMethod.GET;
    private static final HttpMethod POST = HttpMethod.POST;
    private static final HttpMethod PUT = HttpMethod.PUT;
    private static final HttpMethod PATCH = HttpMethod.PATCH;
    private static final HttpMethod DELETE = HttpMethod.DELETE;

    static final List<Rule> RULES = List.of(
            new Rule(GET, "/openapi.yaml", null),
            new Rule(POST, "/auth/login", null),
            new Rule(GET, "/auth/me", null),
            new Rule(GET, "/services", Permission.READ),
            new Rule(POST, "/services", Permission.WRITE),
            new Rule(POST, "/services/import-openapi", Permission.WRITE),
            new Rule(GET, "/services/:name", Permission.READ),
            new Rule(PUT, "/services/:name", Permission.WRITE),
            new Rule(PATCH, "/services/:name", Permission.WRITE),
            new Rule(DELETE, "/services/:name", Permission.WRITE),
            new Rule(GET, "/services/:name/status", Permission.READ),
            new Rule(GET, "/services/:name/history", Permission.READ),
            new Rule(POST, "/services/:name/restart", Permission.WRITE),
            new Rule(POST, "/services/:name/stop", Permission.WRITE),
            new Rule(POST, "/services/:name/start", Permission.WRITE),
            // Renders a request without sending it; what it shows is redacted as the config is. Like a call.
            new Rule(POST, "/services/:name/tools/:tool/dry-run", Permission.CALL_TOOLS),
            new Rule(GET, "/tools", Permission.READ),
            new Rule(POST, "/tools/call", Permission.CALL_TOOLS),
            new Rule(POST, "/tools/batch", Permission.CALL_TOOLS),
            new Rule(GET, "/apps", Permission.READ),
            new Rule(POST, "/apps", Permission.WRITE),
            new Rule(GET, "/apps/:name", Permission.READ),
            new Rule(PUT, "/apps/:name", Permission.WRITE),
            new Rule(DELETE, "/apps/:name", Permission.WRITE),
            new Rule(GET, "/config", Permission.READ),
            new Rule(GET, "/config/revisions", Permission.READ),
            new Rule(GET, "/config/revisions/:n", Permission.READ),
            new Rule(POST, "/config/rollback/:n", Permission.WRITE),
            new Rule(GET, "/config/export", Permission.READ),
            new Rule(POST, "/config/import", Permission.WRITE),
            new Rule(GET, "/store", Permission.READ),
            new Rule(GET, "/users", Permission.ADMINISTER),
            new Rule(POST, "/users", Permission.ADMINISTER),
            new Rule(GET, "/users/:name", Permission.ADMINISTER),
            new Rule(PUT, "/users/:name", Permission.ADMINISTER),
            new Rule(DELETE, "/users/:name", Permission.ADMINISTER),
            new Rule(GET, "/keys", Permission.ADMINISTER),
            new Rule(POST, "/keys", Permission.ADMINISTER),
            new Rule(GET, "/keys/:id", Permission.ADMINISTER),
            new Rule(DELETE, "/keys/:id", Permission.ADMINISTER),
            new Rule(GET, "/audit", Permission.ADMINISTER),
            new Rule(GET, "/cluster", Permission.READ),
            new Rule(GET, "/events", Permission.READ),
            // The chat lab: its settings are config (the key a credential: admins only); a chat calls tools.
            new Rule(GET, "/chat/settings", Permission.CALL_TOOLS),
            new Rule(PUT, "/chat/settings", Permission.ADMINISTER),
            new Rule(GET, "/chat/transcripts", Permission.CALL_TOOLS),
            new Rule(POST, "/chat/transcripts", Permission.CALL_TOOLS),
            new Rule(GET, "/chat/transcripts/:id", Permission.CALL_TOOLS),
            new Rule(DELETE, "/chat/transcripts/:id", Permission.CALL_TOOLS),
            new Rule(POST, "/chat/transcripts/:id/messages", Permission.CALL_TOOLS));

    private AdminAccess() {}

    /**
     * What the request needs. A path of no route still needs a credential, then answers 404: READ for a read, and
     * ADMINISTER for anything else, so that a route missing from this table fails closed.
     */
    static Permission required(RoutingContext ctx) {
        return required(ctx.request().method(), relativePath(ctx));
    }

    static Permission required(HttpMethod method, String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        // The router matches "/services/" as "/services".
        if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        String[] segments = p.split("/", -1);
        for (Rule rule : RULES) {
            if (rule.matches(method, segments)) return rule.permission();
        }
        return method.equals(GET) ? Permission.READ : Permission.ADMINISTER;
    }

    /** The path below the API's mount point ({@code /api/v1}). */
    private static String relativePath(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String mount = ctx.mountPoint();
        if (mount != null && !mount.isEmpty() && path.startsWith(mount)) {
            String rest = path.substring(mount.endsWith("/") ? mount.length() - 1 : mount.length());
            return rest.isEmpty() ? "/" : rest;
        }
        return path;
    }
}
