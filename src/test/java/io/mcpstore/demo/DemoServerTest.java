package io.mcpstore.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.fixture.SdkClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo server as the gateway runs it: a stdio child process, driven by the official MCP Java SDK client. */
@Timeout(30)
class DemoServerTest {
    private static McpSyncClient client;

    @BeforeAll
    static void start() {
        client = SdkClients.stdio(DemoServer.class.getName());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void introducesItself() {
        assertThat(client.getServerInfo().name()).isEqualTo(DemoServer.NAME);
        assertThat(client.getCurrentInitializationResult().protocolVersion()).isEqualTo("2025-11-25");
        assertThat(client.getServerCapabilities().tools().listChanged()).isTrue();
        assertThat(client.getServerInstructions()).contains("MCPStore");
    }

    @Test
    void listsItsTools() {
        assertThat(client.listTools().tools())
                .extracting(McpSchema.Tool::name)
                .containsExactly("echo", "add", "now", "word_count");
    }

    @Test
    void echoesAddsAndCountsWords() {
        assertThat(text(call("echo", Map.of("text", "hello MCPStore")))).isEqualTo("hello MCPStore");

        McpSchema.CallToolResult sum = call("add", Map.of("a", 2, "b", 3));
        assertThat(text(sum)).isEqualTo("5");
        assertThat(sum.structuredContent()).isEqualTo(Map.of("sum", 5));
        assertThat(text(call("add", Map.of("a", 0.1, "b", 0.2)))).isEqualTo("0.3");

        McpSchema.CallToolResult counted = call("word_count", Map.of("text", "one two  three\nfour"));
        assertThat(text(counted)).isEqualTo("4 words, 19 characters, 2 lines");
    }

    @Test
    void tellsTheTimeInAZone() {
        McpSchema.CallToolResult utc = call("now", Map.of());
        assertThat(OffsetDateTime.parse(text(utc)).getOffset().getTotalSeconds())
                .isZero();

        McpSchema.CallToolResult tokyo = call("now", Map.of("timezone", "Asia/Tokyo"));
        assertThat(OffsetDateTime.parse(text(tokyo)).getOffset().getTotalSeconds())
                .isEqualTo(9 * 3600);

        McpSchema.CallToolResult nowhere = call("now", Map.of("timezone", "Mars/Olympus"));
        assertThat(nowhere.isError()).isTrue();
        assertThat(text(nowhere)).contains("Mars/Olympus");
    }

    @Test
    void rejectsUnknownToolsAndBadArguments() {
        assertThatThrownBy(() -> call("teleport", Map.of())).isInstanceOfSatisfying(McpError.class, e -> {
            assertThat(e.getJsonRpcError().code()).isEqualTo(-32602);
            assertThat(e.getJsonRpcError().message()).contains("teleport");
        });
        assertThatThrownBy(() -> call("add", Map.of("a", "two", "b", 3))).isInstanceOfSatisfying(McpError.class, e -> {
            assertThat(e.getJsonRpcError().code()).isEqualTo(-32602);
            assertThat(e.getJsonRpcError().message()).contains("'a'");
        });
    }

    @Test
    void readsTheReadmeAndNotes() {
        assertThat(resourceText("demo://readme")).contains("MCPStore demo server");
        assertThat(resourceText("demo://notes/welcome")).startsWith("Welcome to MCPStore");
        assertThat(client.listResourceTemplates().resourceTemplates())
                .extracting(McpSchema.ResourceTemplate::uriTemplate)
                .containsExactly("demo://notes/{name}");
        assertThatThrownBy(() -> resourceText("demo://notes/missing"))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32002));
    }

    @Test
    void rendersAndCompletesTheGreetingPrompt() {
        McpSchema.GetPromptResult prompt =
                client.getPrompt(new McpSchema.GetPromptRequest("greeting", Map.of("name", "Grace")));
        assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                .contains("Grace");

        McpSchema.CompleteResult completed = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("greeting"),
                new McpSchema.CompleteRequest.CompleteArgument("name", "a")));
        assertThat(completed.completion().values()).containsExactly("Ada", "Alan");
    }

    private static McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static String resourceText(String uri) {
        McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest(uri));
        return ((McpSchema.TextResourceContents) read.contents().get(0)).text();
    }
}
