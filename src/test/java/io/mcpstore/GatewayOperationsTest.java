package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health, readiness, metrics and the console page, as an operator reads them. */
@Timeout(90)
class GatewayOperationsTest {

    @Test
    void healthReadinessAndMetricsTellTheTruth() {
        try (TestGateway gateway =
                TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "ops")))) {
            assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = gateway.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            JsonObject fx =
                    new JsonObject(ready.body()).getJsonArray("services").getJsonObject(0);
            assertThat(fx.getString("name")).isEqualTo("fx");
            assertThat(fx.getString("state")).isEqualTo("ready");
            assertThat(fx.getInteger("tools")).isGreaterThan(3);

            McpSession session = McpSession.open(gateway, "/mcp");
            session.call("fx__echo", new JsonObject().put("text", "m"));
            session.call("fx__echo", new JsonObject().put("text", "m"));
            session.call("fx__fail", new JsonObject());

            String metrics = gateway.get("/metrics").body();
            assertThat(metrics)
                    .contains("mcpstore_tool_calls_total{outcome=\"ok\",service=\"fx\",tool=\"echo\"} 2.0")
                    .contains("mcpstore_tool_calls_total{outcome=\"tool_error\",service=\"fx\",tool=\"fail\"} 1.0")
                    .contains("mcpstore_tool_call_duration_seconds_bucket{outcome=\"ok\",service=\"fx\"")
                    .contains("mcpstore_upstream_state{service=\"fx\",state=\"ready\"} 1.0")
                    .contains("mcpstore_upstream_state{service=\"fx\",state=\"failed\"} 0.0")
                    .containsPattern("mcpstore_sessions_open [1-9]");
        }
    }

    @Test
    void theConsoleIsServedAtTheRoot() {
        try (TestGateway gateway = TestGateway.start(Upstreams.services())) {
            HttpResponse<String> page = gateway.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>MCPStore</title>");
            // ES modules load only when served as JavaScript.
            HttpResponse<String> api = gateway.get("/js/api.js");
            assertThat(api.headers().firstValue("Content-Type").orElse("")).contains("javascript");
            assertThat(api.body()).contains("api/v1/");
            assertThat(gateway.get("/js/pages/dashboard.js").body()).contains("api('services')");
            assertThat(gateway.get("/api/v1/services").statusCode()).isEqualTo(200);
        }
    }
}
