package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What travels the other way during a call — progress, log messages, sampling, elicitation, cancellation — relayed
 * between a real client (the Java SDK, or plain HTTP) and real upstreams (server-everything and our fixture).
 */
@Timeout(90)
class GatewayRelayTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.startReady(Upstreams.services(
                "everything", Upstreams.everythingStdio(), "fx", Upstreams.fixtureStdio("--name", "relay")));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    private static McpSyncClient client(String transport, java.util.function.Consumer<McpClient.SyncSpec> spec) {
        return gateway.client(transport, spec);
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable", "sse"})
    void samplingIsAnsweredByTheCallingClient(String transport) {
        List<McpSchema.CreateMessageRequest> asked = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client(
                transport,
                s -> s.capabilities(McpSchema.ClientCapabilities.builder()
                                .sampling()
                                .build())
                        .sampling(request -> {
                            asked.add(request);
                            return McpSchema.CreateMessageResult.builder(
                                            McpSchema.Role.ASSISTANT, "the client's own answer", "test-model")
                                    .build();
                        }))) {
            var result = client.callTool(new McpSchema.CallToolRequest(
                    "everything__trigger-sampling-request", Map.of("prompt", "say hi", "maxTokens", 20)));
            assertThat(asked).hasSize(1);
            assertThat(text(result)).contains("the client's own answer").contains("test-model");
        }
    }

    @Test
    void elicitationIsAnsweredByTheCallingClient() {
        try (McpSyncClient client = client(
                "streamable",
                s -> s.capabilities(McpSchema.ClientCapabilities.builder()
                                .elicitation()
                                .build())
                        .elicitation(request -> new McpSchema.ElicitResult(
                                McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", "Ada Lovelace"))))) {
            var result =
                    client.callTool(new McpSchema.CallToolRequest("everything__trigger-elicitation-request", Map.of()));
            assertThat(result.content().toString()).contains("Ada Lovelace");
        }
    }

    @Test
    void aClientWithoutSamplingGetsTheToolsErrorNotAHang() {
        try (McpSyncClient client = client("streamable", s -> {})) {
            var result = client.callTool(new McpSchema.CallToolRequest(
                    "everything__trigger-sampling-request", Map.of("prompt", "x", "maxTokens", 5)));
            assertThat(result.isError()).isTrue();
        }
    }

    @Test
    void progressReachesTheClientWithItsOwnToken() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client("streamable", s -> s.progressConsumer(progress::add))) {
            var request = McpSchema.CallToolRequest.builder()
                    .name("everything__trigger-long-running-operation")
                    .arguments(Map.of("duration", 1, "steps", 4))
                    .progressToken("my-token-42")
                    .build();
            var result = client.callTool(request);
            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(progress).hasSizeGreaterThanOrEqualTo(4));
            assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("my-token-42"));
            assertThat(progress.get(progress.size() - 1).progress()).isEqualTo(4.0);
        }
    }

    @Test
    void aCallAnswersInJsonUnlessSomethingTravelsWithIt() throws Exception {
        McpSession session = McpSession.open(gateway, "/mcp");
        HttpResponse<String> plain = session.post(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 7)
                .put("method", "tools/call")
                .put(
                        "params",
                        new JsonObject().put("name", "fx__echo").put("arguments", new JsonObject().put("text", "j")))
                .encode());
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json");

        HttpResponse<String> streamed = session.post(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 8)
                .put("method", "tools/call")
                .put(
                        "params",
                        new JsonObject()
                                .put("name", "fx__slow")
                                .put("arguments", new JsonObject().put("ms", 200))
                                .put("_meta", new JsonObject().put("progressToken", 99)))
                .encode());
        assertThat(streamed.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> data = streamed.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        // A priming event first (empty data), then progress with the client's token, then the answer.
        assertThat(data.get(0)).isEmpty();
        assertThat(data)
                .anySatisfy(
                        d -> assertThat(d).contains("notifications/progress").contains("\"progressToken\":99"));
        JsonObject last = new JsonObject(data.get(data.size() - 1));
        assertThat(last.getInteger("id")).isEqualTo(8);
        assertThat(last.getJsonObject("result")).isNotNull();
    }

    @Test
    void logMessagesDuringACallTravelOnItsStream() {
        List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client("streamable", s -> s.loggingConsumer(logs::add))) {
            client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
            client.callTool(new McpSchema.CallToolRequest("fx__log", Map.of("message", "hello from upstream")));
            // The SDK hands notifications to its consumers on its own threads: the entry may land just after.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(logs)
                            .anySatisfy(
                                    l -> assertThat(String.valueOf(l.data())).contains("hello from upstream")));
        }
    }

    @Test
    void aCancelledCallIsAnsweredAtOnceAndCancelledUpstream() throws Exception {
        McpSession session = McpSession.open(gateway, "/mcp");
        CompletableFuture<JsonObject> call =
                CompletableFuture.supplyAsync(() -> new JsonObject(session.post(new JsonObject()
                                .put("jsonrpc", "2.0")
                                .put("id", "long-one")
                                .put("method", "tools/call")
                                .put(
                                        "params",
                                        new JsonObject()
                                                .put("name", "fx__slow")
                                                .put("arguments", new JsonObject().put("ms", 60_000)))
                                .encode())
                        .body()));
        TestGateway.sleep(500);
        HttpResponse<String> cancel = session.post(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("method", "notifications/cancelled")
                .put("params", new JsonObject().put("requestId", "long-one").put("reason", "changed my mind"))
                .encode());
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonObject answer = call.get(10, TimeUnit.SECONDS);
        assertThat(answer.getJsonObject("error").getInteger("code")).isEqualTo(-32800);
        // The upstream is not left serving it: the connection is free and answers the next call.
        assertThat(session.call("fx__echo", new JsonObject().put("text", "next"))
                        .encode())
                .contains("next");
    }

    @Test
    void anAnswerToAnUnknownRelayedRequestIsDropped() {
        McpSession session = McpSession.open(gateway, "/mcp");
        HttpResponse<String> stray = session.post("{\"jsonrpc\":\"2.0\",\"id\":\"mcpstore-zz-1\",\"result\":{}}");
        assertThat(stray.statusCode()).isEqualTo(202);
        assertThat(session.request("ping", new JsonObject()).getJsonObject("result"))
                .isEmpty();
    }

    @Test
    void aDroppedCallStreamIsNotACancellationAndCanBeResumed() throws Exception {
        McpSession session = McpSession.open(gateway, "/mcp");
        String body = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 31)
                .put("method", "tools/call")
                .put(
                        "params",
                        new JsonObject()
                                .put("name", "fx__slow")
                                .put("arguments", new JsonObject().put("ms", 1500))
                                .put("_meta", new JsonObject().put("progressToken", "resume-me")))
                .encode();
        String firstId;
        // HTTP/1.1 on a socket, so that the test can drop the connection after the first event.
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", gateway.store().port())) {
            String request = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\n"
                    + "Content-Type: application/json\r\nMcp-Session-Id: " + session.id() + "\r\nContent-Length: "
                    + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("id: "));
            assertThat(line).isNotNull();
            firstId = line.substring(4);
        }
        // The call runs on; resuming after the first event replays the rest and the answer arrives.
        HttpResponse<String> resumed = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session.id())
                .header("Last-Event-ID", firstId)
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build());
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(resumed.body()).doesNotContain("id: " + firstId + "\n");
        assertThat(resumed.body()).contains("\"progressToken\":\"resume-me\"");
        assertThat(resumed.body()).contains("\"id\":31").contains("\"result\"");

        HttpResponse<String> unknown = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session.id())
                .header("Last-Event-ID", "nosuchinstance.4.2")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("cannot resume");
    }
}
