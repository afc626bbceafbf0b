package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.demo.Eras;
import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.mcpstore.fixture.TsClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real clients of one era calling, through the gateway, an upstream of the other era: the fixture speaking only
 * 2025-11-25 or only 2026-07-28. Each client calls a sampling, an elicitation and a roots tool (answered by its own
 * handlers: server→client requests for a 2025 client, {@code input_required} rounds for a 2026 client) and gets
 * {@code notifications/tools/list_changed} its own era's way (the session's stream, or {@code subscriptions/listen}).
 * The 2026 client is the TypeScript SDK v2 ({@code @modelcontextprotocol/client} 2.4.0, pinned to 2026-07-28); the
 * 2025 clients are the Java SDK and the TypeScript SDK 1.x.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MixedErasTest {
    private static final List<String> ASKING_TOOLS = List.of(
            "test_input_required_result_sampling",
            "test_input_required_result_elicitation",
            "test_input_required_result_list_roots");

    private Vertx vertx;
    private FixtureServer.Running fixture;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) TestGateway.await(fixture.close());
        TestGateway.await(vertx.close());
    }

    /** A gateway in front of the conformance fixture speaking only {@code eras}, tool names unchanged. */
    private TestGateway gatewayOn(Eras eras) {
        fixture = TestGateway.await(FixtureServer.startHttp(
                vertx, FixtureOptions.defaults().withConformance(true).withEras(eras)));
        return TestGateway.startReady(Upstreams.services("fx", Upstreams.url(fixture.url()))
                .put("naming", new JsonObject().put("mode", "never")));
    }

    @Test
    void a2026TypeScriptClientOnA2025Upstream() throws Exception {
        try (TestGateway gateway = gatewayOn(Eras.V2025)) {
            assertThat(gateway.service("fx").getString("era")).isEqualTo("2025-11-25");
            assertAnswered(eraClient("2026", gateway.url() + "/mcp"), "2026-07-28");
        }
    }

    @Test
    void a2025TypeScriptClientOnA2026Upstream() throws Exception {
        try (TestGateway gateway = gatewayOn(Eras.V2026)) {
            assertThat(gateway.service("fx").getString("era")).isEqualTo("2026-07-28");
            assertAnswered(eraClient("2025", gateway.url() + "/mcp"), "2025-11-25");
        }
    }

    @Test
    void a2025TypeScriptClientOnA2026StdioUpstream() throws Exception {
        // Over stdio the fixture's listen stream shares the one channel, its notifications told apart by subscription
        // id.
        JsonObject upstream = Upstreams.fixtureStdio("--conformance", "--era", "2026");
        try (TestGateway gateway = TestGateway.startReady(
                Upstreams.services("fx", upstream).put("naming", new JsonObject().put("mode", "never")))) {
            assertThat(gateway.service("fx").getString("era")).isEqualTo("2026-07-28");
            assertAnswered(eraClient("2025", gateway.url() + "/mcp"), "2025-11-25");
        }
    }

    @Test
    void a2026TypeScriptClientOnA2026UpstreamPassesThrough() throws Exception {
        try (TestGateway gateway = gatewayOn(Eras.V2026)) {
            assertAnswered(eraClient("2026", gateway.url() + "/mcp"), "2026-07-28");
        }
    }

    @Test
    void a2025JavaClientOnA2026Upstream() {
        List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
        try (TestGateway gateway = gatewayOn(Eras.V2026);
                McpSyncClient client = gateway.client(
                        "streamable",
                        s -> s.capabilities(McpSchema.ClientCapabilities.builder()
                                        .sampling()
                                        .elicitation()
                                        .roots(true)
                                        .build())
                                .roots(List.of(new McpSchema.Root("file:///java/root", "java root")))
                                .sampling(request -> McpSchema.CreateMessageResult.builder(
                                                McpSchema.Role.ASSISTANT, "Paris", "java-model")
                                        .build())
                                .elicitation(request -> new McpSchema.ElicitResult(
                                        McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", "Grace")))
                                .toolsChangeConsumer(changes::add))) {
            assertThat(text(client.callTool(call("test_input_required_result_sampling"))))
                    .isEqualTo("LLM response: Paris");
            assertThat(text(client.callTool(call("test_input_required_result_elicitation"))))
                    .isEqualTo("Hello, Grace!");
            assertThat(text(client.callTool(call("test_input_required_result_list_roots"))))
                    .isEqualTo("Roots: file:///java/root");
            client.callTool(call("test_trigger_tool_change"));
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(changes)
                            .anySatisfy(tools -> assertThat(tools)
                                    .extracting(McpSchema.Tool::name)
                                    .contains("test_dynamic_tool")));
        }
    }

    private static void assertAnswered(JsonObject out, String era) {
        assertThat(out.containsKey("error")).as(out.encodePrettily()).isFalse();
        assertThat(out.getString("protocolVersion")).as(out.encode()).isEqualTo(era);
        JsonArray calls = out.getJsonArray("calls");
        assertThat(calls.getJsonObject(0).getString("text")).as(out.encode()).isEqualTo("LLM response: Paris");
        assertThat(calls.getJsonObject(1).getString("text")).as(out.encode()).isEqualTo("Hello, Ada!");
        assertThat(calls.getJsonObject(2).getString("text")).as(out.encode()).isEqualTo("Roots: file:///era/root");
        assertThat(out.getBoolean("listChanged")).as(out.encode()).isTrue();
    }

    /** Runs {@code src/test/node/era-client.mjs}: the TypeScript SDK of that era, its one line of JSON. */
    private static JsonObject eraClient(String era, String url) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "era-client.mjs", "--era", era, "--url", url));
        ASKING_TOOLS.forEach(tool -> command.addAll(List.of("--call", tool)));
        command.addAll(List.of("--trigger", "test_trigger_tool_change", "--timeout", "20000"));
        Process process = new ProcessBuilder(command)
                .directory(TsClient.NODE_DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
            return new JsonObject(out);
        } finally {
            process.destroyForcibly();
        }
    }

    private static McpSchema.CallToolRequest call(String tool) {
        return new McpSchema.CallToolRequest(tool, Map.of());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}
