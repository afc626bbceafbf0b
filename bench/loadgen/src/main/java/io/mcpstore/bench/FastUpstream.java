package io.mcpstore.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deliberately cheap MCP server over Streamable HTTP (2025-11-25), so that what a benchmark measures is the
 * client or the gateway, not the upstream. One process serves {@code /mcp} and, for the scale scenario, any
 * number of independent endpoints {@code /s/<n>/mcp}, each with its own sessions and {@code --tools} tools.
 *
 * <pre>
 * upstream [--port 0] [--tools 50] [--page-size 0 (all)] [--instances 1]
 * </pre>
 *
 * Prints {@code UPSTREAM listening on http://127.0.0.1:PORT} when ready. Tools: {@code echo} (answers its
 * {@code message} argument) and {@code tool_1 … tool_<n-1>} (answer "ok"). GET answers 405: it never sends
 * anything on its own. {@code GET /api/pets/ID} is a fast REST JSON API for the REST-tool scenario (S7).
 */
final class FastUpstream extends VerticleBase {
    private static final String SESSION = "Mcp-Session-Id";
    /** Session id → endpoint path: shared by the instances, which is fine for a benchmark peer. */
    private static final Map<String, String> SESSIONS = new ConcurrentHashMap<>();

    private final int port;
    private final int tools;
    private final int pageSize;
    private JsonArray toolList;

    private FastUpstream(int port, int tools, int pageSize) {
        this.port = port;
        this.tools = tools;
        this.pageSize = pageSize;
    }

    static void main(Args args) throws Exception {
        int port = args.integer("port", 0);
        int instances = args.integer("instances", 1);
        int tools = args.integer("tools", 50);
        int pageSize = args.integer("page-size", 0);
        if (port == 0) {
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, instances)));
        int p = port;
        vertx.deployVerticle(() -> new FastUpstream(p, tools, pageSize), new DeploymentOptions().setInstances(instances))
                .await();
        System.out.println("UPSTREAM listening on http://127.0.0.1:" + port);
        System.out.flush();
    }

    @Override
    public Future<?> start() {
        toolList = new JsonArray();
        for (int i = 0; i < tools; i++) {
            String name = i == 0 ? "echo" : "tool_" + i;
            toolList.add(new JsonObject()
                    .put("name", name)
                    .put("description", "Benchmark tool " + name + ": answers at once with a short text, so that"
                            + " the cost measured is the cost of the path to it.")
                    .put("inputSchema", new JsonObject()
                            .put("type", "object")
                            .put("properties", new JsonObject()
                                    .put("message", new JsonObject().put("type", "string").put("description", "text")))));
        }
        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setCompressionSupported(false))
                .requestHandler(this::handle)
                .listen(port, "127.0.0.1");
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (path.startsWith("/api/pets/") && request.method() == HttpMethod.GET) { // S7: a fast REST JSON API
            request.response().putHeader("Content-Type", "application/json").end(pet(path.substring(10)));
            return;
        }
        if (!path.endsWith("/mcp")) {
            request.response().setStatusCode(404).end();
            return;
        }
        if (request.method() == HttpMethod.GET) {
            request.response().setStatusCode(405).putHeader("Allow", "POST, DELETE").end();
        } else if (request.method() == HttpMethod.DELETE) {
            String id = request.getHeader(SESSION);
            request.response().setStatusCode(id != null && SESSIONS.remove(id) != null ? 200 : 404).end();
        } else if (request.method() == HttpMethod.POST) {
            request.body().onSuccess(body -> post(request, path, body));
        } else {
            request.response().setStatusCode(405).end();
        }
    }

    private void post(HttpServerRequest request, String path, Buffer body) {
        JsonObject message;
        try {
            message = body.toJsonObject();
        } catch (RuntimeException e) {
            request.response().setStatusCode(400).end();
            return;
        }
        String method = message.getString("method");
        Object id = message.getValue("id");
        if ("initialize".equals(method)) {
            String session = UUID.randomUUID().toString();
            SESSIONS.put(session, path);
            String version = message.getJsonObject("params", new JsonObject()).getString("protocolVersion", "2025-11-25");
            JsonObject result = new JsonObject()
                    .put("protocolVersion", version)
                    .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                    .put("serverInfo", new JsonObject().put("name", "bench-upstream").put("version", "1"));
            request.response().putHeader(SESSION, session);
            answer(request, id, result);
            return;
        }
        String session = request.getHeader(SESSION);
        if (session == null) {
            request.response().setStatusCode(400).end("Mcp-Session-Id required");
            return;
        }
        if (!path.equals(SESSIONS.get(session))) {
            request.response().setStatusCode(404).end("unknown session");
            return;
        }
        if (id == null || method == null) { // notification or response
            request.response().setStatusCode(202).end();
            return;
        }
        switch (method) {
            case "tools/call" -> {
                JsonObject params = message.getJsonObject("params", new JsonObject());
                JsonObject args = params.getJsonObject("arguments", new JsonObject());
                String text = "echo".equals(params.getString("name")) ? "Echo: " + args.getString("message", "") : "ok";
                answer(request, id, new JsonObject().put("content", new JsonArray().add(new JsonObject()
                        .put("type", "text").put("text", text))));
            }
            case "tools/list" -> answer(request, id, page(message.getJsonObject("params", new JsonObject())));
            case "ping" -> answer(request, id, new JsonObject());
            default -> request.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("jsonrpc", "2.0").put("id", id)
                            .put("error", new JsonObject().put("code", -32601).put("message", "Method not found"))
                            .toBuffer());
        }
    }

    /** {@code GET /api/pets/ID}: one small JSON object, as a REST API answers (S7). */
    private static Buffer pet(String id) {
        String n = id.matches("\\d{1,9}") ? id : "0";
        return Buffer.buffer("{\"data\":{\"id\":" + n + ",\"name\":\"Rex\",\"status\":\"available\",\"tags\":[\"dog\"]}}");
    }

    private JsonObject page(JsonObject params) {
        if (pageSize <= 0) return new JsonObject().put("tools", toolList);
        int from = Integer.parseInt(params.getString("cursor", "0"));
        int to = Math.min(toolList.size(), from + pageSize);
        JsonObject page = new JsonObject().put("tools", new JsonArray(toolList.getList().subList(from, to)));
        return to < toolList.size() ? page.put("nextCursor", Integer.toString(to)) : page;
    }

    private static void answer(HttpServerRequest request, Object id, JsonObject result) {
        request.response()
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result).toBuffer());
    }
}
