package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.ConfigException;
import io.mcpstore.config.Secrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** {@code /config} and {@code /store}: the whole document, its revisions, rollback, export and import. */
final class ConfigApi extends Resource {
    private final ServiceRules rules;

    ConfigApi(AdminBus bus, CurrentConfig current, ServiceRules rules) {
        super(bus, current);
        this.rules = rules;
    }

    void get(RoutingContext ctx) {
        bus.request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS)
                .map(s -> new JsonObject()
                        .put("revision", s.getLong("revision"))
                        .put("document", ConfigDocument.redactDocument(s.getJsonObject("document"))))
                .onSuccess(out -> {
                    ctx.response().putHeader("ETag", "\"" + out.getLong("revision") + "\"");
                    AdminHttp.json(ctx, 200, out);
                })
                .onFailure(ctx::fail);
    }

    void revisions(RoutingContext ctx) {
        int limit;
        try {
            limit = Integer.parseInt(AdminHttp.query(ctx, "limit", "100"));
        } catch (NumberFormatException e) {
            throw Problem.badRequest("limit", "must be a whole number");
        }
        answer(
                ctx,
                bus.request(
                        Addresses.CONFIG_REVISIONS, new JsonObject().put("limit", limit), AdminBus.STORE_TIMEOUT_MS),
                200);
    }

    void revision(RoutingContext ctx) {
        answer(
                ctx,
                bus.request(
                        Addresses.CONFIG_REVISION,
                        new JsonObject().put("revision", revisionParam(ctx)),
                        AdminBus.STORE_TIMEOUT_MS),
                200);
    }

    /**
     * A rollback brings back services as a POST or PUT would, so it is held to the same rules: every service of the
     * target revision that differs from (or is missing in) the current document is checked.
     */
    void rollback(RoutingContext ctx) {
        long target = revisionParam(ctx);
        Future<JsonObject> then = bus.request(
                Addresses.CONFIG_REVISION, new JsonObject().put("revision", target), AdminBus.STORE_TIMEOUT_MS);
        Future<JsonObject> now = bus.request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS);
        Future.all(then, now)
                .compose(v -> {
                    JsonObject back = then.result()
                            .getJsonObject("document", new JsonObject())
                            .getJsonObject("services", new JsonObject());
                    JsonObject present = ConfigDocument.redactDocument(
                                    now.result().getJsonObject("document", new JsonObject()))
                            .getJsonObject("services", new JsonObject());
                    List<Future<Void>> checks = new ArrayList<>();
                    for (String name : back.fieldNames()) {
                        if (back.getValue(name) instanceof JsonObject entry && !entry.equals(present.getValue(name))) {
                            checks.add(rules.check(principal(ctx), current.get().security(), name, entry));
                        }
                    }
                    return Future.all(checks);
                })
                .onSuccess(
                        v -> update(ctx, new JsonObject().put("op", "rollback").put("revision", target), 200))
                .onFailure(ctx::fail);
    }

    void store(RoutingContext ctx) {
        answer(ctx, bus.request(Addresses.CONFIG_STATUS, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS), 200);
    }

    private static long revisionParam(RoutingContext ctx) {
        try {
            long n = Long.parseLong(ctx.pathParam("n"));
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw Problem.badRequest(
                    "revision", "must be a revision number (1 or more), got '" + ctx.pathParam("n") + "'");
        }
    }

    void export(RoutingContext ctx) {
        String format = AdminHttp.query(ctx, "format", "yaml");
        if (!format.equals("yaml") && !format.equals("json") && !format.equalsIgnoreCase("mcpServers")) {
            throw Problem.badRequest("format", "must be yaml, json or mcpServers, got '" + format + "'");
        }
        bus.request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS)
                .onFailure(ctx::fail)
                .onSuccess(state -> {
                    long revision = state.getLong("revision");
                    JsonObject doc = ConfigDocument.exportDocument(state.getJsonObject("document"));
                    ctx.response().putHeader("ETag", "\"" + revision + "\"");
                    switch (format) {
                        case "yaml" ->
                            ctx.response()
                                    .putHeader("Content-Type", "application/yaml")
                                    .end("# MCPStore config, revision " + revision + "\n"
                                            + (Secrets.exportsSealed()
                                                    ? "# Secrets are encrypted with this gateway's"
                                                            + " MCPSTORE_SECRET_KEY: import into a gateway with the"
                                                            + " same key.\n"
                                                    : "# Secrets are left out as '***' (no MCPSTORE_SECRET_KEY):"
                                                            + " an import keeps what the importing gateway stores"
                                                            + " for them.\n")
                                            + ConfigDocument.toYaml(doc));
                        case "json" -> AdminHttp.json(ctx, 200, doc);
                        default -> AdminHttp.json(ctx, 200, ConfigDocument.toMcpServers(doc));
                    }
                });
    }

    /** Our YAML or JSON (sections replace the current ones; {@code ?mode=merge} merges by name), or mcpServers. */
    void importConfig(RoutingContext ctx) {
        String text = ctx.body().asString();
        if (text == null || text.isBlank())
            throw Problem.badRequest("(body)", "is empty: send YAML, JSON or {\"mcpServers\": {...}}");
        JsonObject doc;
        try {
            doc = ConfigDocument.parseYaml(text);
        } catch (ConfigException e) {
            throw Problem.of(e);
        }
        String mode = ctx.queryParams().get("mode");
        if (mode != null && !mode.equals("merge") && !mode.equals("replace"))
            throw Problem.badRequest("mode", "must be merge or replace");
        JsonObject op = new JsonObject().put("op", "import");
        if (doc.containsKey("mcpServers") || doc.containsKey("servers")) {
            JsonObject services;
            try {
                services = ConfigDocument.fromMcpServers(doc);
            } catch (ConfigException e) {
                throw Problem.of(e);
            }
            op.put("document", new JsonObject().put("services", services)).put("mode", mode == null ? "merge" : mode);
        } else {
            op.put("document", doc).put("mode", mode == null ? "replace" : mode);
        }
        // An import creates and changes services as POST and PUT do, under the same rules.
        Object imported = op.getJsonObject("document").getValue("services");
        List<Future<Void>> checks = new ArrayList<>();
        if (imported instanceof JsonObject services) {
            for (String name : services.fieldNames()) {
                if (services.getValue(name) instanceof JsonObject entry) {
                    checks.add(rules.check(principal(ctx), current.get().security(), name, entry));
                }
            }
        }
        Future.all(checks).onSuccess(v -> update(ctx, op, 200)).onFailure(ctx::fail);
    }
}
