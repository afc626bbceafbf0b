package io.mcpstore.admin;

import io.mcpstore.catalog.Catalog;
import io.mcpstore.catalog.CatalogView;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.config.AppConfig;
import io.mcpstore.config.ServiceConfig;
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

    ToolsApi(AdminBus bus, CurrentConfig current, Supplier<Catalog> catalogs) {
        super(bus, current);
        this.catalogs = catalogs;
    }

    void list(RoutingContext ctx) {
        String app = ctx.queryParams().get("app");
        String q = ctx.queryParams().get("q");
        String text = q == null ? null : q.toLowerCase(Locale.ROOT);
        CatalogView view = view(app);
        JsonArray tools = new JsonArray();
        for (Object o : view.tools()) {
            JsonObject tool = (JsonObject) o;
            String name = tool.getString("name");
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
        Call call = call(body, "", view(body.getString("app")));
        answer(ctx, invoke(call), 200);
    }

    /** Several calls: one group per service, all groups in parallel; results in the order given. */
    void batch(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Object calls = body.getValue("calls");
        if (!(calls instanceof JsonArray list))
            throw Problem.badRequest("calls", "must be a list of {name, arguments}");
        if (list.size() > MAX_BATCH) throw Problem.badRequest("calls", "at most " + MAX_BATCH + " calls per batch");
        CatalogView view = view(body.getString("app"));
        List<Future<JsonObject>> results = new ArrayList<>();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.getValue(i);
            try {
                if (!(item instanceof JsonObject c))
                    throw Problem.badRequest("calls[" + i + "]", "must be an object {name, arguments}");
                Call call = call(c, "calls[" + i + "].", view);
                groups.computeIfAbsent(call.service(), s -> new ArrayList<>()).add(i);
                results.add(invoke(call)
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

    private CatalogView view(String app) {
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
    private record Call(String service, String publicName, String name, JsonObject arguments, long timeoutMs) {}

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
                target.service(), n, target.name(), args == null ? new JsonObject() : (JsonObject) args, timeout);
    }

    /** The call's {@code CallToolResult}, or a {@link Problem} saying why there is none (see {@link Problem}). */
    private Future<JsonObject> invoke(Call call) {
        JsonObject body = new JsonObject()
                .put("method", "tools/call")
                .put("params", new JsonObject().put("name", call.name()).put("arguments", call.arguments()));
        return bus.upstream(call.service(), body, call.timeoutMs() + AdminBus.CALL_GRACE_MS)
                .compose(reply -> {
                    JsonObject error = reply.getJsonObject("error");
                    if (error != null) {
                        return Future.failedFuture(Problem.upstreamError(call.publicName(), call.service(), error));
                    }
                    return Future.succeededFuture(reply.getJsonObject("result", new JsonObject()));
                });
    }
}
