package io.mcpstore.config;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the gateway's configuration, its revision number and the {@link ConfigStore} behind them. Answers {@code
 * mcpstore.config.get|update|revisions|revision|status}, one change at a time, and publishes every new revision —
 * its own, a hand edit of the file, another process's commit — on {@code mcpstore.config.changed}. While the store
 * is unreachable the last good config stays in force, writes fail with 503, and a probe catches up on return.
 */
public final class ConfigStoreVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStoreVerticle.class);
    private static final long PROBE_MS = 1_000;
    private static final int MAX_HISTORY = 1_000;

    private ConfigStore store;
    private StoreSettings settings;
    /** The start-up config: what the store's document is laid over (http and the like). */
    private JsonObject base;

    private long revision;
    private JsonObject document;
    private JsonObject current;

    private boolean up = true;
    private String storeError;
    private boolean refreshQueued;
    private long probeTimer = -1;
    /** Store calls run one after another. */
    private Future<?> last = Future.succeededFuture();

    @Override
    public Future<?> start() {
        base = GatewayConfig.fromJson(config().getJsonObject("config")).toJson();
        settings = StoreSettings.fromDeployment(
                config().getJsonObject("store", StoreSettings.memory().toJson()));
        store = switch (settings.type()) {
            case "postgres" -> new PostgresConfigStore(vertx, settings.url(), settings.schema());
            case "file" ->
                new FileConfigStore(vertx, Path.of(settings.file()), raw -> ConfigDocument.validate(base, raw));
            default -> new FileConfigStore(vertx, null, raw -> ConfigDocument.validate(base, raw));
        };
        JsonObject initial = ConfigDocument.of(base);
        // A new database is seeded from the file: its literal secrets go in sealed (the file itself is the user's).
        if ("postgres".equals(settings.type())) initial = ConfigDocument.sealDocument(initial);
        var bus = vertx.eventBus();
        return store.start(initial, this::changedOutside).compose(head -> {
            adopt(head.number(), head.document());
            if ("memory".equals(settings.type())) {
                LOG.info(
                        "Config store: memory, at revision {}: changes are kept until the gateway stops and nothing is"
                                + " written (start with --config FILE to keep them in that file)",
                        revision);
            } else {
                LOG.info("Config store: {} at revision {}", settings.describe().encode(), revision);
            }
            if ("postgres".equals(settings.type())) {
                probeTimer = vertx.setPeriodic(PROBE_MS, id -> changedOutside());
            }
            return Future.all(
                    bus.<JsonObject>consumer(Addresses.CONFIG_GET, m -> m.reply(snapshot()))
                            .completion(),
                    bus.<JsonObject>consumer(Addresses.CONFIG_UPDATE, m -> serially(m, this::update))
                            .completion(),
                    bus.<JsonObject>consumer(Addresses.CONFIG_REVISIONS, m -> serially(m, this::revisions))
                            .completion(),
                    bus.<JsonObject>consumer(Addresses.CONFIG_REVISION, m -> serially(m, this::revision))
                            .completion(),
                    bus.<JsonObject>consumer(Addresses.CONFIG_STATUS, m -> m.reply(status()))
                            .completion());
        });
    }

    @Override
    public Future<?> stop() {
        if (probeTimer >= 0) vertx.cancelTimer(probeTimer);
        return store == null ? Future.succeededFuture() : store.close();
    }

    private JsonObject snapshot() {
        return new JsonObject()
                .put("revision", revision)
                .put("source", config().getString("source"))
                .put("config", current)
                .put("document", document);
    }

    private JsonObject status() {
        JsonObject json = settings.describe().put("state", up ? "up" : "down").put("revision", revision);
        if (store.refused() != null) json.put("refused", store.refused());
        return storeError == null ? json : json.put("error", storeError);
    }

    private void serially(Message<JsonObject> m, Function<JsonObject, Future<JsonObject>> work) {
        Future<JsonObject> done = last.transform(ignored -> {
            try {
                return work.apply(m.body() == null ? new JsonObject() : m.body());
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        });
        last = done;
        done.onComplete(ar -> m.reply(ar.succeeded() ? ar.result() : error(ar.cause())));
    }

    /** A hand edit, a NOTIFY from another process, or the probe: read the head and adopt it if it is newer. */
    private void changedOutside() {
        if (refreshQueued) return;
        refreshQueued = true;
        Future<?> done = last.transform(ignored -> {
            refreshQueued = false;
            return store.head().andThen(this::track).compose(head -> {
                if (head.number() > revision) {
                    try {
                        ConfigDocument.validate(base, head.document());
                    } catch (ConfigException e) {
                        LOG.error(
                                "Config error in revision {}: {} — keeping revision {}",
                                head.number(),
                                e.getMessage(),
                                revision);
                        return Future.succeededFuture();
                    }
                    adopt(head.number(), head.document());
                    publish();
                }
                return Future.succeededFuture();
            });
        });
        last = done.recover(e -> Future.succeededFuture());
    }

    private void track(io.vertx.core.AsyncResult<?> ar) {
        if (ar.succeeded()) {
            if (!up) LOG.info("Config store: {} is reachable again", settings.type());
            up = true;
            storeError = null;
        } else if (ar.cause() instanceof StoreException e && e.kind() == StoreException.Kind.UNAVAILABLE) {
            if (up) LOG.error("Config store: {} — serving revision {} until it is back", e.getMessage(), revision);
            up = false;
            storeError = e.getMessage();
        }
    }

    private void adopt(long number, JsonObject doc) {
        revision = number;
        document = doc;
        current = GatewayConfig.fromJson(ConfigDocument.effective(base, doc)).toJson();
    }

    private void publish() {
        vertx.eventBus()
                .publish(
                        Addresses.CONFIG_CHANGED,
                        new JsonObject().put("revision", revision).put("config", current));
    }

    private Future<JsonObject> revisions(JsonObject request) {
        int limit = Math.max(1, Math.min(MAX_HISTORY, request.getInteger("limit", 100)));
        return store.history(limit).andThen(this::track).map(list -> {
            JsonArray out = new JsonArray();
            list.forEach(r -> out.add(r.toJson()));
            return new JsonObject().put("current", revision).put("revisions", out);
        });
    }

    private Future<JsonObject> revision(JsonObject request) {
        return store.revision(request.getLong("revision", 0L))
                .andThen(this::track)
                .map(r -> r.toJson().put("document", ConfigDocument.redactDocument(r.document())));
    }

    /** One change: applied to the current document, validated, committed as the next revision, published. */
    private Future<JsonObject> update(JsonObject request) {
        Long baseRevision = request.getLong("baseRevision");
        if (baseRevision != null && baseRevision != revision) {
            return Future.failedFuture(StoreException.conflict(baseRevision, revision));
        }
        return change(request).compose(next -> commit(request, next, baseRevision != null));
    }

    private Future<JsonObject> commit(JsonObject request, Change next, boolean conditional) {
        JsonObject validated = ConfigDocument.validate(base, next.document());
        if (validated.equals(document)) {
            return Future.succeededFuture(new JsonObject()
                    .put("revision", revision)
                    .put("changed", false)
                    .put("config", current));
        }
        return store.commit(revision, validated, next.summary())
                .andThen(this::track)
                .map(r -> {
                    adopt(r.number(), r.document());
                    publish();
                    return new JsonObject()
                            .put("revision", revision)
                            .put("changed", true)
                            .put("config", current);
                })
                .recover(e -> {
                    // Another process committed first: without a base revision from the client, redo on the newest.
                    if (!conditional && e instanceof StoreException s && s.kind() == StoreException.Kind.CONFLICT) {
                        return store.head().compose(head -> {
                            if (head.number() <= revision) return Future.failedFuture(e);
                            adopt(head.number(), head.document());
                            publish();
                            return change(request).compose(again -> commit(request, again, true));
                        });
                    }
                    return Future.failedFuture(e);
                });
    }

    private record Change(JsonObject document, String summary) {}

    private Future<Change> change(JsonObject request) {
        String op = request.getString("op", "");
        String name = request.getString("name");
        JsonObject doc = document.copy();
        JsonObject services = doc.getJsonObject("services", new JsonObject()).copy();
        JsonObject apps = doc.getJsonObject("apps", new JsonObject()).copy();
        doc.put("services", services).put("apps", apps);
        Object entryValue = request.getValue("entry");
        JsonObject entry = entryValue instanceof JsonObject e ? e : null;
        switch (op) {
            case "service.create", "service.put" -> {
                if (entry == null) throw new ConfigException("services." + name, "must be an object");
                if (op.equals("service.create") && services.containsKey(name)) {
                    return Future.failedFuture(
                            new StoreException(StoreException.Kind.CONFLICT, "service '" + name + "' already exists"));
                }
                ServiceConfig.fromJson(name, entry, "services." + name); // names the key before anything else
                JsonObject stored = ConfigDocument.accept(entry, services.getJsonObject(name), "services." + name);
                boolean existed = services.containsKey(name);
                services.put(name, stored);
                return Future.succeededFuture(
                        new Change(doc, (existed ? "service " + name + " changed" : "service " + name + " added")));
            }
            case "service.delete" -> {
                if (services.remove(name) == null) return notFound("service", name);
                return Future.succeededFuture(new Change(doc, "service " + name + " removed"));
            }
            case "service.enable" -> {
                JsonObject svc = services.getJsonObject(name);
                if (svc == null) return notFound("service", name);
                boolean enabled = request.getBoolean("enabled", true);
                services.put(name, svc.copy().put("enabled", enabled));
                return Future.succeededFuture(new Change(doc, "service " + name + (enabled ? " started" : " stopped")));
            }
            case "app.create", "app.put" -> {
                if (entry == null) throw new ConfigException("apps." + name, "must be an object");
                if (op.equals("app.create") && apps.containsKey(name)) {
                    return Future.failedFuture(
                            new StoreException(StoreException.Kind.CONFLICT, "app '" + name + "' already exists"));
                }
                boolean existed = apps.containsKey(name);
                apps.put(name, entry);
                return Future.succeededFuture(new Change(doc, "app " + name + (existed ? " changed" : " added")));
            }
            case "app.delete" -> {
                if (apps.remove(name) == null) return notFound("app", name);
                return Future.succeededFuture(new Change(doc, "app " + name + " removed"));
            }
            case "import" -> {
                JsonObject imported = request.getJsonObject("document", new JsonObject());
                GatewayConfig.TOP_KEYS.check(imported, "");
                boolean merge = "merge".equals(request.getString("mode"));
                for (String k : imported.fieldNames()) {
                    boolean revisable = ConfigDocument.REVISED.contains(k) || ConfigDocument.PASSED_THROUGH.contains(k);
                    if (!revisable) continue; // http, store: fixed at start-up
                    Object v = imported.getValue(k);
                    if (merge && v instanceof JsonObject o && doc.getValue(k) instanceof JsonObject existing) {
                        JsonObject merged = existing.copy();
                        o.forEach(e -> merged.put(e.getKey(), e.getValue()));
                        doc.put(k, merged);
                    } else {
                        doc.put(k, v);
                    }
                }
                if (!(doc.getValue("services") instanceof JsonObject importedServices)) {
                    return Future.succeededFuture(new Change(doc, "imported")); // validation names the problem
                }
                JsonObject unredacted = new JsonObject();
                for (String s : importedServices.fieldNames()) {
                    Object e = importedServices.getValue(s);
                    unredacted.put(
                            s,
                            e instanceof JsonObject o
                                    ? ConfigDocument.accept(
                                            o,
                                            document.getJsonObject("services", new JsonObject())
                                                    .getJsonObject(s),
                                            "services." + s)
                                    : e);
                }
                doc.put("services", unredacted);
                return Future.succeededFuture(new Change(doc, "imported" + (merge ? " (merged)" : "")));
            }
            case "rollback" -> {
                long to = request.getLong("revision", 0L);
                return store.revision(to)
                        .andThen(this::track)
                        .map(r -> new Change(r.document(), "rollback to revision " + to));
            }
            default -> throw new ConfigException("op", "unknown config operation '" + op + "'");
        }
    }

    private static <T> Future<T> notFound(String kind, String name) {
        return Future.failedFuture(
                new StoreException(StoreException.Kind.NOT_FOUND, kind + " '" + name + "' not found"));
    }

    /** A failure as the reply the admin API turns into a problem document. */
    static JsonObject error(Throwable e) {
        JsonObject error;
        if (e instanceof ConfigException c) {
            String rule = c.getMessage()
                    .substring(Math.min(c.getMessage().length(), c.key().length() + 2));
            error = new JsonObject()
                    .put("status", 400)
                    .put("detail", c.getMessage())
                    .put("field", c.key())
                    .put("rule", rule);
        } else if (e instanceof StoreException s) {
            error = new JsonObject().put("status", s.kind().status()).put("detail", s.getMessage());
        } else {
            LOG.error("Config store failure", e);
            error = new JsonObject().put("status", 500).put("detail", String.valueOf(e.getMessage()));
        }
        return new JsonObject().put("error", error);
    }
}
