package io.mcpstore.demo;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.yaml.snakeyaml.Yaml;

/**
 * A small pet-store HTTP API to try REST tools against, and the server the REST tests and the S7 benchmark call: pets
 * (list, get, add, update, delete, a form-posted photo, a PNG image, a PDF certificate), an echo of the request, a
 * slow answer, an answer of any size, a flaky answer, a redirect, an auth check (basic, bearer, API key) and an OAuth 2
 * client-credentials token endpoint, all under {@code /api}, described by its own OpenAPI 3 document at {@code
 * /api/openapi.json} and {@code /api/openapi.yaml}. Started by {@code mcpstore petstore [--port 9000]} or from a test
 * with {@link #start(Vertx, int)}. State lives in memory; each instance starts with the same three pets.
 */
public final class PetStore {
    public static final String USERNAME = "demo";
    public static final String PASSWORD = "petstore";
    public static final String API_KEY = "petstore-key";
    public static final String TOKEN = "petstore-token";
    public static final String CLIENT_ID = "petstore-client";
    public static final String CLIENT_SECRET = "petstore-secret";
    /** Seconds an OAuth token lives, by default. */
    public static final int TOKEN_LIFETIME_SECONDS = 3600;

    /** The largest body {@code /api/big} makes, and the largest request body read. */
    private static final int MAX_BYTES = 64 * 1024 * 1024;

    /** The base URL the OpenAPI document is written with; served, it names the server's own. */
    public static final String DOCUMENT_BASE_URL = "http://127.0.0.1:9000/api";

    private static final long MAX_DELAY_MS = 60_000;
    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    static final byte[] PDF = "%PDF-1.4\n% pet certificate\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    private final Map<Integer, JsonObject> pets = new TreeMap<>();
    private final Map<Integer, Integer> photos = new TreeMap<>();
    private int nextId = 1;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** Issued OAuth tokens and when each expires (epoch ms). */
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();

    private volatile int tokenLifetimeSeconds = TOKEN_LIFETIME_SECONDS;
    private HttpServer server;
    private String baseUrl;

    public PetStore() {
        add("Rex", "available", "dog");
        add("Tom", "pending", "cat");
        add("Polly", "sold", "bird");
    }

    /** Starts a pet store on 127.0.0.1 and {@code port} (0: any free port); completes with the bound port. */
    public static Future<Integer> start(Vertx vertx, int port) {
        return new PetStore().listen(vertx, "127.0.0.1", port);
    }

    /** Listens on {@code host}:{@code port}; completes with the bound port. */
    public Future<Integer> listen(Vertx vertx, String host, int port) {
        Router router = router(vertx);
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .map(s -> {
                    server = s;
                    String shown = host.contains(":") ? "[" + host + "]" : host;
                    baseUrl = "http://" + shown + ":" + s.actualPort() + "/api";
                    return s.actualPort();
                });
    }

    /** {@code http://HOST:PORT/api}, once listening. */
    public String baseUrl() {
        return baseUrl;
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** How often a request was made: {@code "GET /api/pets/1"}, {@code "POST /api/oauth/token"}. */
    public int hits(String route) {
        AtomicInteger n = hits.get(route);
        return n == null ? 0 : n.get();
    }

    /** How long the tokens issued from now on live. */
    public PetStore tokenLifetimeSeconds(int seconds) {
        this.tokenLifetimeSeconds = seconds;
        return this;
    }

    /** Forgets every token issued: the next call with one gets 401 (as after a server restart). */
    public void revokeTokens() {
        tokens.clear();
    }

    private Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            count(ctx.request().method().name() + " " + ctx.request().path());
            ctx.next();
        });
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BYTES));
        router.get("/api/openapi.json").handler(this::openApiJson);
        router.get("/api/openapi.yaml").handler(this::openApiYaml);
        router.get("/api/pets").handler(this::listPets);
        router.post("/api/pets").handler(this::addPet);
        router.get("/api/pets/:id").handler(this::getPet);
        router.put("/api/pets/:id").handler(this::updatePet);
        router.delete("/api/pets/:id").handler(this::deletePet);
        router.post("/api/pets/:id/photo").handler(this::addPhoto);
        router.get("/api/pets/:id/image").handler(this::image);
        router.get("/api/pets/:id/certificate").handler(this::certificate);
        router.route("/api/echo").handler(this::echo);
        router.get("/api/slow").handler(this::slow);
        router.get("/api/big").handler(this::big);
        router.route("/api/flaky/:key").handler(this::flaky);
        router.get("/api/redirect").handler(this::redirect);
        router.get("/api/secure").handler(this::secure);
        router.post("/api/oauth/token").handler(this::token);
        return router;
    }

    private void count(String key) {
        hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    // ---- pets

    private synchronized JsonObject add(String name, String status, String... tags) {
        int id = nextId++;
        JsonObject pet = new JsonObject()
                .put("id", id)
                .put("name", name)
                .put("status", status)
                .put("tags", new JsonArray(java.util.List.of((Object[]) tags)));
        pets.put(id, pet);
        return pet;
    }

    private void listPets(RoutingContext ctx) {
        String status = ctx.request().getParam("status");
        String tag = ctx.request().getParam("tag");
        Integer limit = null;
        if (ctx.request().getParam("limit") != null) {
            limit = intParam(ctx, "limit");
            if (limit == null) return;
        }
        JsonArray out = new JsonArray();
        synchronized (this) {
            for (JsonObject pet : pets.values()) {
                if (status != null && !status.equals(pet.getString("status"))) continue;
                if (tag != null && !pet.getJsonArray("tags").contains(tag)) continue;
                if (limit != null && out.size() >= limit) break;
                out.add(pet.copy());
            }
        }
        json(ctx, 200, new JsonObject().put("data", out).put("total", out.size()));
    }

    private void getPet(RoutingContext ctx) {
        JsonObject pet = pet(ctx);
        if (pet == null) return;
        if ("true".equals(ctx.request().getParam("verbose"))) {
            synchronized (this) {
                pet.put("photos", photos.getOrDefault(pet.getInteger("id"), 0));
            }
        }
        json(ctx, 200, new JsonObject().put("data", pet));
    }

    private void addPet(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        if (body == null) return;
        Object name = body.getValue("name");
        if (!(name instanceof String n) || n.isBlank()) {
            error(ctx, 400, "name is required (a string)");
            return;
        }
        String status = body.getString("status", "available");
        if (!validStatus(ctx, status)) return;
        JsonObject pet;
        synchronized (this) {
            pet = add(n, status);
            pet.put("tags", tags(body));
        }
        ctx.response().putHeader(HttpHeaders.LOCATION, "/api/pets/" + pet.getInteger("id"));
        json(ctx, 201, new JsonObject().put("data", pet.copy()));
    }

    private void updatePet(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        if (body == null) return;
        JsonObject pet = pet(ctx);
        if (pet == null) return;
        if (body.containsKey("status") && !validStatus(ctx, String.valueOf(body.getValue("status")))) return;
        synchronized (this) {
            JsonObject stored = pets.get(pet.getInteger("id"));
            if (body.getValue("name") instanceof String n) stored.put("name", n);
            if (body.containsKey("status")) stored.put("status", body.getString("status"));
            if (body.containsKey("tags")) stored.put("tags", tags(body));
            pet = stored.copy();
        }
        json(ctx, 200, new JsonObject().put("data", pet));
    }

    private void deletePet(RoutingContext ctx) {
        JsonObject pet = pet(ctx);
        if (pet == null) return;
        synchronized (this) {
            pets.remove(pet.getInteger("id"));
        }
        ctx.response().setStatusCode(204).end();
    }

    private void addPhoto(RoutingContext ctx) {
        JsonObject pet = pet(ctx);
        if (pet == null) return;
        String type = String.valueOf(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
            error(ctx, 415, "send the photo as a form (application/x-www-form-urlencoded or multipart/form-data)");
            return;
        }
        MultiMap form = ctx.request().formAttributes();
        String url = form.get("url");
        if (url == null || url.isBlank()) {
            error(ctx, 400, "form field url is required");
            return;
        }
        int id = pet.getInteger("id");
        int count;
        synchronized (this) {
            count = photos.merge(id, 1, Integer::sum);
        }
        JsonObject photo = new JsonObject().put("petId", id).put("url", url).put("photos", count);
        if (form.get("caption") != null) photo.put("caption", form.get("caption"));
        json(ctx, 201, new JsonObject().put("data", photo));
    }

    private void image(RoutingContext ctx) {
        if (pet(ctx) == null) return;
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "image/png").end(Buffer.buffer(PNG));
    }

    private void certificate(RoutingContext ctx) {
        if (pet(ctx) == null) return;
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/pdf").end(Buffer.buffer(PDF));
    }

    /** The pet the path names (a copy), or null after answering 400 or 404. */
    private JsonObject pet(RoutingContext ctx) {
        Integer id = intParam(ctx, "id");
        if (id == null) return null;
        synchronized (this) {
            JsonObject pet = pets.get(id);
            if (pet != null) return pet.copy();
        }
        error(ctx, 404, "pet " + id + " not found");
        return null;
    }

    private static JsonArray tags(JsonObject body) {
        Object tags = body.getValue("tags");
        JsonArray out = new JsonArray();
        if (tags instanceof JsonArray array) array.forEach(t -> out.add(String.valueOf(t)));
        return out;
    }

    private static boolean validStatus(RoutingContext ctx, String status) {
        if (status.equals("available") || status.equals("pending") || status.equals("sold")) return true;
        error(ctx, 400, "status must be available, pending or sold");
        return false;
    }

    // ---- test endpoints

    /** The request as the server saw it: method, path, query, headers (names in lower case), body. */
    private void echo(RoutingContext ctx) {
        JsonObject query = new JsonObject();
        ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
        JsonObject headers = new JsonObject();
        ctx.request().headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        JsonObject out = new JsonObject()
                .put("method", ctx.request().method().name())
                .put("path", ctx.request().path())
                .put("query", query)
                .put("headers", headers);
        String type = String.valueOf(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
            JsonObject form = new JsonObject();
            ctx.request().formAttributes().forEach(e -> form.put(e.getKey(), e.getValue()));
            out.put("form", form);
        } else if (ctx.body().length() > 0) {
            out.put("body", ctx.body().asString());
        }
        json(ctx, 200, new JsonObject().put("data", out));
    }

    private void slow(RoutingContext ctx) {
        Integer delay = ctx.request().getParam("delayMs") == null ? Integer.valueOf(1000) : intParam(ctx, "delayMs");
        if (delay == null) return;
        long ms = Math.max(0, Math.min(delay, MAX_DELAY_MS));
        ctx.vertx().setTimer(Math.max(1, ms), t -> {
            if (!ctx.response().closed())
                json(ctx, 200, new JsonObject().put("data", new JsonObject().put("delayMs", ms)));
        });
    }

    /** A JSON document of about {@code bytes} bytes, streamed in chunks: {@code {"data": "xxx…"}}. */
    private void big(RoutingContext ctx) {
        Integer bytes = intParam(ctx, "bytes");
        if (bytes == null) return;
        int size = Math.max(0, Math.min(bytes, MAX_BYTES));
        ctx.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        ctx.response().write("{\"data\":\"");
        writeChunks(ctx, size);
    }

    private void writeChunks(RoutingContext ctx, int left) {
        if (ctx.response().closed()) return;
        if (left <= 0) {
            ctx.response().end("\"}");
            return;
        }
        int n = Math.min(left, 64 * 1024);
        ctx.response().write(Buffer.buffer("x".repeat(n))).onComplete(done -> {
            if (done.succeeded()) writeChunks(ctx, left - n);
        });
    }

    /**
     * Answers {@code status} (default 503) to the first {@code failures} requests (default 2) for {@code key}, whatever
     * the method, then 200 with the attempt's number.
     */
    private void flaky(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        Integer failures = ctx.request().getParam("failures") == null ? Integer.valueOf(2) : intParam(ctx, "failures");
        if (failures == null) return;
        Integer status = ctx.request().getParam("status") == null ? Integer.valueOf(503) : intParam(ctx, "status");
        if (status == null) return;
        int attempt =
                hits.computeIfAbsent("flaky/" + key, k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= failures) {
            error(ctx, status, "temporarily unavailable (attempt " + attempt + ")");
            return;
        }
        json(ctx, 200, new JsonObject().put("data", new JsonObject().put("attempt", attempt)));
    }

    /** 302 to {@code to}. */
    private void redirect(RoutingContext ctx) {
        String to = ctx.request().getParam("to");
        if (to == null) {
            error(ctx, 400, "query parameter to is required");
            return;
        }
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, to).end();
    }

    /** 200 naming how the caller authenticated (basic, bearer, oauth2, apiKey), else 401. */
    private void secure(RoutingContext ctx) {
        String how = authenticated(ctx);
        if (how == null) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"petstore\", Bearer");
            error(ctx, 401, "authenticate with basic, a bearer token or an api key");
            return;
        }
        json(ctx, 200, new JsonObject().put("data", new JsonObject().put("authenticatedBy", how)));
    }

    private String authenticated(RoutingContext ctx) {
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String expected = USERNAME + ":" + PASSWORD;
            String given = decodeBasic(auth.substring(6).trim());
            return expected.equals(given) ? "basic" : null;
        }
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = auth.substring(7).trim();
            if (TOKEN.equals(token)) return "bearer";
            Long expires = tokens.get(token);
            return expires != null && expires > System.currentTimeMillis() ? "oauth2" : null;
        }
        String key = ctx.request().getParam("api_key");
        if (key == null) key = ctx.request().getHeader("X-API-Key");
        return API_KEY.equals(key) ? "apiKey" : null;
    }

    private static String decodeBasic(String encoded) {
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * OAuth 2 client credentials (RFC 6749 §4.4): a form POST with {@code grant_type=client_credentials}, the client
     * authenticated by HTTP basic ({@code client_secret_basic}) or by form fields ({@code client_secret_post}).
     */
    private void token(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair = decodeBasic(auth.substring(6).trim());
            int colon = pair == null ? -1 : pair.indexOf(':');
            if (colon > 0) {
                id = java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                secret = java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            oauthError(ctx, 400, "unsupported_grant_type");
            return;
        }
        if (!CLIENT_ID.equals(id) || !CLIENT_SECRET.equals(secret)) {
            oauthError(ctx, 401, "invalid_client");
            return;
        }
        String token = "tok-" + java.util.UUID.randomUUID();
        int lifetime = tokenLifetimeSeconds;
        tokens.put(token, System.currentTimeMillis() + lifetime * 1000L);
        JsonObject out = new JsonObject()
                .put("access_token", token)
                .put("token_type", "Bearer")
                .put("expires_in", lifetime);
        if (form.get("scope") != null) out.put("scope", form.get("scope"));
        ctx.response().putHeader("Cache-Control", "no-store");
        json(ctx, 200, out);
    }

    private static void oauthError(RoutingContext ctx, int status, String error) {
        json(ctx, status, new JsonObject().put("error", error));
    }

    // ---- the OpenAPI document

    private void openApiYaml(RoutingContext ctx) {
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml")
                .end(openApiText().replace(DOCUMENT_BASE_URL, baseUrl));
    }

    private void openApiJson(RoutingContext ctx) {
        json(ctx, 200, openApi(baseUrl));
    }

    /** The OpenAPI 3 document of this server, its {@code servers} url set to {@code baseUrl}. */
    public static JsonObject openApi(String baseUrl) {
        Map<String, Object> doc = new Yaml().load(openApiText().replace(DOCUMENT_BASE_URL, baseUrl));
        return new JsonObject(doc);
    }

    /** The document as written (YAML), its server {@link #DOCUMENT_BASE_URL}. */
    public static String openApiText() {
        try (InputStream in = PetStore.class.getResourceAsStream("petstore-openapi.yaml")) {
            if (in == null) throw new IllegalStateException("petstore-openapi.yaml is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- answers

    private static JsonObject jsonBody(RoutingContext ctx) {
        try {
            Object body = ctx.body().asJsonObject();
            if (body instanceof JsonObject json) return json;
        } catch (RuntimeException notJson) {
            // answered below
        }
        error(ctx, 400, "the body must be a JSON object");
        return null;
    }

    private static Integer intParam(RoutingContext ctx, String name) {
        String v = ctx.pathParam(name) != null
                ? ctx.pathParam(name)
                : ctx.request().getParam(name);
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            error(ctx, 400, name + " must be a whole number, got '" + v + "'");
            return null;
        }
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.toBuffer());
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message));
    }

    /** {@code mcpstore petstore}: serves until killed. */
    public static void run(String host, int port) throws Exception {
        Vertx vertx = Vertx.vertx();
        PetStore store = new PetStore();
        store.listen(vertx, host, port).await();
        System.out.println("petstore listening on "
                + store.baseUrl().substring(0, store.baseUrl().length() - 4));
        System.out.flush();
        Thread.currentThread().join();
    }
}
