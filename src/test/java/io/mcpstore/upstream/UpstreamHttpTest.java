package io.mcpstore.upstream;

import static io.mcpstore.upstream.UpstreamProbe.failure;
import static io.mcpstore.upstream.UpstreamProbe.text;
import static io.mcpstore.upstream.UpstreamStdioTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.bus.Failures;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTP upstreams (Streamable HTTP and legacy SSE) against the real reference server. */
@ExtendWith(VertxExtension.class)
class UpstreamHttpTest {
    private static final Duration READY_WITHIN = Duration.ofSeconds(20);

    private EverythingServer server;
    private UpstreamProbe probe;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) probe.close();
        if (server != null) server.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void streamableHttpPublishesTheCatalogAndAnswersCalls(Vertx vertx) throws Exception {
        server = EverythingServer.start("streamableHttp");
        probe = UpstreamProbe.deploy(
                vertx, "remote", new JsonObject().put("url", server.url("/mcp")).put("transport", "streamable-http"));

        probe.awaitState("ready", READY_WITHIN);

        assertThat(names(probe.catalog.get().getJsonArray("tools"))).contains("echo");
        assertThat(text(probe.echo("over http"))).isEqualTo("Echo: over http");
        assertThat(probe.status().getString("session")).isNotBlank();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void streamableHttpStreamsALongCallsAnswer(Vertx vertx) throws Exception {
        server = EverythingServer.start("streamableHttp");
        probe = UpstreamProbe.deploy(vertx, "remote", new JsonObject().put("url", server.url("/mcp")));
        probe.awaitState("ready", READY_WITHIN);

        JsonObject reply =
                probe.call("tools/call", UpstreamStdioTest.longRunning(2)).await(20, TimeUnit.SECONDS);

        assertThat(text(reply)).contains("completed");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void legacySsePublishesTheCatalogAndAnswersCalls(Vertx vertx) throws Exception {
        server = EverythingServer.start("sse");
        probe = UpstreamProbe.deploy(vertx, "legacy", new JsonObject().put("url", server.url("/sse")));

        probe.awaitState("ready", READY_WITHIN);

        assertThat(names(probe.catalog.get().getJsonArray("tools"))).contains("echo");
        assertThat(text(probe.echo("over sse"))).isEqualTo("Echo: over sse");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void legacySseReconnectsWhenTheStreamEnds(Vertx vertx) throws Exception {
        server = EverythingServer.start("sse");
        probe = UpstreamProbe.deploy(vertx, "legacy", new JsonObject().put("url", server.url("/sse")));
        probe.awaitState("ready", READY_WITHIN);
        int port = server.port();

        server.close();
        probe.awaitState("reconnecting", Duration.ofSeconds(10));
        server = EverythingServer.start("sse", port);

        probe.awaitState("ready", READY_WITHIN);
        assertThat(text(probe.echo("over a new stream"))).isEqualTo("Echo: over a new stream");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRestartedServerIsFoundAgain(Vertx vertx) throws Exception {
        server = EverythingServer.start("streamableHttp");
        probe = UpstreamProbe.deploy(vertx, "remote", new JsonObject().put("url", server.url("/mcp")));
        probe.awaitState("ready", READY_WITHIN);
        int port = server.port();

        server.close();
        server = EverythingServer.start("streamableHttp", port); // forgets every session

        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> text(probe.echo("back")).equals("Echo: back"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRefusingUrlReconnectsThenFailsWithoutHangingCallers(Vertx vertx) throws Exception {
        String url = "http://127.0.0.1:" + EverythingServer.freePort() + "/mcp";
        probe = UpstreamProbe.deploy(
                vertx, "down", new JsonObject().put("url", url).put("maxRestarts", 2));

        probe.awaitState("reconnecting", Duration.ofSeconds(10));
        long asked = System.nanoTime();
        ReplyException failed = failure(probe.call("tools/list", null));

        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(3));
        assertThat(failed.failureCode()).isEqualTo(Failures.UNAVAILABLE);
        assertThat(failed.getMessage()).startsWith("service 'down' is unavailable: reconnecting (cannot connect:");
        probe.awaitState("failed", Duration.ofSeconds(10));
        assertThat(probe.catalog.get().getString("error")).containsIgnoringCase("refused");
        assertThat(probe.stateEvents.get(probe.stateEvents.size() - 1).getString("error"))
                .containsIgnoringCase("refused");
        assertThat(failure(probe.call("tools/list", null)).getMessage())
                .startsWith("service 'down' is unavailable: failed");
    }
}
