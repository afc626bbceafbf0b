package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.fixture.TsClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP SDKs as clients of the gateway, which fronts the reference server (server-everything, stdio)
 * and our fixture: what a user of either SDK sees.
 */
@Timeout(90)
class GatewayClientsTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.startReady(Upstreams.services(
                "everything", Upstreams.everythingStdio(), "fx", Upstreams.fixtureStdio("--name", "fx")));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    private static McpSyncClient javaClient(String transport) {
        return gateway.client(transport, spec -> {});
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable", "sse"})
    void javaSdkSeesOneServerMadeOfBoth(String transport) {
        try (McpSyncClient client = javaClient(transport)) {
            assertThat(client.getServerInfo().name()).isEqualTo("mcpstore");
            List<String> tools = client.listTools().tools().stream()
                    .map(McpSchema.Tool::name)
                    .toList();
            assertThat(tools).contains("everything__echo", "everything__get-sum", "fx__echo", "fx__add");

            var echo =
                    client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "hi there")));
            assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(text(echo)).contains("hi there");
            var sum = client.callTool(new McpSchema.CallToolRequest("everything__get-sum", Map.of("a", 19, "b", 23)));
            assertThat(text(sum)).contains("42");
            var fx = client.callTool(new McpSchema.CallToolRequest("fx__echo", Map.of("text", "from java")));
            assertThat(text(fx)).contains("from java");

            McpSchema.Resource resource = client.listResources().resources().stream()
                    .filter(r -> r.uri().startsWith("demo://"))
                    .findFirst()
                    .orElseThrow();
            var read = client.readResource(new McpSchema.ReadResourceRequest(resource.uri()));
            assertThat(read.contents()).isNotEmpty();
            assertThat(read.contents().get(0).uri()).isEqualTo(resource.uri());

            var prompt = client.getPrompt(new McpSchema.GetPromptRequest("everything__simple-prompt", Map.of()));
            assertThat(prompt.messages()).isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable", "sse"})
    void typeScriptSdkSeesOneServerMadeOfBoth(String transport) throws Exception {
        String url = gateway.url() + (transport.equals("sse") ? "/sse" : "/mcp");
        TsClient.Outcome outcome = TsClient.run(
                url,
                transport,
                "--call",
                "everything__echo",
                "--args",
                "{\"message\":\"from ts\"}",
                "--call",
                "fx__add",
                "--args",
                "{\"a\":1,\"b\":2}",
                "--prompt",
                "fx__fixture_prompt",
                "--prompt-args",
                "{\"topic\":\"otters\"}",
                "--read",
                "fixture://static");
        assertThat(outcome.exitCode()).as(outcome.output().encode()).isZero();
        JsonObject out = outcome.output();
        assertThat(out.getJsonObject("serverInfo").getString("name")).isEqualTo("mcpstore");
        assertThat(out.getJsonArray("tools").getList()).contains("everything__echo", "fx__add");
        assertThat(out.getJsonArray("calls").getJsonObject(0).encode()).contains("from ts");
        assertThat(out.getJsonArray("calls").getJsonObject(1).encode()).contains("3");
        assertThat(out.getValue("prompt").toString()).contains("otters");
        assertThat(out.getValue("read").toString()).contains("fixture://static");
    }

    @Test
    void anUpstreamErrorReachesTheSdkAsAnError() {
        try (McpSyncClient client = javaClient("streamable")) {
            var failed = client.callTool(new McpSchema.CallToolRequest("fx__fail", Map.of()));
            assertThat(failed.isError()).isTrue();
        }
    }
}
