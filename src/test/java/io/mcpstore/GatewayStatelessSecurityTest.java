package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.security.TestIdentities;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stateless 2026-07-28 requests with security on: the caching hints say {@code private} once the answer depends on
 * who asks, and a requestState serves only the caller it was issued to.
 */
@Timeout(90)
class GatewayStatelessSecurityTest {
    static TestGateway gateway;
    static String everyTool;
    static String someTools;
    static String other;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--conformance"))
                .put("naming", new JsonObject().put("mode", "never"))
                .put("security", new JsonObject().put("enabled", true)));
        everyTool = TestIdentities.keyText(gateway, "client");
        other = TestIdentities.keyText(gateway, "client");
        someTools = TestIdentities.createKey(gateway, "some tools", "client", null, List.of("test_*"))
                .getString("key");
        gateway.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    @Test
    void listsArePublicUnlessTheCallersViewIsTheirOwnAndReadsArePrivate() throws Exception {
        JsonObject all =
                answer(post(everyTool, 1, "tools/list", null, new JsonObject())).getJsonObject("result");
        assertThat(all.getString("cacheScope")).isEqualTo("public");
        JsonObject some =
                answer(post(someTools, 2, "tools/list", null, new JsonObject())).getJsonObject("result");
        assertThat(some.getString("cacheScope")).isEqualTo("private");
        String uri = answer(post(everyTool, 3, "resources/list", null, new JsonObject()))
                .getJsonObject("result")
                .getJsonArray("resources")
                .getJsonObject(0)
                .getString("uri");
        JsonObject read = answer(post(everyTool, 4, "resources/read", uri, new JsonObject().put("uri", uri)))
                .getJsonObject("result");
        assertThat(read.getString("cacheScope")).isEqualTo("private");
        assertThat(post(null, 5, "tools/list", null, new JsonObject()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aRequestStateServesOnlyTheCallerItWasIssuedTo() throws Exception {
        JsonObject call = new JsonObject()
                .put("name", "test_elicitation")
                .put("arguments", new JsonObject().put("message", "Whose?"));
        JsonObject first = answer(post(everyTool, 1, "tools/call", "test_elicitation", call))
                .getJsonObject("result");
        assertThat(first.getString("resultType")).isEqualTo("input_required");
        String key =
                first.getJsonObject("inputRequests").fieldNames().iterator().next();
        JsonObject retry = call.copy()
                .put("requestState", first.getString("requestState"))
                .put(
                        "inputResponses",
                        new JsonObject()
                                .put(
                                        key,
                                        new JsonObject()
                                                .put("action", "accept")
                                                .put(
                                                        "content",
                                                        new JsonObject()
                                                                .put("username", "u")
                                                                .put("email", "u@example.com"))));
        JsonObject stolen = answer(post(other, 2, "tools/call", "test_elicitation", retry));
        assertThat(stolen.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        assertThat(stolen.getJsonObject("error").getString("message")).contains("another caller");

        JsonObject done = answer(post(everyTool, 3, "tools/call", "test_elicitation", retry))
                .getJsonObject("result");
        assertThat(done.getJsonArray("content").getJsonObject(0).getString("text"))
                .contains("action=accept");
    }

    private static JsonObject answer(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }

    private static HttpResponse<String> post(String key, int id, String method, String name, JsonObject params)
            throws Exception {
        JsonObject meta = new JsonObject()
                .put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                .put(
                        "io.modelcontextprotocol/clientCapabilities",
                        new JsonObject().put("elicitation", new JsonObject()));
        String body = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", method)
                .put("params", params.copy().put("_meta", meta))
                .encode();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (name != null) b.header("Mcp-Name", name);
        if (key != null) b.header("Authorization", "Bearer " + key);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
