package io.mcpstore;

import io.mcpstore.config.GatewayConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as the client the conformance suite tests ({@code conformance client --command CMD --scenario S}).
 * The suite runs {@code CMD <server url>}; this starts a gateway whose only upstream is that URL, then drives it
 * through the gateway as an MCP client (the official Java SDK) would: list the tools, call each one, answer
 * sampling and elicitation requests (applying the schema's defaults), and exit 0.
 *
 * <pre>
 * conformance client --scenario tools_call \
 *     --command "java -cp &lt;test classpath&gt; io.mcpstore.ConformanceClient"
 * </pre>
 */
public final class ConformanceClient {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private ConformanceClient() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ConformanceClient <server url>  (the conformance suite appends it)");
            System.exit(2);
        }
        String serverUrl = args[args.length - 1];
        System.err.println("scenario " + System.getenv("MCP_CONFORMANCE_SCENARIO") + " against " + serverUrl);
        JsonObject config = new JsonObject()
                .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
                .put("naming", new JsonObject().put("mode", "never"))
                .put(
                        "services",
                        new JsonObject()
                                .put(
                                        "upstream",
                                        new JsonObject()
                                                .put("url", serverUrl)
                                                .put("timeoutMs", STEP_TIMEOUT.toMillis())
                                                .put("pingIntervalMs", 0)
                                                .put("maxRestarts", 1)));
        McpStore store = McpStore.start(GatewayConfig.fromJson(config)).await(30, TimeUnit.SECONDS);
        int exit = 0;
        try {
            awaitReady(store.url());
            drive(store.url());
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            store.close().await(30, TimeUnit.SECONDS);
        }
        System.exit(exit);
    }

    /** What a user's MCP client would do through the gateway: list the tools and call each of them. */
    private static void drive(String gatewayUrl) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(gatewayUrl)
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(STEP_TIMEOUT)
                .initializationTimeout(STEP_TIMEOUT)
                .capabilities(McpSchema.ClientCapabilities.builder()
                        .sampling()
                        .elicitation()
                        .build())
                .sampling(request -> McpSchema.CreateMessageResult.builder(
                                McpSchema.Role.ASSISTANT, "A sampled answer from the conformance client", "test-model")
                        .build())
                .elicitation(request -> new McpSchema.ElicitResult(
                        McpSchema.ElicitResult.Action.ACCEPT, defaults(request.requestedSchema())))
                .build();
        try {
            client.initialize();
            for (McpSchema.Tool tool : client.listTools().tools()) {
                McpSchema.CallToolResult result =
                        client.callTool(new McpSchema.CallToolRequest(tool.name(), arguments(tool.inputSchema())));
                System.err.println(tool.name() + " -> " + result.content());
            }
        } finally {
            client.closeGracefully();
        }
    }

    /** The form a user accepts without changing anything: every field's default. */
    private static Map<String, Object> defaults(Map<String, Object> schema) {
        Map<String, Object> content = new LinkedHashMap<>();
        if (schema != null && schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> {
                if (property instanceof Map<?, ?> p && p.containsKey("default")) {
                    content.put(String.valueOf(name), p.get("default"));
                }
            });
        }
        return content;
    }

    /** Plausible arguments from a tool's input schema: a number for numbers, text for strings, and so on. */
    private static Map<String, Object> arguments(Map<String, Object> schema) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        if (schema == null || !(schema.get("properties") instanceof Map<?, ?> properties)) {
            return arguments;
        }
        int[] next = {2};
        properties.forEach((name, property) -> {
            Object type = property instanceof Map<?, ?> p ? p.get("type") : null;
            Object value = switch (String.valueOf(type)) {
                case "number", "integer" -> next[0]++;
                case "boolean" -> true;
                case "array" -> java.util.List.of();
                case "object" -> Map.of();
                default -> "test";
            };
            arguments.put(String.valueOf(name), value);
        });
        return arguments;
    }

    private static void awaitReady(String gatewayUrl) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(STEP_TIMEOUT);
        HttpRequest ready =
                HttpRequest.newBuilder(URI.create(gatewayUrl + "/health/ready")).build();
        while (true) {
            HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                return;
            }
            // failed: it gave up (an OAuth-protected server answers 401, for instance); waiting longer will not help
            if (answer.body().contains("\"state\":\"failed\"") || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the upstream is not ready: " + answer.body());
            }
            Thread.sleep(50);
        }
    }
}
