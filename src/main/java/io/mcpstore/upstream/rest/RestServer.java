package io.mcpstore.upstream.rest;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.RestConfig;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A rest service as an MCP server inside the gateway: answers {@code initialize}, {@code ping}, {@code tools/list}
 * (its configured tools), {@code tools/call} (one HTTP call, its answer shaped as a tool result) and {@link
 * #DRY_RUN} (the request a call would send, not sent). Everything is built once, when the service starts: the
 * tools, their templates and schemas, the resolved secrets, one pooled HTTP client.
 */
public final class RestServer {
    /** Gateway-internal: the HTTP request {@code tools/call} would send for {@code {name, arguments}}, unsent. */
    public static final String DRY_RUN = "mcpstore/dry-run";

    static final String NAME = "mcpstore-rest";
    private static final String VERSION = Optional.ofNullable(
                    RestServer.class.getPackage().getImplementationVersion())
            .orElse("0.1.0");
    static final String USER_AGENT = "mcpstore/" + VERSION;
    private static final int MAX_CONNECTIONS = 64;

    private final ServiceConfig service;
    private final RestApi api;
    private final Map<String, RestTool> tools = new LinkedHashMap<>();
    private final JsonArray listing = new JsonArray();
    private final HttpClient client;
    private final HttpCaller caller;
    private final OAuthTokens tokens;
    private long calls;

    private RestServer(Vertx vertx, ServiceConfig service) {
        this.service = service;
        RestConfig rest = service.rest();
        this.api = new RestApi(service, USER_AGENT);
        Map<String, String> env = Placeholders.resolve(service.env());
        Templates templates = new Templates(env);
        for (RestConfig.Tool tool : rest.tools()) {
            RestTool compiled = new RestTool(tool, templates);
            tools.put(tool.name(), compiled);
            listing.add(compiled.listing());
        }
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setForceSni(true)
                        .setDecompressionSupported(false)
                        .setMaxRedirects(0),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
        this.caller = new HttpCaller(vertx, client, rest, service.allowPrivateNetwork(), service.timeoutMs());
        this.tokens = rest.auth() != null && "oauth2".equals(rest.auth().type())
                ? new OAuthTokens(caller, rest.auth(), USER_AGENT)
                : null;
        caller.tokens(tokens);
    }

    /**
     * Builds the server of {@code service}; throws a {@link io.mcpstore.config.ConfigException} when a reference in
     * its config names an unset variable.
     */
    public static RestServer create(Vertx vertx, ServiceConfig service) {
        return new RestServer(vertx, service);
    }

    /** Answers one JSON-RPC request with its response message; {@code call} is its id, for {@link #abandon}. */
    public Future<JsonObject> handle(JsonObject request, Long call) {
        Object id = request.getValue("id");
        String method = request.getString("method");
        JsonObject params = request.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        try {
            return switch (method) {
                case McpMethods.INITIALIZE -> Future.succeededFuture(JsonRpc.result(id, initialize(params)));
                case McpMethods.PING -> Future.succeededFuture(JsonRpc.result(id, new JsonObject()));
                case McpMethods.TOOLS_LIST ->
                    Future.succeededFuture(JsonRpc.result(id, new JsonObject().put("tools", listing.copy())));
                case McpMethods.TOOLS_CALL -> call(params, call).map(result -> JsonRpc.result(id, result));
                case DRY_RUN -> Future.succeededFuture(JsonRpc.result(id, dryRun(params)));
                default ->
                    Future.succeededFuture(
                            JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "a rest service does not offer " + method));
            };
        } catch (RestTool.BadArguments e) {
            return Future.succeededFuture(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, e.getMessage()));
        } catch (RuntimeException e) { // a template that failed (an env name it lacks), a value it cannot take
            return Future.succeededFuture(
                    JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "cannot build the request: " + e.getMessage()));
        }
    }

    /** The call ended without its answer: its HTTP request is let go and not retried. */
    public void abandon(long call) {
        caller.abandon(call);
    }

    public Future<Void> close() {
        return client.close();
    }

    public JsonObject describe() {
        JsonObject out = new JsonObject()
                .put("baseUrl", api.shownBaseUrl)
                .put("tools", tools.size())
                .put("calls", calls);
        if (tokens != null) out.put("tokenFetches", tokens.fetches());
        return out;
    }

    private JsonObject initialize(JsonObject params) {
        return new JsonObject()
                .put("protocolVersion", ProtocolVersion.negotiate(params.getString("protocolVersion")))
                .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                .put("serverInfo", new JsonObject().put("name", NAME).put("version", VERSION));
    }

    private RestTool tool(JsonObject params) {
        Object name = params.getValue("name");
        RestTool tool = name instanceof String n ? tools.get(n) : null;
        if (tool == null) {
            throw new RestTool.BadArguments("unknown tool " + name + " (service '" + service.name() + "' has "
                    + String.join(", ", tools.keySet()) + ")");
        }
        return tool;
    }

    private static JsonObject arguments(JsonObject params) {
        Object args = params.getValue("arguments");
        if (args == null) return new JsonObject();
        if (!(args instanceof JsonObject json)) throw new RestTool.BadArguments("arguments must be an object");
        return json;
    }

    private Future<JsonObject> call(JsonObject params, Long call) {
        RestTool tool = tool(params);
        JsonObject arguments = arguments(params);
        tool.check(arguments);
        RestRequest request = tool.request(arguments, api, false);
        calls++;
        return caller.call(request, api.authorization, tool.config.retryable(), call)
                .map(answer -> Answers.result(tool, answer))
                .recover(e -> e instanceof HttpCaller.CallFailure
                        ? Future.succeededFuture(Answers.error(e.getMessage()))
                        : Future.failedFuture(e));
    }

    private JsonObject dryRun(JsonObject params) {
        RestTool tool = tool(params);
        JsonObject arguments = arguments(params);
        tool.check(arguments);
        RestRequest request = tool.request(arguments, api, true);
        if (api.shownAuthorization != null) request = request.withHeader("Authorization", api.shownAuthorization);
        return request.toJson();
    }
}
