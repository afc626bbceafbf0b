package io.mcpstore;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-driven Streamable HTTP session, for tests that check the wire itself rather than an SDK's view of it. */
public final class McpSession {
    private final TestGateway gateway;
    private final String path;
    private final String id;
    private final String version;
    private final AtomicInteger ids = new AtomicInteger(100);
    /** Sent with every request of the session (an {@code Authorization} header, say). */
    private final Map<String, String> headers;

    private McpSession(TestGateway gateway, String path, String id, String version, Map<String, String> headers) {
        this.gateway = gateway;
        this.path = path;
        this.id = id;
        this.version = version;
        this.headers = Map.copyOf(headers);
    }

    public static McpSession open(TestGateway gateway, String path) {
        return open(gateway, path, "2025-11-25");
    }

    public static McpSession open(TestGateway gateway, String path, String version) {
        return open(gateway, path, version, Map.of());
    }

    /** A session whose every request carries {@code headers} (the credential of a secured gateway). */
    public static McpSession open(TestGateway gateway, String path, Map<String, String> headers) {
        return open(gateway, path, "2025-11-25", headers);
    }

    public static McpSession open(TestGateway gateway, String path, String version, Map<String, String> headers) {
        HttpResponse<String> init = gateway.post(path, initialize(version), headers);
        if (init.statusCode() != 200) throw new AssertionError("initialize: " + init.statusCode() + " " + init.body());
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        McpSession session = new McpSession(gateway, path, id, version, headers);
        session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    public static String initialize(String version) {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 1)
                .put("method", "initialize")
                .put(
                        "params",
                        new JsonObject()
                                .put("protocolVersion", version)
                                .put("capabilities", new JsonObject())
                                .put(
                                        "clientInfo",
                                        new JsonObject().put("name", "test").put("version", "1")))
                .encode();
    }

    public String id() {
        return id;
    }

    public HttpResponse<String> post(String body) {
        return post(body, Map.of());
    }

    public HttpResponse<String> post(String body, Map<String, String> extra) {
        Map<String, String> headers = new HashMap<>(this.headers);
        headers.putAll(extra);
        headers.putIfAbsent("Mcp-Session-Id", id);
        headers.putIfAbsent("Mcp-Protocol-Version", version);
        return gateway.post(path, body, headers);
    }

    /** Sends a request and returns the whole JSON-RPC response (result or error). */
    public JsonObject request(String method, JsonObject params) {
        JsonObject message = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", ids.incrementAndGet())
                .put("method", method)
                .put("params", params);
        HttpResponse<String> response = post(message.encode());
        if (response.statusCode() != 200) {
            throw new AssertionError(method + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return answer(response, message.getValue("id"));
    }

    /**
     * The response to request {@code id}, as a client reads it: the body when the gateway answered with JSON, else
     * the message with that id on the answer's SSE stream (where progress or log messages of the call came first).
     */
    private static JsonObject answer(HttpResponse<String> response, Object id) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) return new JsonObject(response.body());
        for (String event : response.body().split("\n\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : event.split("\n")) {
                if (line.startsWith("data:")) data.append(line.substring(5).strip());
            }
            if (data.isEmpty()) continue;
            JsonObject message = new JsonObject(data.toString());
            if (id.equals(message.getValue("id")) && !message.containsKey("method")) return message;
        }
        throw new AssertionError("no response to request " + id + " on the answer's stream: " + response.body());
    }

    public JsonObject call(String tool, JsonObject arguments) {
        return request("tools/call", new JsonObject().put("name", tool).put("arguments", arguments));
    }
}
