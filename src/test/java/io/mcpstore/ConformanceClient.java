package io.mcpstore;

import io.mcpstore.config.GatewayConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as the client the conformance suite tests ({@code conformance client --command CMD --scenario S}).
 * The suite runs {@code CMD <server url>}; this starts a gateway whose only upstream is that URL, then drives it
 * through the gateway as an MCP client (the official Java SDK, a 2025-era client) would: list the tools, call each
 * one (or the calls the scenario names in {@code MCP_CONFORMANCE_CONTEXT}), read each resource, get each prompt,
 * answer sampling and elicitation requests (applying the schema's defaults), and exit 0. The upstream may speak
 * either era: with a 2026-07-28 scenario server the gateway is the 2026 client under test.
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
            McpSchema.InitializeResult initialized = client.initialize();
            JsonObject context = new JsonObject(Optional.ofNullable(System.getenv("MCP_CONFORMANCE_CONTEXT"))
                    .orElse("{}"));
            if (context.getValue("toolCalls") instanceof JsonArray calls) {
                // The scenario names the calls to make (with arguments it then checks in the headers).
                for (Object o : calls) {
                    JsonObject call = (JsonObject) o;
                    call(
                            client,
                            call.getString("name"),
                            call.getJsonObject("arguments", new JsonObject()).getMap());
                }
            } else {
                for (McpSchema.Tool tool : client.listTools().tools()) {
                    call(client, tool.name(), arguments(tool.inputSchema()));
                }
            }
            McpSchema.ServerCapabilities capabilities = initialized.capabilities();
            if (capabilities.resources() != null) {
                for (McpSchema.Resource resource : client.listResources().resources()) {
                    client.readResource(new McpSchema.ReadResourceRequest(resource.uri()));
                    System.err.println("read " + resource.uri());
                }
            }
            if (capabilities.prompts() != null) {
                for (McpSchema.Prompt prompt : client.listPrompts().prompts()) {
                    Map<String, Object> arguments = new LinkedHashMap<>();
                    if (prompt.arguments() != null) prompt.arguments().forEach(a -> arguments.put(a.name(), "test"));
                    client.getPrompt(new McpSchema.GetPromptRequest(prompt.name(), arguments));
                    System.err.println("got prompt " + prompt.name());
                }
            }
        } finally {
            client.closeGracefully();
        }
    }

    /** One tool call; an error answer is printed (a scenario server may list tools it does not serve). */
    private static void call(McpSyncClient client, String name, Map<String, Object> arguments) {
        try {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(name, arguments));
            System.err.println(name + " -> " + result.content());
        } catch (RuntimeException e) { // McpError, or the reactor exception wrapping it
            System.err.println(name + " -> error " + e.getMessage());
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
