package io.mcpstore.admin;

import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.openapi.OpenApiImport;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.security.AuditTrail;
import io.mcpstore.security.AuthGate;
import io.mcpstore.security.Principal;
import io.mcpstore.security.SecurityConfig;
import io.mcpstore.upstream.rest.RestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What only {@code rest} services have: {@code POST /services/import-openapi} (an OpenAPI document, given as text or
 * fetched from a URL, becomes a new rest service through the config store, under the same rules as {@code POST
 * /services}; {@code dryRun: true} answers the entry without creating it) and {@code POST
 * /services/{name}/tools/{tool}/dry-run} (the HTTP request a tool would send, rendered by its upstream, not sent).
 */
final class RestServicesApi extends Resource {
    /** The largest OpenAPI document fetched from a URL. */
    static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

    static final long FETCH_TIMEOUT_MS = 15_000;
    /** What the request names besides the service's own options. */
    private static final Set<String> IMPORT_KEYS = Set.of("name", "document", "url", "include", "baseUrl", "dryRun");
    /** What the document decides. */
    private static final Set<String> FROM_DOCUMENT = Set.of("transport", "type", "tools");

    private final Vertx vertx;
    private final ServiceRules rules;
    private final AuthGate gate;
    private final HttpClient http;

    RestServicesApi(AdminBus bus, CurrentConfig current, Vertx vertx, ServiceRules rules, AuthGate gate) {
        super(bus, current);
        this.vertx = vertx;
        this.rules = rules;
        this.gate = gate;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) FETCH_TIMEOUT_MS)
                .setIdleTimeout((int) (FETCH_TIMEOUT_MS / 1000))
                .setMaxRedirects(0));
    }

    Future<Void> close() {
        return http.close();
    }

    // ---- POST /services/import-openapi

    void importOpenApi(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Object name = body.getValue("name");
        if (!(name instanceof String n) || n.isBlank())
            throw Problem.badRequest("name", "is required: the new service's name");
        Object document = body.getValue("document");
        Object url = body.getValue("url");
        if (document == null && url == null) {
            throw Problem.badRequest("document", "is required: the OpenAPI document as text (or its address as 'url')");
        }
        if (document != null && url != null)
            throw Problem.badRequest("url", "give either 'document' or 'url', not both");
        if (document != null && !(document instanceof String))
            throw Problem.badRequest("document", "must be the OpenAPI document as a string (JSON or YAML text)");
        if (url != null && !(url instanceof String)) throw Problem.badRequest("url", "must be a string");
        List<String> include = include(body.getValue("include"));
        Object baseUrl = body.getValue("baseUrl");
        if (baseUrl != null && !(baseUrl instanceof String)) throw Problem.badRequest("baseUrl", "must be a string");
        Object dryRun = body.getValue("dryRun", false);
        if (!(dryRun instanceof Boolean preview)) throw Problem.badRequest("dryRun", "must be true or false");
        for (String key : FROM_DOCUMENT) {
            if (body.containsKey(key)) {
                throw Problem.badRequest(
                        key, "comes from the document; edit the service after the import to change it");
            }
        }
        if (!preview && current.get().services().containsKey(n)) {
            throw new Problem(409, "service '" + n + "' already exists");
        }
        JsonObject options = body.copy();
        IMPORT_KEYS.forEach(options::remove);

        Principal principal = principal(ctx);
        SecurityConfig security = current.get().security();
        boolean allowPrivate = !security.enabled() || Boolean.TRUE.equals(options.getValue("allowPrivateNetwork"));
        String location = (String) url;
        Future<String> text =
                document != null ? Future.succeededFuture((String) document) : fetch(location, allowPrivate);
        text.compose(t -> vertx.executeBlocking(() -> OpenApiImport.convert(
                        t, new OpenApiImport.Options(n, (String) baseUrl, include, location, allowPrivate))))
                .compose(result -> {
                    JsonObject entry = entry(result.service(), options);
                    // The entry as the config store will check it: a bad option is a 400 naming it, before anything
                    // else.
                    ServiceConfig.fromJson(n, entry.copy(), "services." + n);
                    return rules.check(principal, security, n, entry).compose(v -> {
                        JsonObject extra = new JsonObject()
                                .put("tools", new JsonArray(new ArrayList<>(result.tools())))
                                .put("warnings", new JsonArray(new ArrayList<>(result.warnings())));
                        if (preview) {
                            return Future.succeededFuture(new JsonObject()
                                    .put("dryRun", true)
                                    .put("service", ConfigDocument.redact(entry).put("name", n))
                                    .mergeIn(extra));
                        }
                        return updated(ctx, op("service.create", n).put("entry", entry))
                                .map(out -> out.mergeIn(extra));
                    });
                })
                .onSuccess(out -> AdminHttp.json(ctx, preview ? 200 : 201, out))
                .onFailure(ctx::fail);
    }

    private static List<String> include(Object value) {
        if (value == null) return null;
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            for (String id : s.split(",")) if (!id.isBlank()) out.add(id.trim());
            return out;
        }
        if (!(value instanceof JsonArray list)) throw Problem.badRequest("include", "must be a list of operationIds");
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof String id) || id.isBlank()) {
                throw Problem.badRequest("include[" + i + "]", "must be an operationId (a string)");
            }
            out.add(id);
        }
        return out;
    }

    /** The imported entry with the request's options: its headers and query added to (and over) the document's. */
    private static JsonObject entry(JsonObject imported, JsonObject options) {
        JsonObject entry = imported.copy();
        JsonArray tools = (JsonArray) entry.remove("tools");
        options.forEach(e -> {
            if ((e.getKey().equals("headers") || e.getKey().equals("query"))
                    && e.getValue() instanceof JsonObject given
                    && entry.getValue(e.getKey()) instanceof JsonObject mapped) {
                entry.put(e.getKey(), mapped.copy().mergeIn(given));
            } else {
                entry.put(e.getKey(), e.getValue());
            }
        });
        return entry.put("tools", tools);
    }

    /**
     * The document at {@code url}: http(s) only; with security on, not on a private network unless the service
     * allows it; no redirects; at most {@link #MAX_DOCUMENT_BYTES}; within {@link #FETCH_TIMEOUT_MS}. Every failure
     * is a 400 naming {@code url} (403 for a private address).
     */
    private Future<String> fetch(String url, boolean allowPrivate) {
        String shown = Secrets.redactUrl(url);
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Future.failedFuture(Problem.badRequest("url", "is not a valid URL: '" + shown + "'"));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            return Future.failedFuture(
                    Problem.badRequest("url", "must be an http:// or https:// URL, got '" + shown + "'"));
        }
        Future<Void> allowed = allowPrivate
                ? Future.succeededFuture()
                : vertx.<String>executeBlocking(() -> ServiceRules.privateAddress(url))
                        .compose(reason -> reason == null
                                ? Future.succeededFuture()
                                : Future.failedFuture(new Problem(
                                        403,
                                        "url " + shown + " " + reason
                                                + "; set allowPrivateNetwork: true on the service to allow it",
                                        new JsonObject().put("field", "allowPrivateNetwork"))));
        return allowed.compose(v -> download(url, shown)).recover(e -> {
            if (e instanceof Problem) return Future.failedFuture(e);
            return Future.failedFuture(Problem.badRequest("url", "cannot fetch " + shown + ": " + e.getMessage()));
        });
    }

    private Future<String> download(String url, String shown) {
        Promise<String> done = Promise.promise();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url)
                .setFollowRedirects(false)
                .putHeader("Accept", "application/json, application/yaml, text/yaml, */*");
        long timer = vertx.setTimer(
                FETCH_TIMEOUT_MS,
                t -> done.tryFail(
                        Problem.badRequest("url", shown + " did not answer within " + FETCH_TIMEOUT_MS + " ms")));
        http.request(options)
                .compose(request -> {
                    done.future().onFailure(e -> request.reset());
                    return request.send();
                })
                .onSuccess(response -> read(response, shown, done))
                .onFailure(done::tryFail);
        return done.future().andThen(ar -> vertx.cancelTimer(timer));
    }

    private static void read(HttpClientResponse response, String shown, Promise<String> done) {
        int status = response.statusCode();
        if (status != 200) {
            String location = response.getHeader("Location");
            done.tryFail(Problem.badRequest(
                    "url",
                    shown + " answered HTTP " + status
                            + (location != null && status / 100 == 3
                                    ? " (a redirect to " + Secrets.redactUrl(location) + "; give that URL)"
                                    : "")));
            return;
        }
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_DOCUMENT_BYTES) {
            done.tryFail(tooLarge(shown));
            return;
        }
        Buffer text = Buffer.buffer();
        response.handler(chunk -> {
            if (text.length() + chunk.length() > MAX_DOCUMENT_BYTES) {
                done.tryFail(tooLarge(shown));
            } else {
                text.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> done.tryComplete(text.toString(StandardCharsets.UTF_8)));
    }

    private static Problem tooLarge(String shown) {
        return Problem.badRequest(
                "url", "the document at " + shown + " is larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }

    // ---- POST /services/{name}/tools/{tool}/dry-run

    void dryRun(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        String tool = ctx.pathParam("tool");
        ServiceConfig sc = current.service(name);
        if (sc.transport() != ServiceConfig.Transport.REST) {
            throw new Problem(
                    400,
                    "service '" + name + "' is a " + sc.transport().id() + " service; dry-run is for rest services");
        }
        String text = ctx.body().asString();
        JsonObject body = text == null || text.isBlank() ? new JsonObject() : AdminHttp.body(ctx);
        Object arguments = body.getValue("arguments", new JsonObject());
        if (!(arguments instanceof JsonObject args)) throw Problem.badRequest("arguments", "must be an object");
        if (!toolNames(sc).contains(tool)) {
            throw Problem.notFound("tool '" + tool + "' not found in service '" + name + "'");
        }
        Principal principal = principal(ctx);
        JsonObject ask = new JsonObject()
                .put("method", RestServer.DRY_RUN)
                .put("params", new JsonObject().put("name", tool).put("arguments", args));
        Future<JsonObject> result = bus.upstream(name, ask, AdminBus.STATUS_TIMEOUT_MS)
                .compose(reply -> {
                    JsonObject error = reply.getJsonObject("error");
                    if (error == null) return Future.succeededFuture(reply.getJsonObject("result", new JsonObject()));
                    String message = String.valueOf(error.getValue("message"));
                    boolean invalid =
                            error.getValue("code") instanceof Number c && c.intValue() == JsonRpc.INVALID_PARAMS;
                    if (invalid && message.startsWith("unknown tool"))
                        return Future.failedFuture(Problem.notFound(message));
                    if (invalid) return Future.failedFuture(Problem.badRequest("arguments", message));
                    return Future.failedFuture(
                            new Problem(502, "service '" + name + "' could not render the request: " + message));
                })
                .andThen(ar -> {
                    int status = ar.succeeded() ? 200 : Problem.of(ar.cause()).status;
                    gate.audit()
                            .record(AuditTrail.entry(
                                            "admin", principal, "tool.dry-run", ar.succeeded() ? "ok" : "error")
                                    .put("target", name + "/" + tool)
                                    .put("service", name)
                                    .put("tool", tool)
                                    .put("status", status));
                });
        answer(ctx, result, 200);
    }

    private static List<String> toolNames(ServiceConfig sc) {
        List<String> out = new ArrayList<>();
        if (sc.toJson().getValue("tools") instanceof JsonArray tools) {
            tools.forEach(t -> {
                if (t instanceof JsonObject o && o.getString("name") != null) out.add(o.getString("name"));
            });
        }
        return out;
    }
}
