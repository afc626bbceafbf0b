package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.AsIsJsonCodec;
import io.mcpstore.bus.InputHold;
import io.mcpstore.catalog.Catalog;
import io.mcpstore.catalog.CatalogView;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.cluster.Replicas;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.protocol.InitializeParams;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.mcpstore.protocol.Stateless;
import io.mcpstore.security.AuditTrail;
import io.mcpstore.security.Principal;
import io.mcpstore.security.RateLimited;
import io.mcpstore.security.RateLimiter;
import io.mcpstore.security.ToolPatterns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the JSON-RPC requests of MCP clients, transport-agnostic: lists from this router's catalog copy, calls
 * routed over the bus to the upstream that owns the tool, resource or prompt. Lives on one router's event loop.
 */
final class McpDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(McpDispatcher.class);
    /** The bus timeout is a backstop behind the upstream's own per-call timeout, which answers first. */
    private static final long BUS_GRACE_MS = 5_000;
    /** The JSON-RPC error of a call to a tool the principal may not use. */
    static final int PERMISSION_DENIED = -32003;

    private final Vertx vertx;
    private final SessionStore sessions;
    private final Subscriptions subscriptions;
    private final GatewayMetrics metrics;
    private final boolean logWarnings;
    private final String version;
    private GatewayConfig config;
    private Catalog catalog = Catalog.EMPTY;
    private final Map<String, CatalogView> views = new HashMap<>();
    private RateLimiter limiter = RateLimiter.NONE;
    private AuditTrail audit = AuditTrail.NONE;
    private RequestStates states;
    /** The replicas of services when the gateway is clustered; null alone (calls take the plain address). */
    private final Replicas replicas;

    McpDispatcher(
            Vertx vertx,
            SessionStore sessions,
            GatewayConfig config,
            GatewayMetrics metrics,
            boolean logWarnings,
            String version) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.subscriptions = new Subscriptions(vertx);
        this.config = config;
        this.metrics = metrics;
        this.logWarnings = logWarnings;
        this.version = version;
        this.replicas = Replicas.of(vertx);
    }

    /** The per-tool buckets and the audit log of tool calls (none until set: security off). */
    void security(RateLimiter limiter, AuditTrail audit) {
        this.limiter = limiter;
        this.audit = audit;
    }

    /** Parameter → header name of the tools' {@code x-mcp-header} parameters, by service and upstream tool name. */
    private final Map<String, Map<String, String>> headerParams = new HashMap<>();

    /**
     * The {@code x-mcp-header} parameters of the public tool {@code name} on {@code endpoint} (SEP-2243): parameter
     * → header name; empty for a tool that has none or is unknown (the call then fails as it would).
     */
    Map<String, String> headerParams(Endpoint endpoint, String name) {
        CatalogView.Target target = view(endpoint).tool(name);
        if (target == null) return Map.of();
        return headerParams.computeIfAbsent(target.service() + "\u0000" + target.name(), k -> {
            ServiceCatalog sc = catalog.service(target.service());
            if (sc == null) return Map.of();
            for (Object o : sc.tools()) {
                if (!(o instanceof JsonObject tool) || !target.name().equals(tool.getString("name"))) continue;
                Map<String, String> out = new LinkedHashMap<>();
                JsonObject schema = tool.getValue("inputSchema") instanceof JsonObject i ? i : new JsonObject();
                JsonObject props = schema.getValue("properties") instanceof JsonObject p ? p : new JsonObject();
                for (String param : props.fieldNames()) {
                    if (props.getValue(param) instanceof JsonObject prop
                            && prop.getValue(Stateless.X_MCP_HEADER) instanceof String header
                            && !header.isBlank()) {
                        out.put(param, header);
                    }
                }
                return Map.copyOf(out);
            }
            return Map.of();
        });
    }

    /** The signer of the requestStates of held calls (2026 callers). */
    void states(RequestStates states) {
        this.states = states;
    }

    void config(GatewayConfig next) {
        this.config = next;
        views.clear();
        headerParams.clear();
    }

    GatewayConfig config() {
        return config;
    }

    void catalog(ServiceCatalog service) {
        catalog = catalog.with(service);
        headerParams.keySet().removeIf(k -> k.startsWith(service.service() + "\u0000"));
        // Only the views that show this service change; they are rebuilt when next asked for.
        views.values().removeIf(view -> view.covers(service.service()));
    }

    Catalog catalog() {
        return catalog;
    }

    CatalogView view(Endpoint endpoint) {
        return views.computeIfAbsent(endpoint.prefix(), p -> {
            CatalogView view = CatalogView.build(catalog, endpoint.services(), config.naming());
            if (logWarnings) view.warnings().forEach(w -> LOG.warn("{}: {}", endpoint.mcpPath(), w));
            return view;
        });
    }

    /** The {@code initialize} result for a client that asked for {@code requested}. */
    JsonObject initializeResult(String negotiated) {
        JsonObject capabilities = new JsonObject()
                .put("tools", new JsonObject().put("listChanged", true))
                .put("resources", new JsonObject().put("listChanged", true).put("subscribe", true))
                .put("prompts", new JsonObject().put("listChanged", true))
                .put("completions", new JsonObject())
                .put("logging", new JsonObject());
        return new JsonObject()
                .put("protocolVersion", negotiated)
                .put("capabilities", capabilities)
                .put("serverInfo", new JsonObject().put("name", "mcpstore").put("version", version))
                .put("instructions", "MCPStore gateway: the tools, resources and prompts of several MCP servers.");
    }

    /**
     * Opens the relay of a call once its service is known: the returned {@code {address, call}} travels with the
     * request so that the upstream can send what belongs to the call (progress, log messages, server→client
     * requests) back to its client.
     */
    interface Relay {
        JsonObject open(String service);
    }

    /** Answers one request; never fails: a failure becomes a JSON-RPC error response. */
    Future<JsonObject> answer(Endpoint endpoint, Session session, JsonObject request) {
        return answer(endpoint, Principal.ANONYMOUS, session, request, null);
    }

    Future<JsonObject> answer(Endpoint endpoint, Principal principal, Session session, JsonObject request) {
        return answer(endpoint, principal, session, request, null);
    }

    /**
     * The one place that guarantees an answer: whatever goes wrong in handling the request — a thrown exception
     * (an {@link McpException}, or a params value of the wrong JSON type met anywhere on the way) or a failed
     * future — becomes its JSON-RPC error (see {@link Errors#toError}).
     */
    Future<JsonObject> answer(
            Endpoint endpoint, Principal principal, Session session, JsonObject request, Relay relay) {
        Object id = request.getValue("id");
        Future<JsonObject> result;
        try {
            result = dispatch(
                    endpoint, new Caller(session, relay, principal), request.getString("method"), params(request));
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result.map(r -> JsonRpc.result(id, r)).otherwise(failure -> JsonRpc.error(id, Errors.toError(failure)));
    }

    /** The methods of the session era that the stateless revision removed: 404 + -32601 to a 2026 caller. */
    private static final java.util.Set<String> REMOVED = java.util.Set.of(
            McpMethods.INITIALIZE,
            McpMethods.PING,
            McpMethods.LOGGING_SET_LEVEL,
            McpMethods.RESOURCES_SUBSCRIBE,
            McpMethods.RESOURCES_UNSUBSCRIBE);

    /** The list methods whose results carry caching hints (SEP-2549), besides {@code resources/read}. */
    private static final java.util.Set<String> LISTS = java.util.Set.of(
            McpMethods.TOOLS_LIST,
            McpMethods.PROMPTS_LIST,
            McpMethods.RESOURCES_LIST,
            McpMethods.RESOURCES_TEMPLATES_LIST);

    /**
     * Answers one request of a stateless 2026-07-28 caller, its {@code _meta} already checked: {@code session} is
     * what the upstreams are told of the caller. Results carry {@code resultType}, lists and reads their caching
     * hints; a resource that is not there is -32602 (SEP-2164). Never fails.
     */
    Future<JsonObject> answerStateless(
            Endpoint endpoint, Principal principal, JsonObject session, JsonObject request, Relay relay) {
        Object id = request.getValue("id");
        String method = request.getString("method");
        Future<JsonObject> result;
        try {
            JsonObject params = params(request);
            if (REMOVED.contains(method)) {
                throw new McpException(
                        JsonRpc.METHOD_NOT_FOUND,
                        "Method not found: " + method + " is not part of protocol revision " + Stateless.VERSION);
            }
            result = Stateless.SERVER_DISCOVER.equals(method)
                    ? Future.succeededFuture(discoverResult())
                    : dispatch(endpoint, new Caller(null, relay, principal, session), method, params);
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result.map(r -> JsonRpc.result(id, shaped(endpoint, method, principal, r)))
                .otherwise(failure -> JsonRpc.error(id, statelessError(Errors.toError(failure))));
    }

    /** The field of each list method's items, as the catalog event names its caching hints. */
    private static final Map<String, String> LIST_FIELDS = Map.of(
            McpMethods.TOOLS_LIST, "tools",
            McpMethods.PROMPTS_LIST, "prompts",
            McpMethods.RESOURCES_LIST, "resources",
            McpMethods.RESOURCES_TEMPLATES_LIST, "resourceTemplates");

    /** {@code server/discover}: what {@code initialize} would say, for the stateless revision. */
    JsonObject discoverResult() {
        JsonObject init = initializeResult(Stateless.VERSION);
        JsonObject capabilities = init.getJsonObject("capabilities").copy();
        capabilities.remove("logging");
        List<String> versions = new ArrayList<>();
        versions.add(Stateless.VERSION);
        versions.addAll(ProtocolVersion.SUPPORTED);
        return new JsonObject()
                .put(Stateless.SUPPORTED_VERSIONS, new io.vertx.core.json.JsonArray(versions))
                .put("capabilities", capabilities)
                .put("instructions", init.getString("instructions"))
                .put("_meta", new JsonObject().put(Stateless.META_SERVER_INFO, init.getJsonObject("serverInfo")));
    }

    /** A 2026 result: {@code resultType} always, caching hints on lists and reads. */
    private JsonObject shaped(Endpoint endpoint, String method, Principal principal, JsonObject result) {
        if (!result.containsKey(Stateless.RESULT_TYPE)) result.put(Stateless.RESULT_TYPE, Stateless.COMPLETE);
        if (!Stateless.COMPLETE.equals(result.getString(Stateless.RESULT_TYPE))) return result;
        boolean personal = principal.kind() != Principal.Kind.ANONYMOUS;
        if (Stateless.SERVER_DISCOVER.equals(method)) {
            // The same for every caller of the endpoint (the schema wants the hints here too).
            result.put(Stateless.TTL_MS, config.stateless().listTtlMs()).put(Stateless.CACHE_SCOPE, "public");
        } else if (LISTS.contains(method)) {
            // The list a caller sees depends on who asks once some tools or apps are theirs only.
            boolean restricted = personal && (!principal.tools().all() || principal.apps() != null);
            // Each service's part of the list lives as long as its upstream's hint says (a 2026 upstream's), else
            // stateless.listTtlMs: the list as long as its shortest-lived part; private if any part is.
            long ttl = Long.MAX_VALUE;
            boolean upstreamPrivate = false;
            String field = LIST_FIELDS.get(method);
            for (String service : endpoint.services()) {
                ServiceCatalog sc = catalog.service(service);
                JsonObject hint = sc == null || sc.cacheHints() == null
                        ? null
                        : sc.cacheHints().getJsonObject(field);
                long part = hint != null && hint.getValue(Stateless.TTL_MS) instanceof Number n && n.longValue() >= 0
                        ? n.longValue()
                        : config.stateless().listTtlMs();
                ttl = Math.min(ttl, part);
                upstreamPrivate |= hint != null && "private".equals(hint.getValue(Stateless.CACHE_SCOPE));
            }
            if (ttl == Long.MAX_VALUE) ttl = config.stateless().listTtlMs();
            result.put(Stateless.TTL_MS, ttl)
                    .put(Stateless.CACHE_SCOPE, restricted || upstreamPrivate ? "private" : "public");
        } else if (McpMethods.RESOURCES_READ.equals(method)) {
            if (!(result.getValue(Stateless.TTL_MS) instanceof Number n) || n.longValue() < 0) {
                result.put(Stateless.TTL_MS, 0);
            }
            Object scope = result.getValue(Stateless.CACHE_SCOPE);
            // An upstream's "public" holds only where everyone may read it; behind security the gateway says private.
            if (personal || !("public".equals(scope) || "private".equals(scope))) {
                result.put(Stateless.CACHE_SCOPE, personal ? "private" : "public");
            }
        }
        return result;
    }

    /** Errors as the stateless revision spells them: a missing resource is -32602 with its URI (SEP-2164). */
    private static JsonObject statelessError(JsonObject error) {
        if (error.getInteger("code", 0) == JsonRpc.RESOURCE_NOT_FOUND) {
            return error.copy().put("code", JsonRpc.INVALID_PARAMS);
        }
        return error;
    }

    /**
     * Answers {@code initialize}, which the transports handle themselves because it makes a session: the params are
     * checked first, and {@code open} (which makes the session of them) runs only when they are well-formed. Never
     * throws: a failure is the answer's JSON-RPC error, and then no session was made.
     */
    JsonObject initialize(JsonObject request, Consumer<InitializeParams> open) {
        Object id = request.getValue("id");
        try {
            InitializeParams init = InitializeParams.from(request.getValue("params"));
            open.accept(init);
            return JsonRpc.result(id, initializeResult(init.negotiated()));
        } catch (RuntimeException e) {
            return JsonRpc.error(id, Errors.toError(e));
        }
    }

    /**
     * Who is calling: their session record (a 2025-era caller) or the bus session of a stateless 2026-07-28 caller
     * ({@code stateless}: its era, capabilities, clientInfo, logLevel), the relay for what the call sends back, and
     * who they are.
     */
    private record Caller(Session session, Relay relay, Principal principal, JsonObject stateless) {
        Caller(Session session, Relay relay, Principal principal) {
            this(session, relay, principal, null);
        }
    }

    private Future<JsonObject> dispatch(Endpoint endpoint, Caller session, String method, JsonObject params) {
        return switch (method) {
            case McpMethods.PING -> Future.succeededFuture(new JsonObject());
            case McpMethods.INITIALIZE ->
                Future.succeededFuture(
                        initializeResult(InitializeParams.from(params).negotiated()));
            case McpMethods.TOOLS_LIST -> tools(endpoint, session.principal(), params);
            case McpMethods.PROMPTS_LIST -> page(endpoint, CatalogView.Kind.PROMPTS, params);
            case McpMethods.RESOURCES_LIST -> page(endpoint, CatalogView.Kind.RESOURCES, params);
            case McpMethods.RESOURCES_TEMPLATES_LIST -> page(endpoint, CatalogView.Kind.RESOURCE_TEMPLATES, params);
            case McpMethods.TOOLS_CALL -> callTool(endpoint, session, params);
            case McpMethods.PROMPTS_GET -> {
                CatalogView.Target target = target(view(endpoint).prompt(name(params)), "prompt", name(params));
                yield call(target.service(), method, renamed(params, "name", target.name()), session);
            }
            case McpMethods.RESOURCES_READ -> call(resourceOwner(endpoint, uri(params)), method, params, session);
            case McpMethods.RESOURCES_SUBSCRIBE -> subscribe(endpoint, session, params);
            case McpMethods.RESOURCES_UNSUBSCRIBE -> unsubscribe(session, params);
            case McpMethods.COMPLETION_COMPLETE -> complete(endpoint, session, params);
            case McpMethods.LOGGING_SET_LEVEL -> setLevel(endpoint, session, params);
            default -> throw new McpException(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    /**
     * Keeps the session's level (log messages that reach it outside a call are filtered by it) and passes it on to
     * the endpoint's upstreams that log. Their connections are shared, so the latest level set wins there.
     */
    private Future<JsonObject> setLevel(Endpoint endpoint, Caller caller, JsonObject params) {
        String level = params.getString("level");
        if (level == null || !LogLevels.ORDER.contains(level)) {
            throw McpException.invalidParams("Invalid log level: '" + level + "'");
        }
        if (caller.session() != null) {
            sessions.update(caller.session().id(), s -> s.withLogLevel(level));
        }
        List<Future<JsonObject>> forwarded = new ArrayList<>();
        for (String service : endpoint.services()) {
            ServiceCatalog sc = catalog.service(service);
            if (sc != null && sc.available() && sc.capabilities().containsKey("logging")) {
                forwarded.add(call(
                                service,
                                McpMethods.LOGGING_SET_LEVEL,
                                params,
                                new Caller(caller.session(), null, caller.principal()))
                        .otherwise(new JsonObject()));
            }
        }
        return Future.join(forwarded).map(new JsonObject());
    }

    /**
     * Subscribes at the resource's owner and records it for the session, so that the owner's {@code
     * notifications/resources/updated} for the URI reaches the session's stream (and no other).
     */
    private Future<JsonObject> subscribe(Endpoint endpoint, Caller caller, JsonObject params) {
        String uri = uri(params);
        String session = sessionOf(caller, McpMethods.RESOURCES_SUBSCRIBE);
        String owner = resourceOwner(endpoint, uri);
        return call(owner, McpMethods.RESOURCES_SUBSCRIBE, params, caller).onSuccess(r -> {
            subscriptions.add(session, uri, owner);
            // The session ended while the owner answered: undone, so that the owner does not count it forever.
            if (sessions.get(session) == null) subscriptions.ended(session);
        });
    }

    /** Unsubscribes at the service the session subscribed at; a URI it never subscribed to is already done. */
    private Future<JsonObject> unsubscribe(Caller caller, JsonObject params) {
        String uri = uri(params);
        String service = subscriptions.remove(sessionOf(caller, McpMethods.RESOURCES_UNSUBSCRIBE), uri);
        if (service == null) return Future.succeededFuture(new JsonObject());
        return call(service, McpMethods.RESOURCES_UNSUBSCRIBE, params, caller);
    }

    private static String sessionOf(Caller caller, String method) {
        String id = caller.session() == null ? null : caller.session().id();
        if (id == null) {
            throw new McpException(
                    JsonRpc.INVALID_REQUEST, method + " needs a session: updates travel on the session's stream");
        }
        return id;
    }

    /** A page of a list, its items already encoded: the answer costs a copy of the page, not its serialization. */
    private Future<JsonObject> page(Endpoint endpoint, CatalogView.Kind kind, JsonObject params) {
        return Future.succeededFuture(view(endpoint).page(kind, cursor(params), config.pageSize()));
    }

    /** The tools list; a principal limited to some tools pages through theirs only (every other: the shared pages). */
    private Future<JsonObject> tools(Endpoint endpoint, Principal principal, JsonObject params) {
        ToolPatterns patterns = principal.tools();
        if (patterns.all()) return page(endpoint, CatalogView.Kind.TOOLS, params);
        return Future.succeededFuture(
                view(endpoint).toolsPage(patterns, patterns::allows, cursor(params), config.pageSize()));
    }

    private static String cursor(JsonObject params) {
        Object cursor = params.getValue("cursor");
        if (cursor != null && !(cursor instanceof String)) throw McpException.invalidParams("cursor must be a string");
        return (String) cursor;
    }

    private Future<JsonObject> callTool(Endpoint endpoint, Caller session, JsonObject params) {
        String name = name(params);
        Object args = params.getValue("arguments");
        if (args != null && !(args instanceof JsonObject)) {
            throw McpException.invalidParams("tools/call arguments must be an object");
        }
        Principal who = session.principal();
        if (!who.mayUseTool(name)) {
            recordRefusal(endpoint, who, name, "denied");
            throw new McpException(
                    PERMISSION_DENIED, "Permission denied: tool '" + name + "' is not allowed for " + who.subject());
        }
        return limiter.forTool(name).compose(wait -> {
            if (wait > 0) {
                recordRefusal(endpoint, who, name, "rate_limited");
                throw new McpException(
                        RateLimited.CODE,
                        "Rate limit exceeded: tool '" + name + "' takes no more calls now; retry in " + wait + " s",
                        new JsonObject().put("retryAfterSeconds", wait));
            }
            return callTool(endpoint, session, params, name, who, (JsonObject) args);
        });
    }

    private Future<JsonObject> callTool(
            Endpoint endpoint, Caller session, JsonObject params, String name, Principal who, JsonObject args) {
        CatalogView view = view(endpoint);
        CatalogView.Target target = view.tool(name);
        if (target == null) {
            ServiceCatalog down = view.unavailableOwner(name);
            if (down == null) throw McpException.invalidParams("Unknown tool: '" + name + "'");
            throw new McpException(
                    JsonRpc.CONNECTION_CLOSED,
                    "Tool '" + name + "' belongs to service '" + down.service() + "', which is unavailable: "
                            + down.state() + (down.error() == null ? "" : " (" + down.error() + ")"));
        }
        long start = System.nanoTime();
        return call(target.service(), McpMethods.TOOLS_CALL, renamed(params, "name", target.name()), session)
                .andThen(ar -> {
                    long nanos = System.nanoTime() - start;
                    metrics.toolCall(target.service(), target.name(), outcome(ar), nanos);
                    if (audit != AuditTrail.NONE) {
                        recordCall(endpoint, who, name, target.service(), args, ar, nanos);
                    }
                });
    }

    /** The audit entry of a tool call: who, where, the outcome, and the arguments' size (their values on opt-in). */
    private void recordCall(
            Endpoint endpoint,
            Principal who,
            String tool,
            String service,
            JsonObject args,
            io.vertx.core.AsyncResult<JsonObject> ar,
            long nanos) {
        String outcome = outcome(ar);
        ServiceConfig sc = config.services().get(service);
        audit.record(AuditTrail.toolCall(
                who,
                endpoint.app(),
                tool,
                service,
                "failed".equals(outcome) ? "error" : outcome,
                nanos,
                args,
                sc != null && sc.auditArguments(),
                ar.failed() ? ar.cause() : null));
    }

    private void recordRefusal(Endpoint endpoint, Principal who, String tool, String outcome) {
        JsonObject entry = AuditTrail.entry("tool", who, "tools/call", outcome).put("tool", tool);
        if (endpoint.app() != null) entry.put("app", endpoint.app());
        CatalogView.Target target = view(endpoint).tool(tool);
        if (target != null) entry.put("service", target.service());
        audit.record(entry);
    }

    private static String outcome(io.vertx.core.AsyncResult<JsonObject> ar) {
        if (ar.succeeded()) return ar.result().getBoolean("isError", false) ? "tool_error" : "ok";
        return ar.cause() instanceof McpException e && e.code() == JsonRpc.REQUEST_TIMEOUT ? "timeout" : "failed";
    }

    private Future<JsonObject> complete(Endpoint endpoint, Caller session, JsonObject params) {
        JsonObject ref = params.getJsonObject("ref");
        if (ref == null) throw McpException.invalidParams("completion/complete needs params.ref");
        String type = ref.getString("type");
        if ("ref/prompt".equals(type)) {
            String name = ref.getString("name");
            CatalogView.Target target = target(view(endpoint).prompt(name), "prompt", name);
            JsonObject upstreamRef = ref.copy().put("name", target.name());
            return call(target.service(), McpMethods.COMPLETION_COMPLETE, renamed(params, "ref", upstreamRef), session);
        }
        if ("ref/resource".equals(type)) {
            String owner = resourceOwner(endpoint, ref.getString("uri"));
            return call(owner, McpMethods.COMPLETION_COMPLETE, params, session);
        }
        throw McpException.invalidParams("Unknown completion reference type: '" + type + "'");
    }

    /** A request to the upstream verticle of {@code service}; its reply is the result or the upstream's error. */
    private Future<JsonObject> call(String service, String method, JsonObject params, Caller caller) {
        ServiceConfig sc = config.services().get(service);
        long timeout = (sc == null ? ServiceConfig.DEFAULT_TIMEOUT_MS : sc.timeoutMs()) + BUS_GRACE_MS;
        JsonObject body = new JsonObject().put("method", method).put("params", params);
        Session session = caller.session();
        if (session != null) {
            body.put("session", new JsonObject().put("id", session.id()).put("capabilities", session.capabilities()));
        }
        boolean held = caller.stateless() != null && HOLDABLE.contains(method);
        if (caller.stateless() != null) {
            body.put("session", caller.stateless())
                    .put(InputHold.TIMEOUT_MS, config.stateless().pendingTimeoutMs());
            if (held && RequestStates.isOurs(params.getValue(Stateless.REQUEST_STATE))) {
                RequestStates.Held state = states.verify(
                        params.getString(Stateless.REQUEST_STATE),
                        caller.principal().subject(),
                        System.currentTimeMillis());
                if (!state.service().equals(service)
                        || !state.method().equals(method)
                        || !String.valueOf(targetOf(params)).equals(state.target())) {
                    throw McpException.invalidParams(
                            "Invalid params: requestState rejected: it was issued for another request");
                }
                body.put("method", InputHold.RESUME)
                        .put(
                                "params",
                                new JsonObject()
                                        .put(InputHold.PENDING, state.pending())
                                        .put(InputHold.INPUT_RESPONSES, params.getValue(Stateless.INPUT_RESPONSES)));
            }
        }
        if (caller.relay() != null) body.put("relay", caller.relay().open(service));
        DeliveryOptions options = AsIsJsonCodec.options().setSendTimeout(timeout);
        boolean retry = replicas != null && retrySafe(sc, service, body.getString("method"), params);
        Future<Message<JsonObject>> sent = replicas == null
                ? vertx.eventBus().request(Addresses.upstream(service), body, options)
                : replicas.request(
                        service,
                        body,
                        options,
                        sc == null ? null : sc.placement().balance(),
                        retry);
        return sent.recover(
                        failure -> Future.failedFuture(busFailure(service, method, params, timeout, retry, failure)))
                .compose(reply -> {
                    String pending = held ? reply.body().getString(InputHold.PENDING) : null;
                    if (pending == null) return unwrap(reply);
                    // A call held at its upstream for the client's input: the client gets a signed name for it.
                    long expires =
                            System.currentTimeMillis() + config.stateless().pendingTimeoutMs();
                    String state = states.sign(
                            new RequestStates.Held(
                                    service,
                                    pending,
                                    caller.principal().subject(),
                                    method,
                                    String.valueOf(targetOf(params))),
                            expires);
                    return unwrap(reply).map(r -> r.put(Stateless.REQUEST_STATE, state));
                });
    }

    /** The methods a 2026 server may answer with {@code input_required} (SEP-2322). */
    private static final java.util.Set<String> HOLDABLE =
            java.util.Set.of(McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET, McpMethods.RESOURCES_READ);

    /** The upstream name a call is about: a tool's or prompt's name, a resource's URI. */
    private static Object targetOf(JsonObject params) {
        return params.containsKey("name") ? params.getValue("name") : params.getValue("uri");
    }

    private static Future<JsonObject> unwrap(Message<JsonObject> reply) {
        JsonObject body = reply.body();
        JsonObject error = body.getJsonObject("error");
        if (error != null) {
            return Future.failedFuture(new McpException(
                    error.getInteger("code", JsonRpc.INTERNAL_ERROR),
                    error.getString("message", "Upstream error"),
                    error.getValue("data")));
        }
        JsonObject result = body.getJsonObject("result");
        return Future.succeededFuture(result == null ? new JsonObject() : result);
    }

    /**
     * Whether a call that failed because its replica went away may go once to another replica: the service says
     * {@code retry: safe}, or the tool says it is read-only or idempotent, or the method only reads.
     */
    private boolean retrySafe(ServiceConfig sc, String service, String method, JsonObject params) {
        return Replicas.retrySafe(
                sc == null ? null : sc.placement(),
                method,
                McpMethods.TOOLS_CALL.equals(method) ? annotations(service, params.getString("name")) : null);
    }

    private JsonObject annotations(String service, String name) {
        ServiceCatalog sc = catalog.service(service);
        return sc == null ? null : sc.toolAnnotations(name);
    }

    private static Throwable busFailure(
            String service, String method, JsonObject params, long timeout, boolean retry, Throwable failure) {
        if (failure instanceof Replicas.ReplicaLost lost) {
            String why = lost.retried() || retry
                    ? ""
                    : McpMethods.TOOLS_CALL.equals(method)
                            ? "; not retried: tool '" + params.getString("name")
                                    + "' is not marked readOnlyHint or idempotentHint, and the service does not say"
                                    + " retry: safe"
                            : "; not retried: " + method + " is not safe to repeat, and the service does not say"
                                    + " retry: safe";
            return new McpException(
                    JsonRpc.CONNECTION_CLOSED,
                    "Service '" + service + "': " + lost.getMessage() + why,
                    new JsonObject().put("service", service).put("node", lost.node()));
        }
        if (failure instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
            return new McpException(JsonRpc.CONNECTION_CLOSED, "Service '" + service + "' is not running");
        }
        if (failure instanceof ReplyException e && e.failureType() == ReplyFailure.TIMEOUT) {
            return new McpException(
                    JsonRpc.REQUEST_TIMEOUT,
                    "Service '" + service + "' did not answer " + method + " within " + timeout + " ms");
        }
        return failure;
    }

    private String resourceOwner(Endpoint endpoint, String uri) {
        String owner = view(endpoint).resourceOwner(uri);
        if (owner == null) {
            throw new McpException(
                    JsonRpc.RESOURCE_NOT_FOUND, "Resource not found: " + uri, new JsonObject().put("uri", uri));
        }
        return owner;
    }

    private static CatalogView.Target target(CatalogView.Target target, String kind, String name) {
        if (target == null) throw McpException.invalidParams("Unknown " + kind + ": '" + name + "'");
        return target;
    }

    /** The request's params, their {@code _meta} checked: what every method may carry, read on several paths. */
    private static JsonObject params(JsonObject request) {
        Object params = request.getValue("params");
        if (params == null) return new JsonObject();
        if (!(params instanceof JsonObject p)) throw McpException.invalidParams("params must be an object");
        Object meta = p.getValue("_meta");
        if (meta != null && !(meta instanceof JsonObject)) throw McpException.invalidParams("_meta must be an object");
        Object token = meta == null ? null : ((JsonObject) meta).getValue("progressToken");
        if (token != null && !(token instanceof String || token instanceof Integer || token instanceof Long)) {
            throw McpException.invalidParams("_meta.progressToken must be a string or an integer");
        }
        return p;
    }

    private static String name(JsonObject params) {
        Object name = params.getValue("name");
        if (!(name instanceof String s) || s.isEmpty())
            throw McpException.invalidParams("params.name must be a string");
        return s;
    }

    private static String uri(JsonObject params) {
        Object uri = params.getValue("uri");
        if (!(uri instanceof String s) || s.isEmpty()) throw McpException.invalidParams("params.uri must be a string");
        return s;
    }

    /** A shallow copy with one field replaced: arguments travel on untouched. */
    private static JsonObject renamed(JsonObject params, String field, Object value) {
        return new JsonObject(new LinkedHashMap<>(params.getMap())).put(field, value);
    }
}
