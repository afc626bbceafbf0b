package io.mcpstore.config;

import io.mcpstore.bus.Addresses;
import io.mcpstore.security.ApiKeys;
import io.mcpstore.security.Identities;
import io.mcpstore.security.Passwords;
import io.mcpstore.security.Role;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
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
    /** Credentials: a rollback or an import never changes them (a rollback must not bring back a revoked key). */
    static final List<String> IDENTITY_SECTIONS = List.of("users", "keys", "signing");

    private static final JsonObject SYSTEM =
            new JsonObject().put("subject", "system").put("kind", "system").put("role", "admin");

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
        return store.start(initial, this::changedOutside)
                .compose(head -> {
                    adopt(head.number(), head.document());
                    if ("memory".equals(settings.type())) {
                        LOG.info(
                                "Config store: memory, at revision {}: changes are kept until the gateway stops and nothing is"
                                        + " written (start with --config FILE to keep them in that file)",
                                revision);
                    } else {
                        LOG.info(
                                "Config store: {} at revision {}",
                                settings.describe().encode(),
                                revision);
                    }
                    if ("postgres".equals(settings.type())) {
                        probeTimer = vertx.setPeriodic(PROBE_MS, id -> changedOutside());
                    }
                    return ensureSigningKey();
                })
                .compose(ignored -> {
                    var bus = vertx.eventBus();
                    return Future.all(
                            this.<JsonObject>consumer(Addresses.CONFIG_GET, m -> m.reply(snapshot()))
                                    .completion(),
                            this.<JsonObject>consumer(Addresses.CONFIG_UPDATE, m -> serially(m, this::update))
                                    .completion(),
                            this.<JsonObject>consumer(Addresses.CONFIG_REVISIONS, m -> serially(m, this::revisions))
                                    .completion(),
                            this.<JsonObject>consumer(Addresses.CONFIG_REVISION, m -> serially(m, this::revision))
                                    .completion(),
                            this.<JsonObject>consumer(Addresses.CONFIG_STATUS, m -> m.reply(status()))
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
                .put("document", document)
                .put("identities", identities());
    }

    /**
     * What every router's authenticator needs, and the secret their signed {@code requestState}s are keyed with (the
     * signing key's when there is one; else one made at start, shared by every node of this store):
     * in-process and cluster-internal only, never an API answer.
     */
    private JsonObject identities() {
        JsonObject out = new JsonObject();
        for (String k : IDENTITY_SECTIONS) {
            out.put(k, document.getValue(k) instanceof JsonObject o ? o : new JsonObject());
        }
        return out.put("stateKey", STATE_KEY);
    }

    /** The request-state secret while the document has no signing key (security off): one per store process. */
    private static final String STATE_KEY = newStateKey();

    private static String newStateKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private boolean securityEnabled() {
        JsonObject security = base.getJsonObject("security");
        return security != null && security.getBoolean("enabled", false);
    }

    /**
     * With security on and no {@code security.jwtKey}, the gateway's JWTs are signed with a key generated once and kept
     * in the store, so that every node and every restart accepts them.
     */
    private Future<Void> ensureSigningKey() {
        boolean configured = base.getJsonObject("security", new JsonObject()).getString("jwtKey") != null;
        JsonObject signing = document.getJsonObject("signing");
        if (!securityEnabled() || configured || (signing != null && signing.getString("jwtKey") != null)) {
            return Future.succeededFuture();
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        JsonObject next = document.copy()
                .put(
                        "signing",
                        new JsonObject()
                                .put(
                                        "jwtKey",
                                        Base64.getUrlEncoder().withoutPadding().encodeToString(key)));
        return store.commit(revision, ConfigDocument.validate(base, next), "signing key generated")
                .andThen(this::track)
                .map(r -> {
                    adopt(r.number(), r.document());
                    audit(new JsonObject().put("op", "signing.create").put("actor", SYSTEM), null, null, null);
                    return (Void) null;
                })
                .recover(e -> {
                    // Another node generated one first: take it.
                    if (e instanceof StoreException s && s.kind() == StoreException.Kind.CONFLICT) {
                        return store.head().compose(head -> {
                            adopt(head.number(), head.document());
                            return ensureSigningKey();
                        });
                    }
                    return Future.failedFuture(e);
                });
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
                        new JsonObject()
                                .put("revision", revision)
                                .put("config", current)
                                .put("identities", identities()),
                        new DeliveryOptions().setLocalOnly(local()));
    }

    /**
     * In a cluster with a shared PostgreSQL store every node runs its own store verticle, which answers and tells
     * only its own node: the others hear of a change from the database (NOTIFY), not twice. Otherwise (one gateway,
     * or the one node that owns a file or memory store) the store serves the whole event bus.
     */
    private boolean local() {
        return config().getBoolean("local", false);
    }

    private <T> io.vertx.core.eventbus.MessageConsumer<T> consumer(
            String address, io.vertx.core.Handler<io.vertx.core.eventbus.Message<T>> handler) {
        var bus = vertx.eventBus();
        return local() ? bus.localConsumer(address, handler) : bus.consumer(address, handler);
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
                    .put("config", current)
                    .mergeIn(next.extra()));
        }
        JsonObject before = document;
        return store.commit(revision, validated, next.summary())
                .andThen(this::track)
                .map(r -> {
                    adopt(r.number(), r.document());
                    publish();
                    audit(request, next.target(), before, document);
                    return new JsonObject()
                            .put("revision", revision)
                            .put("changed", true)
                            .put("config", current)
                            .mergeIn(next.extra());
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

    /**
     * A change to commit: the whole next document, the revision's summary, what it changed ({@code target}, for the
     * audit log; null = the request's name) and what the reply adds ({@code user}, {@code key}).
     */
    private record Change(JsonObject document, String summary, String target, JsonObject extra) {
        Change(JsonObject document, String summary) {
            this(document, summary, null, new JsonObject());
        }
    }

    /**
     * The audit entry of a committed change: who (the op's {@code actor}), the op, its target and the changed entry
     * before and after, redacted (services' secrets, users' and keys' hashes never appear).
     */
    private void audit(JsonObject request, String target, JsonObject before, JsonObject after) {
        String op = request.getString("op", "");
        JsonObject actor = request.getValue("actor") instanceof JsonObject a ? a : null;
        JsonObject entry = new JsonObject()
                .put("at", Instant.now().toString())
                .put("kind", "admin")
                .put("who", actor == null ? "anonymous" : actor.getString("subject", "anonymous"))
                .put("via", actor == null ? "anonymous" : actor.getString("kind", "anonymous"))
                .put("role", actor == null ? Role.ADMIN.id() : actor.getString("role", Role.ADMIN.id()))
                .put("action", op)
                .put("outcome", "ok")
                .put("revision", revision);
        String name = target != null ? target : request.getString("name");
        if (name != null) entry.put("target", name);
        String section = switch (op.contains(".") ? op.substring(0, op.indexOf('.')) : "") {
            case "service" -> "services";
            case "app" -> "apps";
            case "user" -> "users";
            case "key" -> "keys";
            default -> null;
        };
        if (section != null && name != null) {
            JsonObject was = entryOf(before, section, name);
            JsonObject is = entryOf(after, section, name);
            if (was != null) entry.put("before", was);
            if (is != null) entry.put("after", is);
        }
        vertx.eventBus().send(Addresses.AUDIT_RECORD, entry);
    }

    private static JsonObject entryOf(JsonObject doc, String section, String name) {
        if (doc == null || !(doc.getValue(section) instanceof JsonObject entries)) return null;
        if (!(entries.getValue(name) instanceof JsonObject e)) return null;
        return switch (section) {
            case "services" -> Secrets.redact(e);
            case "users", "keys" -> Identities.withoutCredentials(e);
            default -> e.copy();
        };
    }

    /** {@code doc} with the current users, keys and signing key in place of its own. */
    private JsonObject withCurrentIdentities(JsonObject doc) {
        JsonObject out = doc.copy();
        for (String k : IDENTITY_SECTIONS) {
            if (document.getValue(k) != null) out.put(k, document.getValue(k));
            else out.remove(k);
        }
        return out;
    }

    private Future<Change> identityChange(
            String op, String name, JsonObject entry, JsonObject request, JsonObject doc) {
        JsonObject users = doc.getJsonObject("users", new JsonObject()).copy();
        JsonObject keys = doc.getJsonObject("keys", new JsonObject()).copy();
        doc.put("users", users).put("keys", keys);
        java.util.Set<String> apps = doc.getJsonObject("apps", new JsonObject()).fieldNames();
        JsonObject actor = request.getValue("actor") instanceof JsonObject a ? a : null;
        Instant now = Instant.now();
        switch (op) {
            case "user.put" -> {
                JsonObject old = name != null && users.getValue(name) instanceof JsonObject o ? o : null;
                if (old != null && request.getBoolean("create", false)) {
                    return Future.failedFuture(
                            new StoreException(StoreException.Kind.CONFLICT, "user '" + name + "' already exists"));
                }
                JsonObject stored = Identities.userEntry(name, entry, old, apps, now);
                if (old != null
                        && Role.ADMIN.id().equals(old.getString("role"))
                        && !Role.ADMIN.id().equals(stored.getString("role"))
                        && lastAdmin(users, name)) {
                    return Future.failedFuture(new StoreException(
                            StoreException.Kind.CONFLICT,
                            "user '" + name + "' is the last admin: make another user admin first"));
                }
                String password = entry.getString("password");
                Future<String> hash = password == null
                        ? Future.succeededFuture(old.getString("passwordHash"))
                        : Passwords.hash(vertx, password);
                return hash.map(h -> {
                    users.put(name, stored.put("passwordHash", h));
                    return new Change(
                            doc,
                            "user " + name + (old == null ? " added" : " changed"),
                            name,
                            new JsonObject().put("user", Identities.shownUser(name, stored)));
                });
            }
            case "user.delete" -> {
                Object old = name == null ? null : users.getValue(name);
                if (old == null) return notFound("user", name);
                if (old instanceof JsonObject o
                        && Role.ADMIN.id().equals(o.getString("role"))
                        && lastAdmin(users, name)) {
                    return Future.failedFuture(new StoreException(
                            StoreException.Kind.CONFLICT,
                            "user '" + name + "' is the last admin and cannot be deleted"));
                }
                users.remove(name);
                return Future.succeededFuture(new Change(doc, "user " + name + " removed"));
            }
            case "key.create" -> {
                String by = actor == null ? "anonymous" : actor.getString("subject", "anonymous");
                JsonObject stored = Identities.keyEntry(entry, apps, by, now);
                ApiKeys.Generated key = ApiKeys.generate();
                keys.put(key.id(), stored.copy().put("hash", key.hash()));
                JsonObject shown = Identities.shownKey(key.id(), stored);
                shown.remove("createdBy");
                shown.put("key", key.key());
                return Future.succeededFuture(new Change(
                        doc,
                        "key " + key.id() + " (" + stored.getString("name") + ") created",
                        key.id(),
                        new JsonObject().put("key", shown)));
            }
            case "key.delete" -> {
                if (name == null || keys.remove(name) == null) return notFound("key", name);
                return Future.succeededFuture(new Change(doc, "key " + name + " revoked"));
            }
            default -> throw new IllegalStateException(op);
        }
    }

    /** Whether no user but {@code name} has the admin role. */
    private static boolean lastAdmin(JsonObject users, String name) {
        for (String other : users.fieldNames()) {
            if (!other.equals(name)
                    && users.getValue(other) instanceof JsonObject o
                    && Role.ADMIN.id().equals(o.getString("role"))) {
                return false;
            }
        }
        return true;
    }

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
            case "user.put", "user.delete", "key.create", "key.delete" -> {
                return identityChange(op, name, entry, request, doc);
            }
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
                    if (IDENTITY_SECTIONS.contains(k)) {
                        // Credentials change only by their own ops; an export's (without hashes) is ignored.
                        Object v = imported.getValue(k);
                        if (v != null && !(v instanceof JsonObject) && !(v instanceof JsonArray)) {
                            throw new ConfigException(k, "must be a map or a list");
                        }
                        continue;
                    }
                    Object v = imported.getValue(k);
                    if (merge && v instanceof JsonObject o && doc.getValue(k) instanceof JsonObject existing) {
                        JsonObject merged = existing.copy();
                        o.forEach(e -> merged.put(e.getKey(), e.getValue()));
                        doc.put(k, merged);
                    } else {
                        doc.put(k, v);
                    }
                }
                // An exported chat key left out as *** keeps the stored one.
                if (doc.getValue("chat") instanceof JsonObject chat
                        && Secrets.REDACTED.equals(chat.getValue("apiKey"))) {
                    JsonObject stored = document.getJsonObject("chat", new JsonObject());
                    doc.put("chat", chat.copy().put("apiKey", stored.getValue("apiKey")));
                }
                if (!(doc.getValue("services") instanceof JsonObject importedServices)) {
                    return Future.succeededFuture(new Change(doc, request.getString("summary", "imported")));
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
                // A section's own API (the chat settings) names its change; a whole import says it was one.
                return Future.succeededFuture(
                        new Change(doc, request.getString("summary", "imported" + (merge ? " (merged)" : ""))));
            }
            case "rollback" -> {
                long to = request.getLong("revision", 0L);
                return store.revision(to)
                        .andThen(this::track)
                        .map(r -> new Change(withCurrentIdentities(r.document()), "rollback to revision " + to));
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
