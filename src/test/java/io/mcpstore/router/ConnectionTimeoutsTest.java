package io.mcpstore.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.McpSession;
import io.mcpstore.RawHttp;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code http.requestTimeoutMs} and {@code http.idleTimeoutMs} on the wire, with small values: connections that
 * send nothing, or send a request too slowly, are closed; streams and calls that run longer than both are not.
 */
@Timeout(60)
class ConnectionTimeoutsTest {
    static final int REQUEST_TIMEOUT_MS = 1_000;
    static final int IDLE_TIMEOUT_MS = 1_500;
    /** Longer than either timeout, with margin for a busy machine. */
    static final int OUTLAST_MS = 3 * IDLE_TIMEOUT_MS;

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        JsonObject config = Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put(
                        "http",
                        new JsonObject()
                                .put("requestTimeoutMs", REQUEST_TIMEOUT_MS)
                                .put("idleTimeoutMs", IDLE_TIMEOUT_MS));
        gateway = TestGateway.startReady(config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static RawHttp connect() {
        return new RawHttp(gateway.store().port(), 20_000);
    }

    @Test
    void aClientThatSendsHalfARequestLineAndStallsIsClosed() {
        try (RawHttp http = connect()) {
            http.write("GET /health/li");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aClientThatTricklesItsHeadersIsClosed() throws Exception {
        try (RawHttp http = connect()) {
            http.write("GET /health/live HTTP/1.1\r\n");
            // A header line now and then never completes the request; the connection still goes.
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) {
                Thread.sleep(REQUEST_TIMEOUT_MS / 4);
                try {
                    http.write("X-" + i + ": y\r\n");
                } catch (IllegalStateException e) {
                    closed = true;
                }
            }
            assertThat(closed || http.closedByServer()).isTrue();
        }
    }

    @Test
    void aBodyThatStallsGets408AndTheConnectionCloses() {
        try (RawHttp http = connect()) {
            http.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":");
            assertThat(http.read().status()).isEqualTo(408);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() {
        try (RawHttp http = connect()) {
            http.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
            // Kept alive: a second request on it is answered...
            http.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(200);
            // ...and then, sent nothing more, it is closed.
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aLegacySseStreamOutlivesTheIdleTimeout() throws Exception {
        try (RawHttp http = connect()) {
            http.write("GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
            String seen = http.readUntil("sessionId=");
            String rest = http.readUntil("\n");
            String endpoint = "/message?sessionId=" + rest.trim();
            assertThat(seen).startsWith("HTTP/1.1 200");
            Thread.sleep(OUTLAST_MS);
            assertThat(gateway.post(endpoint, "{\"jsonrpc\":\"2.0\",\"id\":55,\"method\":\"ping\"}", Map.of())
                            .statusCode())
                    .isEqualTo(202);
            assertThat(http.readUntil("\"id\":55")).contains("data: ");
        }
    }

    @Test
    void aStreamableGetStreamOutlivesTheIdleTimeout() throws Exception {
        McpSession session = McpSession.open(gateway, "/mcp");
        try (RawHttp http = connect()) {
            http.write("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nMcp-Session-Id: "
                    + session.id() + "\r\nMcp-Protocol-Version: 2025-11-25\r\n\r\n");
            assertThat(http.readUntil("data: ")).startsWith("HTTP/1.1 200");
            Thread.sleep(OUTLAST_MS);
            JsonObject added = session.request(
                    "tools/call",
                    new JsonObject()
                            .put("name", "fx__add_tool")
                            .put("arguments", new JsonObject().put("name", "late")));
            assertThat(added.containsKey("result")).as(added.encode()).isTrue();
            assertThat(http.readUntil("notifications/tools/list_changed")).isNotEmpty();
        }
    }

    @Test
    void aCallThatRunsLongerThanBothTimeoutsIsAnswered() {
        McpSession session = McpSession.open(gateway, "/mcp");
        JsonObject answer = session.request(
                "tools/call",
                new JsonObject().put("name", "fx__slow").put("arguments", new JsonObject().put("ms", OUTLAST_MS)));
        assertThat(answer.getJsonObject("result")).as(answer.encode()).isNotNull();
        assertThat(answer.getJsonObject("result").getBoolean("isError", false)).isFalse();
    }
}
