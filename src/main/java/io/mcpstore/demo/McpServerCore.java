package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The server side of one MCP connection, independent of transport: the tools, resources, templates and prompts it
 * offers, and the dispatch of each incoming JSON-RPC message to them. A transport feeds messages to
 * {@link #handle} and writes what comes back; out-of-band notifications go to the {@link #onNotification sink}.
 *
 * <p>It speaks the {@link Eras eras} it is told to: 2025-11-25 sessions ({@code initialize}, then requests that rely
 * on what it negotiated), 2026-07-28 requests that carry everything in their own {@code _meta}
 * ({@link #handleStateless}), or both. The features are the same in both eras; what differs is only the envelope:
 * how a handler's questions reach the client (server→client requests or {@code input_required} rounds), where
 * notifications go (the session's stream or {@code subscriptions/listen} streams), which log level applies.
 *
 * <p>Thread-safe: a transport may handle several requests at once, and tools may be added while it runs.
 */
public final class McpServerCore {
    private static final int MAX_COMPLETIONS = 100;
    /** Caching hints (SEP-2549) on 2026-07-28 list and read results: the same for every caller, short-lived. */
    static final long TTL_MS = 2000;

    static final String CACHE_SCOPE = "public";

    /** 2026-07-28 methods whose results carry caching hints. */
    private static final Set<String> CACHEABLE = Set.of(
            Stateless.SERVER_DISCOVER,
            McpMethods.TOOLS_LIST,
            McpMethods.PROMPTS_LIST,
            McpMethods.RESOURCES_LIST,
            McpMethods.RESOURCES_TEMPLATES_LIST,
            McpMethods.RESOURCES_READ);

    private final String name;
    private final String version;
    private String instructions;
    private int pageSize = 50;

    // Guarded by this; LinkedHashMaps keep lists in registration order so pages are stable.
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<String, ResourceTemplate> templates = new LinkedHashMap<>();
    private final Map<String, Prompt> prompts = new LinkedHashMap<>();

    /** Requests in flight by JSON-RPC id, so that {@code notifications/cancelled} can drop their answer. */
    private final Map<Object, CompletableFuture<JsonObject>> inFlight = new ConcurrentHashMap<>();

    /** Our own requests to the client (sampling, elicitation, roots) awaiting its answer, by JSON-RPC id. */
    private final Map<String, CompletableFuture<JsonObject>> awaitingClient = new ConcurrentHashMap<>();

    private final AtomicLong nextRequestId = new AtomicLong();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();

    private volatile Consumer<JsonObject> notificationSink = m -> {};
    private volatile String protocolVersion;
    private volatile LogLevel logLevel = LogLevel.INFO;
    private volatile JsonObject clientCapabilities = new JsonObject();
    private volatile Eras eras = Eras.V2025;
    private final RequestStateSeal seal = new RequestStateSeal();
    private final ListenStreams listenStreams = new ListenStreams();

    public McpServerCore(String name, String version) {
        this.name = name;
        this.version = version;
    }

    public McpServerCore instructions(String instructions) {
        this.instructions = instructions;
        return this;
    }

    /** How many items one page of a list result holds. */
    public McpServerCore pageSize(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.pageSize = pageSize;
        return this;
    }

    /** Which eras this server speaks; {@link Eras#V2025} (sessions only) unless told otherwise. */
    public McpServerCore eras(Eras value) {
        this.eras = value;
        return this;
    }

    public Eras eras() {
        return eras;
    }

    /** Where notifications that belong to no request go (list changes, for instance). */
    public McpServerCore onNotification(Consumer<JsonObject> sink) {
        this.notificationSink = sink == null ? m -> {} : sink;
        return this;
    }

    public String name() {
        return name;
    }

    /** The version agreed in {@code initialize}, or {@code null} before it. */
    public String protocolVersion() {
        return protocolVersion;
    }

    public synchronized McpServerCore addTool(Tool tool) {
        tools.put(tool.name(), tool);
        return this;
    }

    public synchronized boolean hasTool(String toolName) {
        return tools.containsKey(toolName);
    }

    /** Removes a tool; true when there was one by that name. */
    public synchronized boolean removeTool(String toolName) {
        return tools.remove(toolName) != null;
    }

    /** The input schema of a tool, or null when there is none by that name (for header checks, SEP-2243). */
    public synchronized JsonObject toolInputSchema(String toolName) {
        Tool tool = tools.get(toolName);
        return tool == null ? null : tool.inputSchema().copy();
    }

    public synchronized McpServerCore addResource(Resource resource) {
        resources.put(resource.uri(), resource);
        return this;
    }

    public synchronized McpServerCore addResourceTemplate(ResourceTemplate template) {
        templates.put(template.uriTemplate(), template);
        return this;
    }

    public synchronized McpServerCore addPrompt(Prompt prompt) {
        prompts.put(prompt.name(), prompt);
        return this;
    }

    /** Removes a prompt; true when there was one by that name. */
    public synchronized boolean removePrompt(String promptName) {
        return prompts.remove(promptName) != null;
    }

    /**
     * Sends a notification out of band, for instance {@code notifications/tools/list_changed}: to the session (once
     * one is initialized, or always when only sessions are spoken) and to every listen stream that asked for it.
     */
    public void notify(String method, JsonObject params) {
        if (eras == Eras.V2025 || (eras.sessions() && protocolVersion != null)) {
            notificationSink.accept(JsonRpc.notification(method, params));
        }
        listenStreams.deliver(method, params);
    }

    /** The capabilities the client declared in {@code initialize} (empty before it). */
    public JsonObject clientCapabilities() {
        return clientCapabilities;
    }

    /** Whether a client subscribed to {@code uri} ({@code resources/subscribe}, or a listen stream naming it). */
    public boolean subscribed(String uri) {
        return subscriptions.contains(uri) || listenStreams.watches(uri);
    }

    /** Tells subscribed clients that {@code uri} changed ({@code notifications/resources/updated}). */
    public void resourceUpdated(String uri) {
        JsonObject params = new JsonObject().put("uri", uri);
        if (subscriptions.contains(uri)) {
            notificationSink.accept(JsonRpc.notification(McpMethods.NOTIFICATIONS_RESOURCES_UPDATED, params));
        }
        listenStreams.deliver(McpMethods.NOTIFICATIONS_RESOURCES_UPDATED, params);
    }

    /**
     * Sends a request to the client through {@code channel} (the transport's stream for the request being served)
     * and completes with the client's result; a JSON-RPC error from the client fails it with an {@link McpException}.
     */
    CompletableFuture<JsonObject> requestClient(String method, JsonObject params, Consumer<JsonObject> channel) {
        String id = "server-" + nextRequestId.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        awaitingClient.put(id, answer);
        answer.whenComplete((r, e) -> awaitingClient.remove(id));
        channel.accept(JsonRpc.request(id, method, params));
        return answer;
    }

    boolean logs(LogLevel level) {
        return level.compareTo(logLevel) >= 0;
    }

    /** Same as {@link #handle(JsonObject, Consumer)}, with request-related notifications sent out of band. */
    public CompletableFuture<JsonObject> handle(JsonObject message) {
        return handle(message, m -> notificationSink.accept(m));
    }

    /**
     * Handles one incoming message. Completes with the response for a request, or with {@code null} when nothing is
     * to be sent back (notifications, responses, cancelled requests). Never completes exceptionally.
     *
     * @param related receives notifications that belong to this request (progress, log messages)
     */
    public CompletableFuture<JsonObject> handle(JsonObject message, Consumer<JsonObject> related) {
        return handle(message, related, () -> {});
    }

    /**
     * Same as {@link #handle(JsonObject, Consumer)}; {@code closeStream} ends the transport's stream for this request
     * without ending the request (a Streamable HTTP server then delivers the rest when the client resumes).
     */
    public CompletableFuture<JsonObject> handle(
            JsonObject message, Consumer<JsonObject> related, Runnable closeStream) {
        if (JsonRpc.isRequest(message) && isStateless(message)) {
            return handleStateless(message, related, closeStream, new CompletableFuture<>());
        }
        if (JsonRpc.isNotification(message)) {
            onClientNotification(message);
            return CompletableFuture.completedFuture(null);
        }
        if (JsonRpc.isResponse(message)) {
            onClientResponse(message);
            return CompletableFuture.completedFuture(null);
        }
        return serve(message, (id, method, params) -> dispatch(id, method, params, related, closeStream));
    }

    /**
     * Handles one 2026-07-28 request: its {@code _meta} envelope is checked (-32602, -32022), removed methods are
     * -32601, and the result carries {@code resultType}, the server's identity and, for lists and reads, caching
     * hints. {@code gone} completes when the client can no longer receive anything (its connection closed); it ends
     * a {@code subscriptions/listen} stream. Notifications and responses are handled as {@link #handle} does.
     */
    public CompletableFuture<JsonObject> handleStateless(
            JsonObject message, Consumer<JsonObject> related, Runnable closeStream, CompletableFuture<Void> gone) {
        if (!JsonRpc.isRequest(message)) {
            return handle(message, related, closeStream);
        }
        return serve(message, (id, method, params) -> {
            if (!eras.stateless()) {
                throw new McpException(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
            }
            if (McpMethods.INITIALIZE.equals(method)) {
                // A 2025 client's handshake, envelope or not: tell it plainly which revision this is.
                throw new McpException(
                        JsonRpc.METHOD_NOT_FOUND,
                        "Method not found: initialize (this server speaks only " + Stateless.VERSION
                                + ": send server/discover)");
            }
            McpException problem = StatelessRequest.envelopeProblem(params, eras.versions(), null);
            if (problem != null) {
                throw problem;
            }
            return dispatchStateless(id, method, params, related, closeStream, gone)
                    .thenApply(result -> decorate(method, result));
        });
    }

    /**
     * Why a 2026-07-28 request's envelope is not acceptable (missing {@code _meta} keys -32602, a {@code headerVersion}
     * that differs from the {@code _meta} one -32020, an unsupported version -32022), or null: for transports that
     * check it before {@link #handleStateless} to answer with their own status (HTTP 400).
     */
    public McpException envelopeProblem(JsonObject params, String headerVersion) {
        return StatelessRequest.envelopeProblem(params, eras.versions(), headerVersion);
    }

    /** Whether a request is of the stateless era: by its envelope when both eras are spoken. */
    private boolean isStateless(JsonObject request) {
        return switch (eras) {
            case V2025 -> false;
            case V2026 -> true;
            case BOTH -> {
                JsonObject params = request.getValue("params") instanceof JsonObject p ? p : new JsonObject();
                JsonObject meta = params.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
                String method = String.valueOf(request.getValue("method"));
                yield meta.containsKey(Stateless.META_PROTOCOL_VERSION)
                        || method.equals(Stateless.SERVER_DISCOVER)
                        || method.equals(Stateless.SUBSCRIPTIONS_LISTEN);
            }
        };
    }

    @FunctionalInterface
    private interface Dispatch {
        CompletableFuture<JsonObject> apply(Object id, String method, JsonObject params);
    }

    /** Checks the JSON-RPC shape, runs {@code dispatch}, tracks the request for cancellation, maps failures. */
    private CompletableFuture<JsonObject> serve(JsonObject message, Dispatch dispatch) {
        Object id = message.getValue("id");
        if (!JsonRpc.isRequest(message)
                || !JsonRpc.VERSION.equals(message.getValue("jsonrpc"))
                || !(message.getValue("method") instanceof String)) {
            return CompletableFuture.completedFuture(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Invalid request"));
        }
        String method = message.getString("method");
        JsonObject params = message.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        CompletableFuture<JsonObject> result;
        try {
            result = dispatch.apply(id, method, params);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<JsonObject> tracked = result;
        inFlight.put(id, tracked);
        return result.handle((value, failure) -> {
            if (inFlight.remove(id, tracked) || !tracked.isCancelled()) {
                return failure == null ? JsonRpc.result(id, value) : toError(id, failure);
            }
            return null; // cancelled by the client: the spec says not to answer
        });
    }

    /** The client's answer to one of our requests; an answer nobody awaits (unknown or late) is dropped. */
    private void onClientResponse(JsonObject message) {
        CompletableFuture<JsonObject> answer = awaitingClient.remove(String.valueOf(message.getValue("id")));
        if (answer == null) {
            return;
        }
        JsonObject error = message.getJsonObject("error");
        if (error != null) {
            answer.completeExceptionally(new McpException(
                    error.getInteger("code", JsonRpc.INTERNAL_ERROR), error.getString("message", "client error")));
        } else {
            answer.complete(message.getJsonObject("result", new JsonObject()));
        }
    }

    private void onClientNotification(JsonObject message) {
        if (McpMethods.NOTIFICATIONS_CANCELLED.equals(message.getString("method"))) {
            JsonObject params = message.getJsonObject("params", new JsonObject());
            CompletableFuture<JsonObject> call = inFlight.remove(params.getValue("requestId"));
            if (call != null) {
                call.cancel(false);
            }
        }
    }

    private static JsonObject toError(Object id, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof McpException e) {
            return JsonRpc.error(id, e.toError());
        }
        return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "Internal error: " + cause);
    }

    private CompletableFuture<JsonObject> dispatch(
            Object id, String method, JsonObject params, Consumer<JsonObject> related, Runnable closeStream) {
        return switch (method) {
            case McpMethods.INITIALIZE -> done(initialize(params));
            case McpMethods.PING -> done(new JsonObject());
            case McpMethods.TOOLS_LIST ->
                done(Pagination.page("tools", snapshot(tools, Tool::describe), params, pageSize));
            case McpMethods.TOOLS_CALL -> callTool(id, params, related, closeStream, null);
            case McpMethods.RESOURCES_LIST ->
                done(Pagination.page("resources", snapshot(resources, Resource::describe), params, pageSize));
            case McpMethods.RESOURCES_TEMPLATES_LIST ->
                done(Pagination.page(
                        "resourceTemplates", snapshot(templates, ResourceTemplate::describe), params, pageSize));
            case McpMethods.RESOURCES_READ -> done(readResource(requiredString(params, "uri"), false));
            case McpMethods.RESOURCES_SUBSCRIBE -> done(subscribe(requiredString(params, "uri"), true));
            case McpMethods.RESOURCES_UNSUBSCRIBE -> done(subscribe(requiredString(params, "uri"), false));
            case McpMethods.PROMPTS_LIST ->
                done(Pagination.page("prompts", snapshot(prompts, Prompt::describe), params, pageSize));
            case McpMethods.PROMPTS_GET -> getPrompt(id, params, related, closeStream, null);
            case McpMethods.COMPLETION_COMPLETE -> done(complete(params));
            case McpMethods.LOGGING_SET_LEVEL -> done(setLevel(params));
            default -> throw new McpException(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    /** The methods of 2026-07-28: initialize, ping, logging/setLevel and resources/(un)subscribe are gone. */
    private CompletableFuture<JsonObject> dispatchStateless(
            Object id,
            String method,
            JsonObject params,
            Consumer<JsonObject> related,
            Runnable closeStream,
            CompletableFuture<Void> gone) {
        return switch (method) {
            case Stateless.SERVER_DISCOVER -> done(discover());
            case Stateless.SUBSCRIPTIONS_LISTEN -> listenStreams.listen(id, params, related, gone);
            case McpMethods.TOOLS_LIST ->
                done(Pagination.page("tools", snapshot(tools, Tool::describe), params, pageSize));
            case McpMethods.TOOLS_CALL ->
                callTool(id, params, related, closeStream, stateless(method, params.getValue("name"), params));
            case McpMethods.RESOURCES_LIST ->
                done(Pagination.page("resources", snapshot(resources, Resource::describe), params, pageSize));
            case McpMethods.RESOURCES_TEMPLATES_LIST ->
                done(Pagination.page(
                        "resourceTemplates", snapshot(templates, ResourceTemplate::describe), params, pageSize));
            case McpMethods.RESOURCES_READ -> done(readResource(requiredString(params, "uri"), true));
            case McpMethods.PROMPTS_LIST ->
                done(Pagination.page("prompts", snapshot(prompts, Prompt::describe), params, pageSize));
            case McpMethods.PROMPTS_GET ->
                getPrompt(id, params, related, closeStream, stateless(method, params.getValue("name"), params));
            case McpMethods.COMPLETION_COMPLETE -> done(complete(params));
            default -> throw new McpException(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    private StatelessRequest stateless(String method, Object name, JsonObject params) {
        return StatelessRequest.of(method, String.valueOf(name), params, seal);
    }

    /** What every 2026-07-28 result carries besides its content. */
    private JsonObject decorate(String method, JsonObject result) {
        JsonObject decorated = result == null ? new JsonObject() : result;
        if (!decorated.containsKey(Stateless.RESULT_TYPE)) {
            decorated.put(Stateless.RESULT_TYPE, Stateless.COMPLETE);
        }
        if (CACHEABLE.contains(method) && !decorated.containsKey(Stateless.TTL_MS)) {
            decorated.put(Stateless.TTL_MS, TTL_MS).put(Stateless.CACHE_SCOPE, CACHE_SCOPE);
        }
        JsonObject meta = decorated.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
        decorated.put("_meta", meta.put(Stateless.META_SERVER_INFO, serverInfo()));
        return decorated;
    }

    private JsonObject serverInfo() {
        return new JsonObject().put("name", name).put("version", version);
    }

    private JsonObject capabilities() {
        JsonObject listChanged = new JsonObject().put("listChanged", true);
        return new JsonObject()
                .put("tools", listChanged.copy())
                .put("resources", listChanged.copy().put("subscribe", true))
                .put("prompts", listChanged.copy())
                .put("completions", new JsonObject())
                .put("logging", new JsonObject());
    }

    private JsonObject discover() {
        JsonObject result = new JsonObject()
                .put(Stateless.SUPPORTED_VERSIONS, new JsonArray(List.copyOf(eras.versions())))
                .put("capabilities", capabilities());
        return instructions == null ? result : result.put("instructions", instructions);
    }

    /**
     * For a 2026-07-28 request: ends with {@code input_required} as soon as the handler waits for an answer the
     * client has not given yet, else with the handler's own outcome.
     */
    private <T> CompletableFuture<T> rounds(
            CompletableFuture<T> handler, StatelessRequest stateless, String method, String itemName) {
        if (stateless == null) {
            return handler;
        }
        CompletableFuture<T> outcome = new CompletableFuture<>();
        handler.whenComplete((value, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else {
                outcome.complete(value);
            }
        });
        stateless.onBlocked(() ->
                outcome.completeExceptionally(new InputRequired(stateless.inputRequired(method, itemName, seal))));
        return outcome;
    }

    /** Carries an {@code input_required} result past handlers that map their own failures. */
    private static final class InputRequired extends RuntimeException {
        final JsonObject result;

        InputRequired(JsonObject result) {
            super("input required", null, false, false);
            this.result = result;
        }
    }

    private static <T> CompletableFuture<JsonObject> finish(
            CompletableFuture<T> outcome, java.util.function.Function<T, JsonObject> complete) {
        return outcome.handle((value, failure) -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    if (cause instanceof InputRequired required) {
                        return CompletableFuture.completedFuture(required.result);
                    }
                    return cause == null
                            ? CompletableFuture.completedFuture(complete.apply(value))
                            : CompletableFuture.<JsonObject>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }

    private static CompletableFuture<JsonObject> done(JsonObject result) {
        return CompletableFuture.completedFuture(result);
    }

    private synchronized <T> List<JsonObject> snapshot(
            Map<String, T> items, java.util.function.Function<T, JsonObject> describe) {
        List<JsonObject> list = new ArrayList<>(items.size());
        items.values().forEach(item -> list.add(describe.apply(item)));
        return list;
    }

    private JsonObject initialize(JsonObject params) {
        if (!eras.sessions()) {
            throw new McpException(
                    JsonRpc.METHOD_NOT_FOUND,
                    "Method not found: initialize (this server speaks only " + Stateless.VERSION
                            + ": send server/discover)");
        }
        protocolVersion = ProtocolVersion.negotiate(params.getString("protocolVersion"));
        clientCapabilities =
                params.getJsonObject("capabilities", new JsonObject()).copy();
        JsonObject result = new JsonObject()
                .put("protocolVersion", protocolVersion)
                .put("capabilities", capabilities())
                .put("serverInfo", serverInfo());
        return instructions == null ? result : result.put("instructions", instructions);
    }

    private CompletableFuture<JsonObject> callTool(
            Object id,
            JsonObject params,
            Consumer<JsonObject> related,
            Runnable closeStream,
            StatelessRequest stateless) {
        String toolName = requiredString(params, "name");
        Tool tool;
        synchronized (this) {
            tool = tools.get(toolName);
        }
        if (tool == null) {
            throw new McpException(JsonRpc.INVALID_PARAMS, "Unknown tool: " + toolName);
        }
        Object rawArguments = params.getValue("arguments");
        if (rawArguments != null && !(rawArguments instanceof JsonObject)) {
            throw new McpException(
                    JsonRpc.INVALID_PARAMS, "Invalid arguments for tool " + toolName + ": not an object");
        }
        JsonObject arguments = rawArguments == null ? new JsonObject() : (JsonObject) rawArguments;
        String problem = ArgumentCheck.problem(tool.inputSchema(), arguments);
        if (problem != null) {
            throw new McpException(JsonRpc.INVALID_PARAMS, "Invalid arguments for tool " + toolName + ": " + problem);
        }
        JsonObject meta = params.getJsonObject("_meta");
        RequestContext context = new RequestContext(
                this, id, meta == null ? null : meta.getValue("progressToken"), related, closeStream, stateless);
        CompletableFuture<JsonObject> call;
        try {
            call = tool.handler().call(arguments, context).toCompletableFuture();
        } catch (McpException e) {
            throw e;
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call = rounds(call, stateless, McpMethods.TOOLS_CALL, toolName);
        // A tool's own failure is a result the model can read, not a protocol error.
        return call.exceptionallyCompose(failure -> {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof InputRequired required) {
                return done(required.result);
            }
            return cause instanceof McpException
                    ? CompletableFuture.failedFuture(cause)
                    : done(ToolResults.error(toolName + " failed: " + cause.getMessage()));
        });
    }

    private JsonObject subscribe(String uri, boolean on) {
        if (on) {
            subscriptions.add(uri);
        } else {
            subscriptions.remove(uri);
        }
        return new JsonObject();
    }

    /** Reads a resource; one that does not exist is -32602 with the uri in 2026-07-28 (SEP-2164), -32002 before. */
    private JsonObject readResource(String uri, boolean stateless) {
        Resource resource;
        List<ResourceTemplate> candidates;
        synchronized (this) {
            resource = resources.get(uri);
            candidates = List.copyOf(templates.values());
        }
        if (resource != null) {
            return contents(resource.contents());
        }
        for (ResourceTemplate template : candidates) {
            Map<String, String> variables = template.match(uri);
            String text = variables == null ? null : template.reader().apply(variables);
            if (text != null) {
                JsonObject content = new JsonObject().put("uri", uri);
                if (template.mimeType() != null) {
                    content.put("mimeType", template.mimeType());
                }
                return contents(content.put("text", text));
            }
        }
        if (stateless) {
            throw new McpException(
                    JsonRpc.INVALID_PARAMS, "Resource not found: " + uri, new JsonObject().put("uri", uri));
        }
        throw new McpException(JsonRpc.RESOURCE_NOT_FOUND, "Resource not found: " + uri);
    }

    private static JsonObject contents(JsonObject content) {
        return new JsonObject().put("contents", new JsonArray().add(content));
    }

    private CompletableFuture<JsonObject> getPrompt(
            Object id,
            JsonObject params,
            Consumer<JsonObject> related,
            Runnable closeStream,
            StatelessRequest stateless) {
        Prompt prompt = prompt(requiredString(params, "name"));
        JsonObject given = params.getJsonObject("arguments", new JsonObject());
        Map<String, String> values = new LinkedHashMap<>();
        for (Prompt.Argument argument : prompt.arguments()) {
            Object value = given.getValue(argument.name());
            if (value == null && argument.required()) {
                throw new McpException(
                        JsonRpc.INVALID_PARAMS,
                        "Missing required argument '" + argument.name() + "' for prompt " + prompt.name());
            }
            if (value != null) {
                values.put(argument.name(), String.valueOf(value));
            }
        }
        java.util.function.Function<JsonArray, JsonObject> result = messages -> {
            JsonObject json = new JsonObject().put("messages", messages);
            return prompt.description() == null ? json : json.put("description", prompt.description());
        };
        if (prompt.interactive() == null) {
            return done(result.apply(prompt.render().apply(values)));
        }
        JsonObject meta = params.getJsonObject("_meta");
        RequestContext context = new RequestContext(
                this, id, meta == null ? null : meta.getValue("progressToken"), related, closeStream, stateless);
        CompletableFuture<JsonArray> rendered;
        try {
            rendered = prompt.interactive().render(values, context).toCompletableFuture();
        } catch (McpException e) {
            throw e;
        } catch (RuntimeException e) {
            rendered = CompletableFuture.failedFuture(e);
        }
        return finish(rounds(rendered, stateless, McpMethods.PROMPTS_GET, prompt.name()), result);
    }

    private synchronized Prompt prompt(String promptName) {
        Prompt prompt = prompts.get(promptName);
        if (prompt == null) {
            throw new McpException(JsonRpc.INVALID_PARAMS, "Unknown prompt: " + promptName);
        }
        return prompt;
    }

    private JsonObject complete(JsonObject params) {
        JsonObject ref = params.getJsonObject("ref", new JsonObject());
        JsonObject argument = params.getJsonObject("argument", new JsonObject());
        String argumentName = requiredString(argument, "name");
        Completer completer = switch (String.valueOf(ref.getString("type"))) {
            case "ref/prompt" ->
                prompt(requiredString(ref, "name")).arguments().stream()
                        .filter(a -> a.name().equals(argumentName))
                        .map(Prompt.Argument::completer)
                        .findFirst()
                        .orElse(null);
            case "ref/resource" -> {
                ResourceTemplate template;
                synchronized (this) {
                    template = templates.get(requiredString(ref, "uri"));
                }
                yield template == null ? null : template.completers().get(argumentName);
            }
            default ->
                throw new McpException(JsonRpc.INVALID_PARAMS, "Unknown reference type: " + ref.getString("type"));
        };
        List<String> all = completer == null ? List.of() : completer.complete(argument.getString("value", ""));
        List<String> values = all.subList(0, Math.min(all.size(), MAX_COMPLETIONS));
        return new JsonObject()
                .put(
                        "completion",
                        new JsonObject()
                                .put("values", new JsonArray(List.copyOf(values)))
                                .put("total", all.size())
                                .put("hasMore", all.size() > values.size()));
    }

    private JsonObject setLevel(JsonObject params) {
        LogLevel level = LogLevel.parse(params.getString("level"));
        if (level == null) {
            throw new McpException(JsonRpc.INVALID_PARAMS, "Unknown logging level: " + params.getValue("level"));
        }
        logLevel = level;
        return new JsonObject();
    }

    private static String requiredString(JsonObject params, String key) {
        Object value = params.getValue(key);
        if (!(value instanceof String s)) {
            throw new McpException(JsonRpc.INVALID_PARAMS, "Missing or invalid parameter: " + key);
        }
        return s;
    }
}
