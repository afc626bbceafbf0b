package io.mcpstore.admin;

import io.mcpstore.catalog.Catalog;
import io.mcpstore.catalog.CatalogView;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.cluster.Replicas;
import io.mcpstore.config.AppConfig;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.security.AuditTrail;
import io.mcpstore.security.AuthGate;
import io.mcpstore.security.Principal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /tools}: the catalog as an endpoint shows it, and calls (one, or a batch) through the upstreams. */
final class ToolsApi extends Resource {
    private static final int MAX_BATCH = 100;

    private final Supplier<Catalog> catalogs;
    private final AuthGate gate;
    /** The same tool-call meters as the MCP endpoints', so the dashboard counts the console's calls too. */
    private final GatewayMetrics metrics;

    ToolsApi(AdminBus bus, CurrentConfig current, Supplier<Catalog> catalogs, AuthGate gate, GatewayMetrics metrics) {
        super(bus, current);
        this.catalogs = catalogs;
        this.gate = gate;
        this.metrics = metrics;
    }

    void list(RoutingContext ctx) {
        String app = ctx.queryParams().get("app");
        String q = ctx.queryParams().get("q");
        String text = q == null ? null : q.toLowerCase(Locale.ROOT);
        Principal principal = principal(ctx);
        CatalogView view = view(app, principal);
        JsonArray tools = new JsonArray();
        for (Object o : view.tools()) {
            JsonObject tool = (JsonObject) o;
            String name = tool.getString("name");
            if (!principal.mayUseTool(name)) continue;
            if (text != null
                    && !name.toLowerCase(Locale.ROOT).contains(text)
                    && !tool.getString("description", "")
                            .toLowerCase(Locale.ROOT)
                            .contains(text)) {
                continue;
            }
            CatalogView.Target target = view.tool(name);
            ServiceCatalog sc = target == null ? null : catalogs.get().service(target.service());
            JsonObject out = new JsonObject().put("name", name);
            if (target != null) out.put("service", target.service()).put("upstreamName", target.name());
            out.put("state", sc == null ? "unknown" : sc.state());
            tool.forEach(e -> {
                if (!e.getKey().equals("name")) out.put(e.getKey(), e.getValue());
            });
            tools.add(out);
        }
        AdminHttp.json(ctx, 200, new JsonObject().put("tools", tools));
    }

    void call(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Principal principal = principal(ctx);
        String app = body.getString("app");
        Call call = call(body, "", view(app, principal));
        Future<JsonObject> result = permitted(principal, call)
                .compose(v -> invoke(call))
                .andThen(ar -> audit(ctx, principal, app, call, ar));
        result.onFailure(e -> {
            if (e instanceof Problem p && p.extra.getValue("retryAfterSeconds") != null) {
                ctx.response().putHeader("Retry-After", String.valueOf(p.extra.getValue("retryAfterSeconds")));
            }
        });
        answer(ctx, result, 200);
    }

    /**
     * The tools {@code app} (null: every service) shows the principal, as the chat lab hands them to a model: {@code
     * {name, description, inputSchema}}. A principal that may not use the app gets the 403 a call would.
     */
    JsonArray offered(Principal principal, String app) {
        CatalogView view = view(app, principal);
        JsonArray out = new JsonArray();
        for (Object o : view.tools()) {
            JsonObject tool = (JsonObject) o;
            if (!principal.mayUseTool(tool.getString("name"))) continue;
            out.add(tool);
        }
        return out;
    }

    /**
     * One call as {@code POST /tools/call} makes it — the app's view, the principal's tool patterns and rate limit,
     * the audit entry — for the chat lab: the {@code CallToolResult}, or a failed future with the {@link Problem}.
     */
    Future<JsonObject> callAs(RoutingContext ctx, Principal principal, String app, String name, JsonObject args) {
        Call call;
        try {
            call = call(new JsonObject().put("name", name).put("arguments", args), "", view(app, principal));
        } catch (Problem p) {
            return Future.failedFuture(p);
        }
        return permitted(principal, call)
                .compose(v -> invoke(call))
                .andThen(ar -> audit(ctx, principal, app, call, ar));
    }

    /** Several calls: one group per service, all groups in parallel; results in the order given. */
    void batch(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Object calls = body.getValue("calls");
        if (!(calls instanceof JsonArray list))
            throw Problem.badRequest("calls", "must be a list of {name, arguments}");
        if (list.size() > MAX_BATCH) throw Problem.badRequest("calls", "at most " + MAX_BATCH + " calls per batch");
        Principal principal = principal(ctx);
        String app = body.getString("app");
        CatalogView view = view(app, principal);
        List<Future<JsonObject>> results = new ArrayList<>();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.getValue(i);
            try {
                if (!(item instanceof JsonObject c))
                    throw Problem.badRequest("calls[" + i + "]", "must be an object {name, arguments}");
                Call call = call(c, "calls[" + i + "].", view);
                groups.computeIfAbsent(call.service(), s -> new ArrayList<>()).add(i);
                results.add(permitted(principal, call)
                        .compose(v -> invoke(call))
                        .andThen(ar -> audit(ctx, principal, app, call, ar))
                        .map(result -> new JsonObject().put("result", result))
                        .recover(e -> Future.succeededFuture(errorItem(Problem.of(e)))));
            } catch (Problem p) {
                results.add(Future.succeededFuture(errorItem(p)));
            }
        }
        Future.join(results).onComplete(ar -> {
            JsonArray out = new JsonArray();
            for (int i = 0; i < results.size(); i++) {
                String name = list.getValue(i) instanceof JsonObject c ? c.getString("name") : null;
                out.add(results.get(i).result().put("index", i).put("name", name));
            }
            JsonObject grouping = new JsonObject();
            groups.forEach((s, idx) -> grouping.put(s, new JsonArray(new ArrayList<>(idx))));
            AdminHttp.json(ctx, 200, new JsonObject().put("results", out).put("services", grouping));
        });
    }

    /**
     * Whether the principal may call the tool (its tool patterns), and its bucket has a token: 403 naming the
     * missing permission, 429 with the seconds to wait.
     */
    private Future<Void> permitted(Principal principal, Call call) {
        if (!principal.mayUseTool(call.publicName())) {
            return Future.failedFuture(new Problem(
                    403,
                    "Permission denied: tool '" + call.publicName() + "' is not allowed for " + principal.subject(),
                    new JsonObject().put("error", "insufficient_scope")));
        }
        return gate.limiter().forTool(call.publicName()).compose(wait -> {
            if (wait > 0) {
                return Future.failedFuture(new Problem(
                        429,
                        "Rate limit exceeded for tool '" + call.publicName() + "': retry in " + wait + " s",
                        new JsonObject().put("retryAfterSeconds", wait)));
            }
            return Future.succeededFuture();
        });
    }

    /** One tool call's audit entry (never the argument values: their size only). */
    private void audit(RoutingContext ctx, Principal principal, String app, Call call, AsyncResult<JsonObject> ar) {
        String outcome;
        int status;
        if (ar.succeeded()) {
            status = 200;
            outcome = Boolean.TRUE.equals(ar.result().getValue("isError")) ? "tool_error" : "ok";
        } else {
            status = Problem.of(ar.cause()).status;
            outcome = switch (status) {
                case 403 -> "denied";
                case 429 -> "rate_limited";
                case 504 -> "timeout";
                default -> "error";
            };
        }
        ServiceConfig sc = current.get().services().get(call.service());
        JsonObject entry = AuditTrail.toolCall(
                        principal,
                        app,
                        call.publicName(),
                        call.service(),
                        outcome,
                        System.nanoTime() - call.startedNanos(),
                        call.arguments(),
                        sc != null && sc.auditArguments(),
                        ar.failed() ? ar.cause() : null)
                .put("status", status);
        if (ctx.request().remoteAddress() != null)
            entry.put("remote", ctx.request().remoteAddress().hostAddress());
        gate.audit().record(entry);
    }

    private CatalogView view(String app, Principal principal) {
        if (!principal.mayUse(app)) {
            throw new Problem(
                    403,
                    (app == null ? "the gateway's own endpoint (no app)" : "app '" + app + "'") + " is not allowed for "
                            + principal.subject(),
                    new JsonObject().put("error", "insufficient_scope"));
        }
        List<String> services = new ArrayList<>(current.get().services().keySet());
        if (app != null) {
            AppConfig a = current.get().apps().get(app);
            if (a == null) throw Problem.notFound("app '" + app + "' not found");
            services = a.services();
        }
        return CatalogView.build(catalogs.get(), services, current.get().naming());
    }

    private static JsonObject errorItem(Problem p) {
        JsonObject error = new JsonObject().put("status", p.status).put("message", p.getMessage());
        return new JsonObject().put("error", error.mergeIn(p.extra));
    }

    /** A call as the upstream gets it: its service, the upstream's tool name; {@code publicName} as the caller gave it. */
    private record Call(
            String service, String publicName, String name, JsonObject arguments, long timeoutMs, long startedNanos) {}

    private Call call(JsonObject body, String prefix, CatalogView view) {
        Object name = body.getValue("name");
        if (!(name instanceof String n) || n.isBlank())
            throw Problem.badRequest(prefix + "name", "is required: a tool name from GET /tools");
        Object args = body.getValue("arguments");
        if (args != null && !(args instanceof JsonObject))
            throw Problem.badRequest(prefix + "arguments", "must be an object");
        CatalogView.Target target = view.tool(n);
        if (target == null) {
            ServiceCatalog down = view.unavailableOwner(n);
            if (down != null) throw Problem.serviceDown(n, down.service(), down.state());
            throw Problem.unknownTool(n);
        }
        ServiceConfig sc = current.get().services().get(target.service());
        long timeout = sc == null ? ServiceConfig.DEFAULT_TIMEOUT_MS : sc.timeoutMs();
        return new Call(
                target.service(),
                n,
                target.name(),
                args == null ? new JsonObject() : (JsonObject) args,
                timeout,
                System.nanoTime());
    }

    /** The call's {@code CallToolResult}, or a {@link Problem} saying why there is none (see {@link Problem}). */
    private Future<JsonObject> invoke(Call call) {
        JsonObject body = new JsonObject()
                .put("method", "tools/call")
                .put("params", new JsonObject().put("name", call.name()).put("arguments", call.arguments()));
        ServiceConfig sc = current.get().services().get(call.service());
        // Whether it may go to another replica: only a clustered bus asks (no catalog scan alone).
        boolean retrySafe = false;
        if (bus.clustered()) {
            ServiceCatalog held = catalogs.get().service(call.service());
            retrySafe = Replicas.retrySafe(
                    sc == null ? null : sc.placement(),
                    McpMethods.TOOLS_CALL,
                    held == null ? null : held.toolAnnotations(call.name()));
        }
        long start = System.nanoTime();
        return bus.call(
                        call.service(),
                        body,
                        call.timeoutMs() + AdminBus.CALL_GRACE_MS,
                        sc == null ? null : sc.placement(),
                        retrySafe)
                .andThen(ar -> metrics.toolCall(call.service(), call.name(), outcome(ar), System.nanoTime() - start))
                .compose(reply -> {
                    JsonObject error = reply.getJsonObject("error");
                    if (error != null) {
                        return Future.failedFuture(Problem.upstreamError(call.publicName(), call.service(), error));
                    }
                    return Future.succeededFuture(reply.getJsonObject("result", new JsonObject()));
                });
    }

    /** As the MCP endpoints count a call: the upstream's answer (a tool error or not), a timeout, or a failure. */
    private static String outcome(AsyncResult<JsonObject> ar) {
        if (ar.succeeded()) {
            if (ar.result().getJsonObject("error") != null) return "failed";
            return Boolean.TRUE.equals(ar.result()
                            .getJsonObject("result", new JsonObject())
                            .getValue("isError"))
                    ? "tool_error"
                    : "ok";
        }
        return Problem.of(ar.cause()).status == 504 ? "timeout" : "failed";
    }
}
