package io.mcpstore;

import static io.mcpstore.ClusterNodes.BOUND;
import static io.mcpstore.ClusterNodes.await;
import static io.mcpstore.ClusterNodes.fixture;
import static io.mcpstore.ClusterNodes.freePort;
import static io.mcpstore.ClusterNodes.kill;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.ClusterNodes.Node;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 2025-era sessions in a cluster of three gateway processes: a session opened on one node is continued on the others
 * (requests, its GET stream, a relayed elicitation, DELETE), ends everywhere when deleted, and is gone (404) when its
 * node dies; an MCP SDK client behind a round-robin balancer does not notice which node answers.
 */
@Timeout(240)
class ClusterSessionsTest {
    private static final String END = "\u0000end";
    private static final java.util.Set<String> HOP_BY_HOP =
            java.util.Set.of("connection", "keep-alive", "transfer-encoding", "upgrade");
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    private final ClusterNodes nodes = new ClusterNodes("cluster-sessions-test");
    private Vertx vertx;

    ClusterSessionsTest() throws IOException {}

    @AfterEach
    void stopAll() throws Exception {
        try {
            nodes.close();
        } finally {
            if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private List<Node> threeNodesWithFx() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        Node n1 = nodes.start("n1", ports.get(0), ports);
        Node n2 = nodes.start("n2", ports.get(1), ports);
        Node n3 = nodes.start("n3", ports.get(2), ports);
        for (Node n : nodes.all()) n.gateway().awaitReady(BOUND);
        await(
                "three members",
                () -> nodes.all().stream()
                        .allMatch(n ->
                                n.gateway().ready().getJsonObject("cluster").getInteger("members") == 3));
        nodes.addService(n1.gateway(), "fx", fixture("fx"));
        for (Node n : nodes.all()) {
            await(
                    "fx through " + n.mark(),
                    () -> ClusterNodes.text(
                            ClusterNodes.call(n.gateway(), "fx__echo", new JsonObject().put("text", "up"))));
        }
        return List.of(n1, n2, n3);
    }

    @Test
    void aSessionOpenedOnNodeOneIsServedByEveryNodeEndsEverywhereAndDiesWithItsNode() throws Exception {
        List<Node> n = threeNodesWithFx();
        TestGateway g1 = n.get(0).gateway(),
                g2 = n.get(1).gateway(),
                g3 = n.get(2).gateway();

        String id = initialize(g1);
        assertThat(post(g2, id, notification("notifications/initialized")).statusCode())
                .isEqualTo(202);
        JsonObject tools = answer(post(g3, id, request(2, "tools/list", new JsonObject())));
        assertThat(tools.encode()).contains("fx__echo");
        for (int i = 0; i < 4; i++) {
            TestGateway via = i % 2 == 0 ? g2 : g3;
            JsonObject echoed =
                    answer(post(via, id, call(10 + i, "fx__echo", new JsonObject().put("text", "hop " + i))));
            assertThat(echoed.getJsonObject("result").encode()).contains("hop " + i);
        }
        // A state-changing method through a non-owner is answered (by the owner).
        assertThat(answer(post(g3, id, request(20, "logging/setLevel", new JsonObject().put("level", "debug"))))
                        .containsKey("result"))
                .isTrue();

        // The GET stream through node 2 hears of a service added through node 3; a second one is refused.
        Lines stream = get(g2, id);
        assertThat(stream.status).isEqualTo(200);
        assertThat(get(g3, id).status).isEqualTo(409);
        nodes.addService(g3, "fy", fixture("fy"));
        assertThat(stream.await("notifications/tools/list_changed")).isNotNull();

        // An elicitation during a call made through node 2 reaches the client; its answer, posted to node 3, the tool.
        Lines call = postStreaming(
                g2,
                id,
                call(
                        30,
                        "fx__together",
                        new JsonObject()
                                .put("group", "g-" + System.nanoTime())
                                .put("size", 1)
                                .put("tag", "asked")
                                .put("ask", true)));
        String asked = call.await("elicitation/create");
        assertThat(asked).as("the elicitation on the call's stream").isNotNull();
        JsonObject question = new JsonObject(asked.substring(asked.indexOf('{')));
        JsonObject reply = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", question.getValue("id"))
                .put(
                        "result",
                        new JsonObject()
                                .put("action", "accept")
                                .put("content", new JsonObject().put("answer", "forty-two")));
        assertThat(post(g3, id, reply.encode()).statusCode()).isEqualTo(202);
        String result = call.await("asked got");
        assertThat(result).as("the tool's answer").contains("forty-two");

        // An id no node sealed, or a sealed one changed, is unknown everywhere.
        assertThat(post(
                                g2,
                                "c1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                request(3, "ping", new JsonObject()))
                        .statusCode())
                .isEqualTo(404);
        String tampered = id.substring(0, id.length() - 2) + (id.endsWith("A") ? "BB" : "AA");
        assertThat(post(g3, tampered, request(3, "ping", new JsonObject())).statusCode())
                .isEqualTo(404);

        // DELETE through node 3 ends it on every node, and its stream on node 2.
        assertThat(delete(g3, id)).isEqualTo(200);
        for (TestGateway via : List.of(g1, g2, g3)) {
            assertThat(post(via, id, request(40, "tools/list", new JsonObject()))
                            .statusCode())
                    .as("after DELETE, through " + via.url())
                    .isEqualTo(404);
        }
        assertThat(stream.await(END)).as("the GET stream ends").isNotNull();

        // The owner dies: its sessions are gone on the survivors (404), and a fresh initialize works there.
        String second = initialize(g1);
        assertThat(answer(post(g2, second, request(50, "ping", new JsonObject())))
                        .containsKey("result"))
                .isTrue();
        Lines orphan = get(g2, second);
        assertThat(orphan.status).isEqualTo(200);
        kill(n.get(0));
        for (TestGateway via : List.of(g2, g3)) {
            await(
                    "404 for the dead node's session through " + via.url(),
                    () -> post(via, second, request(51, "ping", new JsonObject()))
                                    .statusCode()
                            == 404);
        }
        assertThat(orphan.await(END)).as("its GET stream on node 2 ends").isNotNull();
        String fresh = initialize(g3);
        await("fx answers again through node 2", () -> {
            JsonObject a = answer(post(g2, fresh, call(60, "fx__echo", new JsonObject().put("text", "fresh"))));
            return a.containsKey("result") && a.encode().contains("fresh") ? a : null;
        });
    }

    @Test
    void anSdkClientBehindARoundRobinBalancerDoesNotNoticeWhichNodeAnswers() throws Exception {
        List<Node> n = threeNodesWithFx();
        vertx = Vertx.vertx();
        Map<Integer, AtomicInteger> served = new ConcurrentHashMap<>();
        int port = balancer(
                n.stream().map(x -> URI.create(x.gateway().url()).getPort()).toList(), served);
        TestGateway front = TestGateway.remote("http://127.0.0.1:" + port);
        McpSyncClient client = front.client(
                "streamable",
                spec -> spec.capabilities(McpSchema.ClientCapabilities.builder()
                                .elicitation()
                                .build())
                        .elicitation(request -> new McpSchema.ElicitResult(
                                McpSchema.ElicitResult.Action.ACCEPT, Map.of("answer", "from the sdk"))));
        try {
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("fx__echo");
            for (int i = 0; i < 6; i++) {
                McpSchema.CallToolResult r =
                        client.callTool(new McpSchema.CallToolRequest("fx__echo", Map.of("text", "call " + i)));
                assertThat(r.isError()).isNotEqualTo(Boolean.TRUE);
                assertThat(((McpSchema.TextContent) r.content().get(0)).text()).isEqualTo("call " + i);
            }
            McpSchema.CallToolResult asked = client.callTool(new McpSchema.CallToolRequest(
                    "fx__together", Map.of("group", "sdk-" + System.nanoTime(), "size", 1, "tag", "sdk", "ask", true)));
            assertThat(((McpSchema.TextContent) asked.content().get(0)).text()).contains("from the sdk");
            client.ping();
        } finally {
            client.closeGracefully();
        }
        // Every node answered some of the session's requests.
        assertThat(served).hasSize(3);
        System.out.printf("cluster sessions: requests per node behind the balancer: %s%n", served);
    }

    // ---- the wire

    private static String initialize(TestGateway via) {
        JsonObject init = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 1)
                .put("method", "initialize")
                .put(
                        "params",
                        new JsonObject()
                                .put("protocolVersion", "2025-11-25")
                                .put("capabilities", new JsonObject().put("elicitation", new JsonObject()))
                                .put(
                                        "clientInfo",
                                        new JsonObject().put("name", "test").put("version", "1")));
        HttpResponse<String> r = via.post("/mcp", init.encode(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpResponse<String> post(TestGateway via, String id, String body) {
        return via.post("/mcp", body, Map.of("Mcp-Session-Id", id, "Mcp-Protocol-Version", "2025-11-25"));
    }

    private static int delete(TestGateway via, String id) {
        return via.send(HttpRequest.newBuilder(URI.create(via.url() + "/mcp"))
                        .header("Mcp-Session-Id", id)
                        .DELETE()
                        .build())
                .statusCode();
    }

    private static String request(int id, String method, JsonObject params) {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", method)
                .put("params", params)
                .encode();
    }

    private static String call(int id, String tool, JsonObject arguments) {
        return request(id, "tools/call", new JsonObject().put("name", tool).put("arguments", arguments));
    }

    private static String notification(String method) {
        return new JsonObject().put("jsonrpc", "2.0").put("method", method).encode();
    }

    /** The JSON-RPC response of a POST: its body, or the last message of its SSE stream. */
    private static JsonObject answer(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return new JsonObject(r.body());
        }
        JsonObject last = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:"))
                last = new JsonObject(line.substring(5).strip());
        }
        return last;
    }

    /** A response read line by line as it arrives; {@link #END} when it ends. */
    private static final class Lines {
        final int status;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Lines(HttpResponse<Stream<String>> response) {
            status = response.statusCode();
            Thread reader = new Thread(
                    () -> {
                        try {
                            response.body().forEach(lines::add);
                        } catch (RuntimeException ignored) {
                            // closed
                        }
                        lines.add(END);
                    },
                    "lines");
            reader.setDaemon(true);
            reader.start();
        }

        String await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(text)) return line;
                if (END.equals(line)) return null;
            }
            return null;
        }
    }

    private static Lines get(TestGateway via, String id) throws Exception {
        return new Lines(HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(via.url() + "/mcp"))
                                .header("Accept", "text/event-stream")
                                .header("Mcp-Session-Id", id)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(20, TimeUnit.SECONDS));
    }

    private static Lines postStreaming(TestGateway via, String id, String body) throws Exception {
        return new Lines(HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(via.url() + "/mcp"))
                                .header("Accept", "application/json, text/event-stream")
                                .header("Content-Type", "application/json")
                                .header("Mcp-Session-Id", id)
                                .header("Mcp-Protocol-Version", "2025-11-25")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(20, TimeUnit.SECONDS));
    }

    /**
     * A load balancer without stickiness: each HTTP request goes to the next node in turn (streams are piped as they
     * come); {@code served} counts the requests each node port got. Its port.
     */
    private int balancer(List<Integer> ports, Map<Integer, AtomicInteger> served) throws Exception {
        HttpClient client = vertx.createHttpClient();
        AtomicInteger next = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(in -> {
            in.pause();
            int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
            served.computeIfAbsent(port, p -> new AtomicInteger()).incrementAndGet();
            client.request(new RequestOptions()
                            .setMethod(in.method())
                            .setHost("127.0.0.1")
                            .setPort(port)
                            .setURI(in.uri()))
                    .compose(out -> {
                        in.headers().forEach(h -> {
                            if (!h.getKey().equalsIgnoreCase("Host")) out.putHeader(h.getKey(), h.getValue());
                        });
                        return out.send(in);
                    })
                    .onSuccess((HttpClientResponse back) -> {
                        var response = in.response().setStatusCode(back.statusCode());
                        back.headers().forEach(h -> {
                            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                                response.putHeader(h.getKey(), h.getValue());
                            }
                        });
                        if (back.getHeader("Content-Length") == null) response.setChunked(true);
                        back.pipeTo(response);
                    })
                    .onFailure(e -> in.response().setStatusCode(502).end(String.valueOf(e.getMessage())));
        });
        return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }
}
