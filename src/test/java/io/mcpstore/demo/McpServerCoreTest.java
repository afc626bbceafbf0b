package io.mcpstore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server core's answers to JSON-RPC messages, without any transport in between. */
@Timeout(10)
class McpServerCoreTest {
    private final McpServerCore core = new McpServerCore("core-test", "0")
            .pageSize(2)
            .addTool(Tool.of("a", null, null, args -> ToolResults.text("a")))
            .addTool(Tool.of("b", null, null, args -> ToolResults.text("b")))
            .addTool(Tool.of("c", null, null, args -> ToolResults.text("c")))
            .addTool(new Tool("never", null, null, null, (args, ctx) -> new CompletableFuture<>()))
            .addTool(Tool.of("boom", null, null, args -> {
                throw new IllegalStateException("kaput");
            }));

    private JsonObject send(String json) {
        return core.handle(new JsonObject(json)).join();
    }

    private JsonObject request(int id, String method, JsonObject params) {
        return core.handle(new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("id", id)
                        .put("method", method)
                        .put("params", params))
                .join();
    }

    @Test
    void negotiatesTheProtocolVersion() {
        JsonObject known = request(1, "initialize", new JsonObject().put("protocolVersion", "2025-06-18"));
        assertThat(known.getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-06-18");
        JsonObject future = request(2, "initialize", new JsonObject().put("protocolVersion", "2099-01-01"));
        assertThat(future.getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-11-25");
        assertThat(future.getJsonObject("result").getJsonObject("capabilities").fieldNames())
                .contains("tools", "resources", "prompts", "completions", "logging");
    }

    @Test
    void pagesThroughToolsWithCursors() {
        List<String> names = new java.util.ArrayList<>();
        JsonObject params = new JsonObject();
        int pages = 0;
        while (true) {
            JsonObject result = request(1, "tools/list", params).getJsonObject("result");
            pages++;
            result.getJsonArray("tools").forEach(t -> names.add(((JsonObject) t).getString("name")));
            String next = result.getString("nextCursor");
            if (next == null) {
                break;
            }
            params = new JsonObject().put("cursor", next);
        }
        assertThat(names).containsExactly("a", "b", "c", "never", "boom");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void answersProtocolErrorsWithTheRightCodes() {
        assertThat(errorCode(request(1, "tools/list", new JsonObject().put("cursor", "garbage"))))
                .isEqualTo(-32602);
        assertThat(errorCode(request(2, "no/such/method", new JsonObject()))).isEqualTo(-32601);
        assertThat(errorCode(request(3, "resources/read", new JsonObject().put("uri", "x://y"))))
                .isEqualTo(-32002);
        assertThat(errorCode(request(4, "prompts/get", new JsonObject().put("name", "none"))))
                .isEqualTo(-32602);
        assertThat(errorCode(send("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}")))
                .isEqualTo(-32600);
        assertThat(request(6, "ping", null).getJsonObject("result")).isEqualTo(new JsonObject());
    }

    @Test
    void aToolThatThrowsFailsAsAToolNotAsTheProtocol() {
        JsonObject result =
                request(1, "tools/call", new JsonObject().put("name", "boom")).getJsonObject("result");
        assertThat(result.getBoolean("isError")).isTrue();
        assertThat(result.getJsonArray("content").getJsonObject(0).getString("text"))
                .contains("kaput");
    }

    @Test
    void aCancelledRequestGetsNoAnswer() {
        CompletableFuture<JsonObject> call = core.handle(new JsonObject(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"never\"}}"));
        assertThat(send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}}"))
                .isNull();
        assertThat(call.join()).isNull();
    }

    @Test
    void sendsListChangedOutOfBand() {
        List<JsonObject> sent = new CopyOnWriteArrayList<>();
        core.onNotification(sent::add);
        core.notify("notifications/tools/list_changed", null);
        assertThat(sent)
                .containsExactly(
                        new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/tools/list_changed"));
    }

    @Test
    void reportsProgressOnlyWhenAskedTo() {
        List<JsonObject> related = new CopyOnWriteArrayList<>();
        core.addTool(new Tool("steps", null, null, null, (args, ctx) -> {
            ctx.progress(1, 2.0, "half");
            ctx.progress(2, 2.0, null);
            return CompletableFuture.completedFuture(ToolResults.text("done"));
        }));
        JsonObject asked =
                new JsonObject().put("name", "steps").put("_meta", new JsonObject().put("progressToken", "p1"));
        core.handle(call(1, asked), related::add).join();
        assertThat(related)
                .extracting(m -> m.getJsonObject("params").getDouble("progress"))
                .containsExactly(1.0, 2.0);
        related.clear();
        core.handle(call(2, new JsonObject().put("name", "steps")), related::add)
                .join();
        assertThat(related).isEmpty();
    }

    private static JsonObject call(int id, JsonObject params) {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", "tools/call")
                .put("params", params);
    }

    private static int errorCode(JsonObject response) {
        return response.getJsonObject("error").getInteger("code");
    }
}
