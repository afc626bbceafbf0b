package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.Upstreams;
import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How large one message from an upstream may be ({@code maxMessageBytes}): a big answer within the limit arrives
 * whole, a larger one is skipped without being buffered and its call gets an error naming the limit; the stderr
 * tail an operator sees stays small whatever the child writes.
 */
@ExtendWith(VertxExtension.class)
class UpstreamMessageSizeTest {
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    private static final int MIB = 1024 * 1024;

    private UpstreamProbe probe;
    private FixtureServer.Running http;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) probe.close();
        if (http != null) http.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aThirtyMebibyteAnswerArrivesOverStdio(Vertx vertx) throws Exception {
        probe = stdio(vertx, new JsonObject());

        JsonObject reply = call("big", 30 * MIB);

        assertThat(UpstreamProbe.text(reply)).hasSize(30 * MIB);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anAnswerOverTheLimitIsAnErrorNamingItAndTheNextCallWorks(Vertx vertx) throws Exception {
        probe = stdio(vertx, new JsonObject().put("maxMessageBytes", MIB));

        JsonObject reply = call("big", 5 * MIB);

        assertTooLarge(reply);
        assertThat(UpstreamProbe.text(echo())).isEqualTo("after");
    }

    /** A line far over the limit is read and dropped, not kept: the reader survives and allocates little. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aHugeLineIsSkippedWithoutBufferingItAndTheServiceStaysReady(Vertx vertx) throws Exception {
        probe = stdio(vertx, new JsonObject().put("maxMessageBytes", MIB));
        long reader = stdoutReader();
        long allocatedBefore = allocated(reader);

        JsonObject reply = call("flood", 64 * MIB);

        assertTooLarge(reply); // the one call in flight is the line's only possible owner
        assertThat(allocated(reader) - allocatedBefore)
                .as("bytes the stdout reader allocated while a 64 MiB line went by")
                .isLessThan(16L * MIB);
        assertThat(probe.status().getString("state")).isEqualTo("ready");
        assertThat(UpstreamProbe.text(echo())).isEqualTo("after");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theStderrTailKeepsTheStartOfALongLineOnly(Vertx vertx) throws Exception {
        probe = stdio(vertx, new JsonObject());

        call("stderr_line", 8 * MIB);

        await().atMost(Duration.ofSeconds(20)).until(() -> lastStderrLine().startsWith("zzzz"));
        String last = lastStderrLine();
        assertThat(last).startsWith("zzzz").endsWith("… [line cut at 4096 bytes]");
        assertThat(last.length()).isLessThan(4200);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aThirtyMebibyteAnswerArrivesOverAnSseStream(Vertx vertx) throws Exception {
        probe = overHttp(vertx, FixtureOptions.defaults().withSseResponses(true), new JsonObject());

        JsonObject reply = call("big", 30 * MIB);

        assertThat(UpstreamProbe.text(reply)).hasSize(30 * MIB);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anHttpAnswerOverTheLimitIsAnErrorAndTheNextCallWorks(Vertx vertx) throws Exception {
        probe = overHttp(vertx, FixtureOptions.defaults(), new JsonObject().put("maxMessageBytes", MIB));

        JsonObject reply = call("big", 5 * MIB);

        assertTooLarge(reply);
        assertThat(UpstreamProbe.text(echo())).isEqualTo("after");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anSseEventOverTheLimitIsAnErrorAndTheNextCallWorks(Vertx vertx) throws Exception {
        probe = overHttp(
                vertx, FixtureOptions.defaults().withSseResponses(true), new JsonObject().put("maxMessageBytes", MIB));

        JsonObject reply = call("big", 5 * MIB);

        assertTooLarge(reply);
        assertThat(UpstreamProbe.text(echo())).isEqualTo("after");
    }

    private String lastStderrLine() throws Exception {
        JsonArray stderr = probe.status().getJsonArray("stderr");
        return stderr.isEmpty() ? "" : stderr.getString(stderr.size() - 1);
    }

    private static void assertTooLarge(JsonObject reply) {
        assertThat(reply.getJsonObject("error"))
                .as(
                        "the call's answer: %s",
                        reply.encode().substring(0, Math.min(300, reply.encode().length())))
                .isNotNull();
        assertThat(reply.getJsonObject("error").getString("message"))
                .contains("larger than")
                .contains("maxMessageBytes")
                .contains("1048576");
    }

    private UpstreamProbe stdio(Vertx vertx, JsonObject settings) throws Exception {
        JsonObject entry = Upstreams.fixtureStdio()
                .mergeIn(settings)
                .put("timeoutMs", 20_000)
                .put("pingIntervalMs", 0);
        UpstreamProbe deployed = UpstreamProbe.deploy(vertx, "fx", entry);
        deployed.awaitState("ready", READY_WITHIN);
        return deployed;
    }

    private UpstreamProbe overHttp(Vertx vertx, FixtureOptions options, JsonObject settings) throws Exception {
        http = FixtureServer.startHttp(vertx, options).await(10, TimeUnit.SECONDS);
        JsonObject entry = new JsonObject()
                .put("url", http.url())
                .mergeIn(settings)
                .put("timeoutMs", 20_000)
                .put("pingIntervalMs", 0);
        UpstreamProbe deployed = UpstreamProbe.deploy(vertx, "fx", entry);
        deployed.awaitState("ready", READY_WITHIN);
        return deployed;
    }

    private JsonObject call(String tool, int size) throws Exception {
        JsonObject params = new JsonObject().put("name", tool).put("arguments", new JsonObject().put("size", size));
        return probe.call("tools/call", params).await(60, TimeUnit.SECONDS);
    }

    private JsonObject echo() throws Exception {
        JsonObject params =
                new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", "after"));
        return probe.call("tools/call", params).await(30, TimeUnit.SECONDS);
    }

    /** The thread that reads the child's stdout. */
    private static long stdoutReader() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("mcpstore-stdout-fx"))
                .findFirst()
                .orElseThrow()
                .getId();
    }

    private static long allocated(long thread) {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(thread);
    }
}
