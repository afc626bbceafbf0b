package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The 2026-07-28 envelope and SEP-2243 headers the gateway sends as a client. */
class StatelessClientTest {
    private final StatelessClient client =
            new StatelessClient(new JsonObject().put("name", "mcpstore"), "svc", LoggerFactory.getLogger("test"));

    private static JsonObject tool(String name, JsonObject properties) {
        return new JsonObject()
                .put("name", name)
                .put("inputSchema", new JsonObject().put("type", "object").put("properties", properties));
    }

    private static JsonObject param(String type, String header) {
        return new JsonObject().put("type", type).put("x-mcp-header", header);
    }

    @Test
    void valuesAreEncodedAsTheRevisionSays() {
        assertThat(StatelessClient.encode(42)).isEqualTo("42");
        assertThat(StatelessClient.encode(42.0)).isEqualTo("42");
        assertThat(StatelessClient.encode(true)).isEqualTo("true");
        assertThat(StatelessClient.encode("us west 1")).isEqualTo("us west 1");
        assertThat(StatelessClient.encode("")).isEqualTo("");
        assertThat(StatelessClient.encode(" padded")).isEqualTo("=?base64?IHBhZGRlZA==?=");
        assertThat(StatelessClient.encode("Hello, 世界")).isEqualTo("=?base64?SGVsbG8sIOS4lueVjA==?=");
        assertThat(StatelessClient.encode("a\tb")).startsWith("=?base64?");
        assertThat(StatelessClient.encode(null)).isNull();
    }

    @Test
    void invalidAnnotationsLeaveTheToolOutAndValidOnesBecomeHeaders() {
        JsonArray kept = client.tools(new JsonArray()
                .add(tool(
                        "ok",
                        new JsonObject()
                                .put("region", param("string", "Region"))
                                .put("q", new JsonObject())))
                .add(tool("empty", new JsonObject().put("v", param("string", ""))))
                .add(tool("number", new JsonObject().put("v", param("number", "Score"))))
                .add(tool("colon", new JsonObject().put("v", param("string", "A:B"))))
                .add(tool(
                        "twice",
                        new JsonObject().put("a", param("string", "My")).put("b", param("string", "my")))));
        assertThat(kept).extracting(o -> ((JsonObject) o).getString("name")).containsExactly("ok");

        JsonObject call = new JsonObject()
                .put("method", "tools/call")
                .put(
                        "params",
                        new JsonObject()
                                .put("name", "ok")
                                .put(
                                        "arguments",
                                        new JsonObject().put("region", "eu").put("q", "x")));
        assertThat(client.headers(call))
                .containsEntry("Mcp-Method", "tools/call")
                .containsEntry("Mcp-Name", "ok")
                .containsEntry("Mcp-Param-Region", "eu")
                .doesNotContainKey("Mcp-Param-q");
    }

    @Test
    void theEnvelopeKeepsWhatTheParamsHeld() {
        JsonObject params = new JsonObject().put("name", "t").put("_meta", new JsonObject().put("progressToken", 7));
        JsonObject out = client.envelope(params, new JsonObject().put("sampling", new JsonObject()), "debug");
        JsonObject meta = out.getJsonObject("_meta");
        assertThat(meta.getInteger("progressToken")).isEqualTo(7);
        assertThat(meta.getString("io.modelcontextprotocol/protocolVersion")).isEqualTo("2026-07-28");
        assertThat(meta.getJsonObject("io.modelcontextprotocol/clientCapabilities")
                        .containsKey("sampling"))
                .isTrue();
        assertThat(meta.getString("io.modelcontextprotocol/logLevel")).isEqualTo("debug");
        assertThat(params.getJsonObject("_meta").size()).isEqualTo(1); // the caller's params are not changed
    }
}
