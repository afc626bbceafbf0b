package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Session lifetime on the wire: idle expiry, what keeps a session alive, the session limit, what a session keeps. */
@Timeout(120)
class GatewaySessionsTest {
    private static final Pattern OPEN = Pattern.compile("(?m)^mcpstore_sessions_open (\\d+)\\.0$");
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

    private static JsonObject config(long idleTimeoutMs, long max) {
        return Upstreams.services("fx", Upstreams.fixtureStdio("--name", "sessions"))
                .put(
                        "sessions",
                        new JsonObject().put("idleTimeoutMs", idleTimeoutMs).put("max", max));
    }

    @Test
    void anIdleSessionIsClosedAndItsIdAnswers404() throws Exception {
        try (TestGateway gateway = TestGateway.startReady(config(300, 100))) {
            McpSession session = McpSession.open(gateway, "/mcp");
            assertThat(session.post(PING).statusCode()).isEqualTo(200);
            assertThat(openSessions(gateway)).isEqualTo(1);

            awaitOpenSessions(gateway, 0);

            assertThat(session.post(PING).statusCode()).isEqualTo(404);
            assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                                    .header("Accept", "text/event-stream")
                                    .header("Mcp-Session-Id", session.id())
                                    .GET()
                                    .build())
                            .statusCode())
                    .isEqualTo(404);
            assertThat(delete(gateway, session.id()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aCallInFlightKeepsItsSessionAliveWhileIdleOnesExpire() throws Exception {
        try (TestGateway gateway = TestGateway.startReady(config(1_000, 100))) {
            McpSession.open(gateway, "/mcp"); // idle from here on
            McpSession busy = McpSession.open(gateway, "/mcp");
            CompletableFuture<JsonObject> call =
                    CompletableFuture.supplyAsync(() -> busy.call("fx__slow", new JsonObject().put("ms", 6_000)));

            // The idle one goes; the one whose call is still running stays.
            awaitOpenSessions(gateway, 1);
            assertThat(call).isNotDone();

            JsonObject answer = call.get(60, TimeUnit.SECONDS);
            assertThat(answer.getJsonObject("result").encode()).contains("slept 6000 ms");
        }
    }

    @Test
    void anOpenStreamKeepsItsSessionAlive() throws Exception {
        try (TestGateway gateway = TestGateway.startReady(config(1_000, 100))) {
            McpSession streaming = McpSession.open(gateway, "/mcp");
            McpSession.open(gateway, "/mcp"); // idle from here on
            try (SessionStream get = SessionStream.open(gateway.url(), "/mcp", streaming.id());
                    SessionStream legacy = SessionStream.open(gateway.url(), "/sse", "-")) {
                String endpoint = legacy.await("data: /message?sessionId=", 10).substring("data: ".length());

                // The idle one goes; the one with a GET stream and the legacy one (its stream is open) stay.
                awaitOpenSessions(gateway, 2);
                assertThat(streaming.post(PING).statusCode()).isEqualTo(200);
                assertThat(gateway.post(endpoint, PING, Map.of()).statusCode()).isEqualTo(202);
            }
            // Without its stream it goes too.
            awaitOpenSessions(gateway, 0);
            assertThat(streaming.post(PING).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void beyondMaxANewSessionGets503UntilOneEnds() throws Exception {
        try (TestGateway gateway = TestGateway.startReady(config(1_800_000, 2))) {
            McpSession first = McpSession.open(gateway, "/mcp");
            McpSession.open(gateway, "/mcp");

            HttpResponse<String> refused = gateway.post("/mcp", McpSession.initialize("2025-11-25"), Map.of());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("Mcp-Session-Id")).isEmpty();
            JsonObject error = new JsonObject(refused.body());
            assertThat(error.getValue("id")).isEqualTo(1);
            assertThat(error.getJsonObject("error").getString("message")).contains("sessions");
            assertThat(openSse(gateway).statusCode()).isEqualTo(503);
            assertThat(openSessions(gateway)).isEqualTo(2);

            assertThat(delete(gateway, first.id()).statusCode()).isEqualTo(200);
            assertThat(openSessions(gateway)).isEqualTo(1);
            McpSession third = McpSession.open(gateway, "/mcp");
            assertThat(third.post(PING).statusCode()).isEqualTo(200);
        }
    }

    /** 40 initializes carrying 1 MiB each that no session needs: the gateway must not keep 40 MiB. */
    @Test
    void aSessionKeepsNotTheRawInitializeParams() {
        try (TestGateway gateway = TestGateway.startReady(config(1_800_000, 100))) {
            McpSession.open(gateway, "/mcp");
            String padding = "x".repeat(1 << 20);
            long before = retainedHeap();
            for (int i = 0; i < 40; i++) {
                JsonObject init = new JsonObject(McpSession.initialize("2025-11-25"));
                init.getJsonObject("params").put("padding", padding);
                HttpResponse<String> response = gateway.post("/mcp", init.encode(), Map.of());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            assertThat(openSessions(gateway)).isEqualTo(41);
            long grown = retainedHeap() - before;
            assertThat(grown).as("heap retained by 40 sessions").isLessThan(10L << 20);
        }
    }

    private static long retainedHeap() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static HttpResponse<String> delete(TestGateway gateway, String id) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                .header("Mcp-Session-Id", id)
                .DELETE()
                .build());
    }

    /** {@code GET /sse}: the status, and the stream closed again at once. */
    private static HttpResponse<InputStream> openSse(TestGateway gateway) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(gateway.url() + "/sse"))
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        response.body().close();
        return response;
    }

    /** What the {@code mcpstore_sessions_open} gauge says (scraping it is no session's activity). */
    private static int openSessions(TestGateway gateway) {
        Matcher m = OPEN.matcher(gateway.get("/metrics").body());
        assertThat(m.find()).as("mcpstore_sessions_open in /metrics").isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static void awaitOpenSessions(TestGateway gateway, int expected) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        int open;
        while ((open = openSessions(gateway)) != expected) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("mcpstore_sessions_open is " + open + ", not " + expected + " after 20 s");
            }
            TestGateway.sleep(50);
        }
    }
}
