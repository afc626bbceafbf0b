package io.mcpstore.admin;

import static io.mcpstore.admin.AdminValidationTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How {@code POST /api/v1/tools/call} answers each outcome of a call, and that {@code /tools/batch} reports the same
 * status per item: a result (also a tool's own error result) is 200, the upstream refusing the arguments is 400 with
 * its message, an unknown tool 404, a service that cannot take calls 503, an upstream that does not answer in time
 * 504.
 */
@Timeout(120)
class AdminToolCallTest {
    private static TestGateway gateway;
    private static Api api;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(Upstreams.services(
                "fx",
                Upstreams.fixtureStdio("--name", "fx").put("timeoutMs", 1500),
                // Nothing listens on port 9: the service never becomes ready.
                "down",
                Upstreams.url("http://127.0.0.1:9/mcp")));
        api = new Api(gateway);
        gateway.awaitState("fx", java.time.Duration.ofSeconds(45), "ready");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    private static HttpResponse<String> call(String name, JsonObject arguments) {
        return api.post("/tools/call", new JsonObject().put("name", name).put("arguments", arguments));
    }

    /** What /metrics says of fx's echo tool: calls answered ok so far (0 before the first). */
    private static double echoCallsCounted() {
        String metrics = gateway.get("/metrics").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?m)^mcpstore_tool_calls_total\\{[^}]*outcome=\"ok\"[^}]*service=\"fx\"[^}]*tool=\"echo\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void callsThroughTheApiAreCountedAsCallsThroughMcpAre() {
        double before = echoCallsCounted();
        for (int i = 0; i < 3; i++) {
            assertThat(call("fx__echo", new JsonObject().put("text", "counted")).statusCode())
                    .isEqualTo(200);
        }
        assertThat(echoCallsCounted()).isEqualTo(before + 3);
        assertThat(gateway.get("/metrics").body())
                .containsPattern("mcpstore_tool_call_latency_seconds\\{[^}]*service=\"fx\"[^}]*tool=\"echo\"");
    }

    @Test
    void argumentsTheUpstreamRefusesAre400WithTheUpstreamsMessage() {
        HttpResponse<String> response =
                call("fx__add", new JsonObject().put("a", "two").put("b", 40));
        assertProblem(response, 400, "arguments", "Invalid arguments for tool add");
        JsonObject problem = Api.json(response);
        assertThat(problem.getString("detail")).contains("Invalid arguments for tool add");
        assertThat(problem.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    }

    @Test
    void aResultIs200AndSoIsAToolsOwnErrorResult() {
        HttpResponse<String> ok = call("fx__add", new JsonObject().put("a", 2).put("b", 40));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(Api.json(ok).getJsonObject("structuredContent").getInteger("sum"))
                .isEqualTo(42);

        HttpResponse<String> failed = call("fx__fail", new JsonObject());
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
        assertThat(Api.json(failed).getBoolean("isError")).isTrue();
        assertThat(failed.body()).contains("fixture failure");
    }

    @Test
    void anUnknownToolIs404AServiceThatIsDownIs503ATimeoutIs504() {
        assertProblem(call("ghost", new JsonObject()), 404, null, null);
        HttpResponse<String> down = call("down__anything", new JsonObject());
        assertProblem(down, 503, null, null);
        assertThat(Api.json(down).getString("detail")).contains("'down'");
        HttpResponse<String> slow = call("fx__hang", new JsonObject());
        assertProblem(slow, 504, null, null);
        assertThat(Api.json(slow).getString("detail")).contains("'fx'");
    }

    @Test
    void aBatchReportsEachCallWithTheStatusTheCallAloneWouldGet() {
        JsonArray calls = new JsonArray()
                .add(new JsonObject()
                        .put("name", "fx__add")
                        .put("arguments", new JsonObject().put("a", 1).put("b", 1)))
                .add(new JsonObject()
                        .put("name", "fx__add")
                        .put("arguments", new JsonObject().put("a", "one").put("b", 1)))
                .add(new JsonObject().put("name", "ghost"))
                .add(new JsonObject().put("name", "down__anything"))
                .add(new JsonObject().put("name", "fx__fail"));
        HttpResponse<String> batch = api.post("/tools/batch", new JsonObject().put("calls", calls));
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        JsonArray results = Api.json(batch).getJsonArray("results");
        assertThat(results.getJsonObject(0).getJsonObject("result").getJsonObject("structuredContent"))
                .isEqualTo(new JsonObject().put("sum", 2));
        JsonObject refused = results.getJsonObject(1).getJsonObject("error");
        assertThat(refused.getInteger("status")).as(refused.encode()).isEqualTo(400);
        assertThat(refused.getString("message")).contains("Invalid arguments for tool add");
        assertThat(results.getJsonObject(2).getJsonObject("error").getInteger("status"))
                .isEqualTo(404);
        assertThat(results.getJsonObject(3).getJsonObject("error").getInteger("status"))
                .isEqualTo(503);
        assertThat(results.getJsonObject(4).getJsonObject("result").getBoolean("isError"))
                .isTrue();
    }
}
