package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.demo.Eras;
import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our fixture speaking only 2026-07-28 (its conformance tools), over stdio and Streamable HTTP, behind the gateway
 * and called by a 2025-era client (the MCP Java SDK): every input the tools ask for reaches the client through
 * input_required rounds, the fixture's strict SEP-2243 header checks pass, and its tool changes reach the client.
 */
@Timeout(120)
class FixtureEraUpstreamTest {
    static Vertx vertx;
    static FixtureServer.Running http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        http = FixtureServer.startHttp(
                        vertx, FixtureOptions.defaults().withConformance(true).withEras(Eras.V2026))
                .await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) http.close().await(30, TimeUnit.SECONDS);
        if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static JsonObject upstream(String transport, String era) {
        if (transport.equals("stdio")) return Upstreams.fixtureStdio("--conformance", "--era", era);
        return Upstreams.url(http.url());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest("conf__" + tool, arguments));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stdio", "http"})
    void everyInputTheUpstreamAsksForIsAnsweredByTheCallingClient(String transport) {
        List<String> asked = new CopyOnWriteArrayList<>();
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services("conf", upstream(transport, "2026")));
                McpSyncClient client = gateway.client(
                        "streamable",
                        s -> s.capabilities(McpSchema.ClientCapabilities.builder()
                                        .sampling()
                                        .elicitation()
                                        .roots(true)
                                        .build())
                                .roots(List.of(new McpSchema.Root("file:///home/ada", "home")))
                                .sampling(request -> {
                                    asked.add("sampling");
                                    return McpSchema.CreateMessageResult.builder(
                                                    McpSchema.Role.ASSISTANT, "Paris", "test-model")
                                            .build();
                                })
                                .elicitation(request -> {
                                    asked.add(request.message());
                                    return new McpSchema.ElicitResult(
                                            McpSchema.ElicitResult.Action.ACCEPT,
                                            Map.of("name", "Ada", "color", "green", "ok", true));
                                }))) {
            assertThat(gateway.service("conf").getString("era")).isEqualTo("2026-07-28");

            assertThat(text(call(client, "test_input_required_result_elicitation", Map.of())))
                    .isEqualTo("Hello, Ada!");
            assertThat(text(call(client, "test_input_required_result_sampling", Map.of())))
                    .contains("Paris");
            assertThat(text(call(client, "test_input_required_result_list_roots", Map.of())))
                    .contains("file:///home/ada");
            assertThat(text(call(client, "test_input_required_result_multiple_inputs", Map.of())))
                    .contains("name=Ada")
                    .contains("Paris")
                    .contains("file:///home/ada");
            assertThat(text(call(client, "test_input_required_result_multi_round", Map.of())))
                    .isEqualTo("name=Ada, color=green");
            // The fixture seals its requestState: it is only accepted back untouched.
            assertThat(call(client, "test_input_required_result_request_state", Map.of())
                            .isError())
                    .isNotEqualTo(Boolean.TRUE);
            assertThat(asked)
                    .contains("sampling", "Step 1: What is your name?", "Step 2: What is your favorite color?");
            // The fixture refuses a POST whose Mcp-Param-Region does not match the body (400 + -32020).
            assertThat(text(call(client, "test_header_param", Map.of("region", "eu-west 1"))))
                    .isEqualTo("region=eu-west 1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stdio", "http"})
    void toolChangesReachTheClientAsListChanged(String transport) {
        List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services("conf", upstream(transport, "2026")));
                McpSyncClient client = gateway.client("streamable", s -> s.toolsChangeConsumer(changes::add))) {
            boolean before =
                    client.listTools().tools().stream().anyMatch(t -> t.name().equals("conf__test_dynamic_tool"));
            call(client, "test_trigger_tool_change", Map.of());
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(changes)
                            .anySatisfy(tools -> assertThat(tools.stream()
                                            .anyMatch(t -> t.name().equals("conf__test_dynamic_tool")))
                                    .isNotEqualTo(before)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"both", "2025"})
    void aServerOfBothErasIsSpokenTo2026AndA2025OneWithASession(String era) {
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services("conf", upstream("stdio", era)))) {
            assertThat(gateway.service("conf").getString("era"))
                    .isEqualTo(era.equals("both") ? "2026-07-28" : "2025-11-25");
        }
    }
}
