package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.McpSession;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reference server behind the whole gateway over both HTTP transports at once, next to a stdio one. */
@Timeout(90)
class GatewayOverHttpUpstreamsTest {

    @Test
    void oneEndpointInFrontOfStreamableHttpSseAndStdio() throws Exception {
        try (EverythingServer streamable = EverythingServer.start("streamableHttp");
                EverythingServer sse = EverythingServer.start("sse");
                TestGateway gateway = TestGateway.startReady(Upstreams.services(
                        "remote", Upstreams.url(streamable.url("/mcp")),
                        "legacy", Upstreams.url(sse.url("/sse")),
                        "local", Upstreams.everythingStdio()))) {
            assertThat(gateway.service("remote").getString("transport")).isEqualTo("streamable-http");
            assertThat(gateway.service("legacy").getString("transport")).isEqualTo("sse");

            McpSession session = McpSession.open(gateway, "/mcp");
            List<String> tools = new ArrayList<>();
            JsonArray listed = session.request("tools/list", new JsonObject())
                    .getJsonObject("result")
                    .getJsonArray("tools");
            listed.forEach(t -> tools.add(((JsonObject) t).getString("name")));
            assertThat(tools).contains("remote__echo", "legacy__echo", "local__echo");

            for (String service : List.of("remote", "legacy", "local")) {
                JsonObject echo = session.call(service + "__echo", new JsonObject().put("message", "via " + service));
                assertThat(echo.getJsonObject("result").encode()).as(service).contains("via " + service);
                JsonObject sum = session.call(
                        service + "__get-sum", new JsonObject().put("a", 20).put("b", 22));
                assertThat(sum.getJsonObject("result").encode()).as(service).contains("42");
            }
        }
    }
}
