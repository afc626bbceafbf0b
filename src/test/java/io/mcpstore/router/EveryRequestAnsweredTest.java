package io.mcpstore.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.McpSession;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every JSON-RPC request gets an answer, whatever is wrong with its params: on {@code /mcp}, an app's {@code /mcp},
 * in a batch and on the legacy {@code /sse} + {@code /message}. Each POST waits at most 10 s, so a request left
 * open fails the test instead of hanging it.
 */
@Timeout(90)
class EveryRequestAnsweredTest {
    static TestGateway gateway;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Requests whose params have the wrong JSON types where the gateway reads them, and the code each must get. */
    static final Map<String, Integer> BAD = Map.of(
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"fx__echo\",\"arguments\":{\"text\":\"a\"},\"_meta\":\"x\"}}",
            -32602,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"completion/complete\","
                    + "\"params\":{\"ref\":\"x\",\"argument\":{\"name\":\"a\",\"value\":\"b\"}}}",
            -32602,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"completion/complete\","
                    + "\"params\":{\"ref\":{\"type\":\"ref/prompt\",\"name\":5},\"argument\":{}}}",
            -32602,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"logging/setLevel\",\"params\":{\"level\":5}}",
            -32602,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"fx__echo\",\"_meta\":{\"progressToken\":[1]}}}",
            -32602);

    @BeforeAll
    static void start() {
        JsonObject config = Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "app",
                                        new JsonObject()
                                                .put("prefix", "/app")
                                                .put("services", new JsonArray().add("fx"))));
        gateway = TestGateway.startReady(config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mcp", "/app/mcp"})
    void badParamsAreAnsweredWithInvalidParams(String path) {
        McpSession session = McpSession.open(gateway, path);
        BAD.forEach((request, code) -> {
            HttpResponse<String> answer = post(path, request, session.id(), "2025-11-25");
            assertThat(answer.statusCode()).as(request).isEqualTo(200);
            JsonObject error = new JsonObject(answer.body()).getJsonObject("error");
            assertThat(error).as(request + " -> " + answer.body()).isNotNull();
            assertThat(error.getInteger("code"))
                    .as(request + " -> " + answer.body())
                    .isEqualTo(code);
            assertThat(new JsonObject(answer.body()).getValue("id")).isEqualTo(7);
        });
        // And the session still works.
        assertThat(session.request("tools/call", echo("still here")).encode()).contains("still here");
    }

    @Test
    void badParamsInABatchAreAnsweredOneByOne() {
        McpSession session = McpSession.open(gateway, "/mcp", "2025-03-26");
        JsonArray batch = new JsonArray();
        BAD.keySet().forEach(r -> batch.add(new JsonObject(r)));
        batch.add(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 8)
                .put("method", "tools/call")
                .put("params", echo("fine")));
        HttpResponse<String> answer = post("/mcp", batch.encode(), session.id(), "2025-03-26");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonArray answers = new JsonArray(answer.body());
        assertThat(answers).hasSize(BAD.size() + 1);
        long invalid = answers.stream()
                .map(JsonObject.class::cast)
                .filter(a -> a.getJsonObject("error") != null
                        && a.getJsonObject("error").getInteger("code") == -32602)
                .count();
        assertThat(invalid).isEqualTo(BAD.size());
        assertThat(answer.body()).contains("fine");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "null",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":\"x\",\"clientInfo\":{\"name\":\"t\"}}",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":\"x\"}",
                "{\"protocolVersion\":5,\"capabilities\":{},\"clientInfo\":{\"name\":\"t\"}}",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":\"x\"}}"
            })
    void aBadInitializeIsRefusedAndOpensNoSession(String params) {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":" + params + "}";
        HttpResponse<String> answer = post("/mcp", init, null, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(new JsonObject(answer.body()).getJsonObject("error").getInteger("code"))
                .isEqualTo(-32602);
        assertThat(answer.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void idsMustBeStringsOrIntegers() {
        McpSession session = McpSession.open(gateway, "/mcp");
        for (String id : new String[] {"1e400", "-1e400", "1.5"}) {
            HttpResponse<String> answer =
                    post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}", session.id(), null);
            assertThat(answer.statusCode()).as(id).isEqualTo(400);
            JsonObject body = new JsonObject(answer.body());
            assertThat(body.getJsonObject("error").getInteger("code")).as(id).isEqualTo(-32600);
            assertThat(body.containsKey("id")).isTrue();
            assertThat(body.getValue("id")).as(id).isNull();
        }
        HttpResponse<String> big = post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}",
                session.id(),
                null);
        assertThat(big.body()).contains("\"id\":123456789012345678901234567890");
    }

    @Test
    void legacySseAnswersEveryRequestOnItsStream() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> sse = HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(gateway.url() + "/app/sse"))
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        Thread reader = new Thread(() -> {
            try {
                sse.body().forEach(lines::add);
            } catch (RuntimeException closed) {
                // the test ended the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String endpoint = null;
            while (endpoint == null) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).isNotNull();
                if (line.startsWith("data: ")) endpoint = line.substring(6);
            }
            // An initialize with bad capabilities is refused, and does not poison what follows.
            post(
                    endpoint,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2024-11-05\",\"capabilities\":\"x\",\"clientInfo\":{\"name\":\"t\"}}}",
                    null,
                    null);
            assertThat(code(nextData(lines))).isEqualTo(-32602);
            for (String request : BAD.keySet()) {
                assertThat(post(endpoint, request, null, null).statusCode()).isEqualTo(202);
                assertThat(code(nextData(lines))).as(request).isEqualTo(BAD.get(request));
            }
            post(
                    endpoint,
                    new JsonObject()
                            .put("jsonrpc", "2.0")
                            .put("id", 9)
                            .put("method", "tools/call")
                            .put("params", echo("after all that"))
                            .encode(),
                    null,
                    null);
            assertThat(nextData(lines)).contains("after all that");
            for (String notAnObject : new String[] {"[1,2]", "\"x\"", "42", "null"}) {
                HttpResponse<String> answer = post(endpoint, notAnObject, null, null);
                assertThat(answer.statusCode()).as(notAnObject).isEqualTo(400);
                assertThat(new JsonObject(answer.body()).getJsonObject("error").getInteger("code"))
                        .as(notAnObject)
                        .isEqualTo(-32600);
            }
            assertThat(new JsonObject(post(endpoint, "{nope", null, null).body())
                            .getJsonObject("error")
                            .getInteger("code"))
                    .isEqualTo(-32700);
        } finally {
            sse.body().close();
        }
    }

    private static int code(String data) {
        return new JsonObject(data).getJsonObject("error").getInteger("code");
    }

    private static JsonObject echo(String text) {
        return new JsonObject().put("name", "fx__echo").put("arguments", new JsonObject().put("text", text));
    }

    private static String nextData(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("an SSE data line within 10 s").isNotNull();
            if (line.startsWith("data: {")) return line.substring(6);
        }
    }

    static HttpResponse<String> post(String path, String body, String session, String version) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) b.header("Mcp-Session-Id", session);
        if (version != null) b.header("Mcp-Protocol-Version", version);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError(path + " " + body + ": no answer (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
