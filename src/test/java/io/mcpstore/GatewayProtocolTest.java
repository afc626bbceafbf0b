package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Streamable HTTP and legacy SSE front door, on the wire, with two fixture upstreams and one app. */
@Timeout(60)
class GatewayProtocolTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        JsonObject config = Upstreams.services(
                        "fx", Upstreams.fixtureStdio("--name", "fx"),
                        "fy", Upstreams.fixtureStdio("--name", "fy", "--prefix", "y_"))
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "only-y",
                                        new JsonObject()
                                                .put("prefix", "/only-y")
                                                .put("services", new JsonArray().add("fy"))))
                .put("catalog", new JsonObject().put("pageSize", 4))
                .put("http", new JsonObject().put("maxBodyBytes", 64 * 1024));
        gateway = TestGateway.startReady(config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static List<String> toolNames(McpSession session, String path) {
        List<String> names = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
            JsonObject result = session.request("tools/list", params).getJsonObject("result");
            result.getJsonArray("tools").forEach(t -> names.add(((JsonObject) t).getString("name")));
            cursor = result.getString("nextCursor");
        } while (cursor != null);
        return names;
    }

    @Test
    void initializeOpensASessionAndNegotiatesTheVersion() {
        HttpResponse<String> init = gateway.post("/mcp", McpSession.initialize("2025-11-25"), Map.of());
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.headers().firstValue("Mcp-Session-Id")).get().asString().matches("[\\x21-\\x7E]{16,}");
        JsonObject result = new JsonObject(init.body()).getJsonObject("result");
        assertThat(result.getString("protocolVersion")).isEqualTo("2025-11-25");
        assertThat(result.getJsonObject("serverInfo").getString("name")).isEqualTo("mcpstore");
        assertThat(result.getJsonObject("capabilities").getJsonObject("tools").getBoolean("listChanged"))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
    void everySupportedVersionIsAnsweredWithItself(String version) {
        JsonObject result = new JsonObject(gateway.post("/mcp", McpSession.initialize(version), Map.of())
                        .body())
                .getJsonObject("result");
        assertThat(result.getString("protocolVersion")).isEqualTo(version);
    }

    @Test
    void anUnknownVersionIsAnsweredWithTheLatest() {
        JsonObject result = new JsonObject(gateway.post("/mcp", McpSession.initialize("1999-01-01"), Map.of())
                        .body())
                .getJsonObject("result");
        assertThat(result.getString("protocolVersion")).isEqualTo("2025-11-25");
    }

    @Test
    void toolsOfBothUpstreamsArePrefixedAndPaginated() {
        McpSession session = McpSession.open(gateway, "/mcp");
        JsonObject first = session.request("tools/list", new JsonObject()).getJsonObject("result");
        assertThat(first.getJsonArray("tools")).hasSize(4);
        assertThat(first.getString("nextCursor")).isNotBlank();
        List<String> all = toolNames(session, "/mcp");
        assertThat(all)
                .contains("fx__echo", "fx__add", "fy__y_echo", "fy__y_add")
                .doesNotHaveDuplicates();
    }

    @Test
    void aCallReachesTheUpstreamThatOwnsTheTool() {
        McpSession session = McpSession.open(gateway, "/mcp");
        JsonObject fx =
                session.call("fx__echo", new JsonObject().put("text", "hello")).getJsonObject("result");
        assertThat(fx.getJsonArray("content").getJsonObject(0).getString("text"))
                .contains("hello");
        JsonObject sum = session.call("fy__y_add", new JsonObject().put("a", 2).put("b", 40))
                .getJsonObject("result");
        assertThat(sum.encode()).contains("42");
    }

    @Test
    void resourcesTemplatesAndPromptsAreMergedAndRouted() {
        McpSession session = McpSession.open(gateway, "/mcp");
        JsonArray resources = session.request("resources/list", new JsonObject())
                .getJsonObject("result")
                .getJsonArray("resources");
        assertThat(resources.encode()).contains("fixture://static");
        JsonObject read = session.request("resources/read", new JsonObject().put("uri", "fixture://static"));
        assertThat(read.getJsonObject("result").getJsonArray("contents")).isNotEmpty();
        JsonObject templated = session.request("resources/read", new JsonObject().put("uri", "fixture://items/7"));
        assertThat(templated.getJsonObject("result").encode()).contains("7");
        JsonArray templates = session.request("resources/templates/list", new JsonObject())
                .getJsonObject("result")
                .getJsonArray("resourceTemplates");
        assertThat(templates.encode()).contains("fixture://items/{id}");
        JsonObject prompt = session.request(
                "prompts/get",
                new JsonObject()
                        .put("name", "fx__fixture_prompt")
                        .put("arguments", new JsonObject().put("topic", "otters")));
        assertThat(prompt.getJsonObject("result").encode()).contains("otters");
        JsonObject missing = session.request("resources/read", new JsonObject().put("uri", "nowhere://x"));
        assertThat(missing.getJsonObject("error").getInteger("code")).isEqualTo(-32002);
    }

    @Test
    void anAppShowsOnlyItsServicesAndKeepsItsSessions() {
        McpSession app = McpSession.open(gateway, "/only-y/mcp");
        assertThat(toolNames(app, "/only-y/mcp")).isNotEmpty().allMatch(n -> n.startsWith("fy__"));
        assertThat(app.call("fx__echo", new JsonObject().put("text", "x"))
                        .getJsonObject("error")
                        .getString("message"))
                .contains("Unknown tool");
        // The app's session is not a session of the gateway's own endpoint.
        HttpResponse<String> elsewhere = gateway.post(
                "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", Map.of("Mcp-Session-Id", app.id()));
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    @Test
    void malformedInputGetsTheRightJsonRpcError() {
        McpSession session = McpSession.open(gateway, "/mcp");
        assertError(session.post("{not json"), 400, -32700);
        assertError(session.post("[1,2"), 400, -32700);
        assertError(session.post("{\"hello\":\"world\"}"), 400, -32600);
        assertError(session.post("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}"), 400, -32600);
        assertError(session.post("\"just a string\""), 400, -32600);
        assertError(session.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/destroy\"}"), 200, -32601);
        JsonObject unknown = session.call("fx__nope", new JsonObject());
        assertThat(unknown.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        assertThat(unknown.getJsonObject("error").getString("message")).contains("fx__nope");
        JsonObject badArgs = session.request(
                "tools/call", new JsonObject().put("name", "fx__echo").put("arguments", new JsonArray()));
        assertThat(badArgs.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        JsonObject badCursor = session.request("tools/list", new JsonObject().put("cursor", "bogus"));
        assertThat(badCursor.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        // The upstream's own -32602 for arguments that break the tool's schema travels back unchanged.
        JsonObject schema = session.call("fx__add", new JsonObject().put("a", "two"));
        assertThat(schema.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    }

    @Test
    void aBodyOverTheLimitIs413() {
        McpSession session = McpSession.open(gateway, "/mcp");
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"fx__echo\","
                + "\"arguments\":{\"text\":\"" + "a".repeat(70 * 1024) + "\"}}}";
        assertThat(session.post(big).statusCode()).isEqualTo(413);
        // The session is still fine afterwards.
        assertThat(session.request("ping", new JsonObject()).getJsonObject("result"))
                .isEmpty();
    }

    @Test
    void notificationsAndResponsesAre202WithNoBody() {
        McpSession session = McpSession.open(gateway, "/mcp");
        HttpResponse<String> notification =
                session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(notification.statusCode()).isEqualTo(202);
        assertThat(notification.body()).isEmpty();
        HttpResponse<String> response = session.post("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}");
        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void sessionRulesFollowTheSpec() {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        assertThat(gateway.post("/mcp", ping, Map.of()).statusCode()).isEqualTo(400);
        assertThat(gateway.post("/mcp", ping, Map.of("Mcp-Session-Id", "no-such-session"))
                        .statusCode())
                .isEqualTo(404);
        McpSession session = McpSession.open(gateway, "/mcp");
        assertThat(session.post(ping, Map.of("Mcp-Protocol-Version", "2099-01-01"))
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> delete = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Mcp-Session-Id", session.id())
                .DELETE()
                .build());
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(session.post(ping).statusCode()).isEqualTo(404);
    }

    @Test
    void contentNegotiationAndMethodRules() {
        String ping = McpSession.initialize("2025-11-25");
        HttpResponse<String> jsonOnly = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ping))
                .build());
        assertThat(jsonOnly.statusCode()).isEqualTo(406);
        HttpResponse<String> text = gateway.post("/mcp", ping, Map.of("Content-Type", "text/plain"));
        assertThat(text.statusCode()).isEqualTo(415);
        HttpResponse<String> put = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST, DELETE");
        McpSession session = McpSession.open(gateway, "/mcp");
        HttpResponse<String> getJson = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "application/json")
                .header("Mcp-Session-Id", session.id())
                .GET()
                .build());
        assertThat(getJson.statusCode()).isEqualTo(406);
    }

    @Test
    void dnsRebindingIsRefused() {
        String init = McpSession.initialize("2025-11-25");
        assertThat(gateway.post("/mcp", init, Map.of("Origin", "http://evil.example.com"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(gateway.post("/mcp", init, Map.of("Origin", "http://localhost:3000"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(rawStatus("POST /mcp HTTP/1.1\r\nHost: evil.example.com\r\nAccept: application/json, "
                        + "text/event-stream\r\nContent-Type: application/json\r\nContent-Length: " + init.length()
                        + "\r\nConnection: close\r\n\r\n" + init))
                .isEqualTo(403);
    }

    /** java.net.http will not let a test set Host, so this one speaks HTTP/1.1 on a socket. */
    private static int rawStatus(String request) {
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", gateway.store().port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void batchesOnlyFor2025_03_26() {
        String batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"fx__echo\","
                + "\"arguments\":{\"text\":\"b\"}}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}]";
        McpSession old = McpSession.open(gateway, "/mcp", "2025-03-26");
        HttpResponse<String> answered = old.post(batch);
        assertThat(answered.statusCode()).isEqualTo(200);
        JsonArray answers = new JsonArray(answered.body());
        assertThat(answers).hasSize(3);
        assertThat(answers.getJsonObject(0).getInteger("id")).isEqualTo(1);
        assertThat(answers.getJsonObject(1).getJsonObject("result").encode()).contains("b");
        assertThat(answers.getJsonObject(2).getJsonObject("result").getJsonArray("tools"))
                .hasSize(4);
        McpSession current = McpSession.open(gateway, "/mcp", "2025-11-25");
        assertError(current.post(batch), 400, -32600);
    }

    @Test
    void theGetStreamIsPrimedAndCarriesListChanged() throws Exception {
        McpSession session = McpSession.open(gateway, "/mcp");
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        HttpClient client = HttpClient.newHttpClient();
        var stream = client.sendAsync(
                HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                        .header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", session.id())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        Thread reader = new Thread(() -> response.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        assertThat(lines.poll(5, TimeUnit.SECONDS)).startsWith("id: ");
        assertThat(lines.poll(5, TimeUnit.SECONDS)).isEqualTo("data: ");

        // A second GET stream on the same session is refused.
        HttpResponse<String> second = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session.id())
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build());
        assertThat(second.statusCode()).isEqualTo(409);

        session.call("fx__add_tool", new JsonObject().put("name", "freshly_added"));
        String notification = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (notification == null && System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains("notifications/tools/list_changed")) notification = line;
        }
        assertThat(notification).isNotNull();
        assertThat(toolNames(session, "/mcp")).contains("fx__freshly_added");
    }

    @Test
    void legacySseAnswersOnTheStream() throws Exception {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(gateway.url() + "/only-y/sse"))
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        Thread reader = new Thread(() -> response.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        String endpoint = null;
        while (endpoint == null) {
            String line = lines.poll(5, TimeUnit.SECONDS);
            assertThat(line).isNotNull();
            if (line.startsWith("data: ")) endpoint = line.substring(6);
        }
        assertThat(endpoint).startsWith("/only-y/message?sessionId=");
        HttpResponse<String> posted = gateway.post(endpoint, McpSession.initialize("2024-11-05"), Map.of());
        assertThat(posted.statusCode()).isEqualTo(202);
        gateway.post(endpoint, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", Map.of());
        String init = nextData(lines);
        assertThat(new JsonObject(init).getJsonObject("result").getString("protocolVersion"))
                .isEqualTo("2024-11-05");
        String list = nextData(lines);
        assertThat(list).contains("fy__y_echo").doesNotContain("fx__echo");
        assertThat(gateway.post("/only-y/message?sessionId=nope", "{}", Map.of())
                        .statusCode())
                .isEqualTo(404);
    }

    private static String nextData(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("an SSE data line").isNotNull();
            if (line.startsWith("data: {")) return line.substring(6);
        }
    }

    private static void assertError(HttpResponse<String> response, int status, int code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(new JsonObject(response.body()).getJsonObject("error").getInteger("code"))
                .isEqualTo(code);
    }
}
