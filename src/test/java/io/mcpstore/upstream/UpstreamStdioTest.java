package io.mcpstore.upstream;

import static io.mcpstore.upstream.UpstreamProbe.failure;
import static io.mcpstore.upstream.UpstreamProbe.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.bus.Failures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A stdio upstream against the real reference server, run by node as a child process. */
@ExtendWith(VertxExtension.class)
class UpstreamStdioTest {
    private static final Duration READY_WITHIN = Duration.ofSeconds(20);

    private UpstreamProbe probe;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) probe.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void publishesTheCatalogAndAnswersCalls(Vertx vertx) throws Exception {
        probe = UpstreamProbe.deploy(vertx, "everything", UpstreamProbe.stdio(EverythingServer.script(), "stdio"));

        probe.awaitState("ready", READY_WITHIN);

        JsonObject catalog = probe.catalog.get();
        assertThat(names(catalog.getJsonArray("tools"))).contains("echo", "get-sum");
        assertThat(catalog.getJsonArray("prompts")).isNotEmpty();
        assertThat(catalog.getJsonArray("resources")).isNotEmpty();
        assertThat(catalog.getJsonObject("serverInfo").getString("name")).isNotBlank();
        assertThat(probe.states).startsWith("connecting").contains("ready");
        assertThat(text(probe.echo("hello"))).isEqualTo("Echo: hello");
        JsonObject sum = probe.call(
                        "tools/call",
                        new JsonObject()
                                .put("name", "get-sum")
                                .put("arguments", new JsonObject().put("a", 2).put("b", 3)))
                .await(10, TimeUnit.SECONDS);
        assertThat(text(sum)).contains("5");
    }

    /**
     * Many calls in flight at once over one pipe: the writes go out in batches and the answers come back in batches,
     * and every caller still gets its own answer.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyCallsInFlightEachGetTheirOwnAnswer(Vertx vertx) throws Exception {
        probe = UpstreamProbe.deploy(vertx, "everything", UpstreamProbe.stdio(EverythingServer.script(), "stdio"));
        probe.awaitState("ready", READY_WITHIN);

        int calls = 300;
        List<Future<JsonObject>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < calls; i++) {
            JsonObject arguments = new JsonObject().put("message", "message " + i);
            answers.add(probe.call(
                    "tools/call", new JsonObject().put("name", "echo").put("arguments", arguments)));
        }
        Future.all(answers).await(30, TimeUnit.SECONDS);

        for (int i = 0; i < calls; i++) {
            assertThat(text(answers.get(i).result())).isEqualTo("Echo: message " + i);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void passesTheUpstreamsOwnErrorThrough(Vertx vertx) throws Exception {
        probe = UpstreamProbe.deploy(vertx, "everything", UpstreamProbe.stdio(EverythingServer.script(), "stdio"));
        probe.awaitState("ready", READY_WITHIN);

        JsonObject reply = probe.call("no/such/method", new JsonObject()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aChildThatDiesFailsItsCallAtOnceAndComesBack(Vertx vertx) throws Exception {
        probe = UpstreamProbe.deploy(vertx, "everything", UpstreamProbe.stdio(EverythingServer.script(), "stdio"));
        probe.awaitState("ready", READY_WITHIN);
        long pid = probe.status().getLong("pid");
        Future<JsonObject> longCall = probe.call("tools/call", longRunning(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.status().getInteger("inFlight") == 1);

        long killedAt = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ReplyException failed = failure(longCall);

        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(5));
        assertThat(failed.failureCode()).isEqualTo(Failures.UNAVAILABLE);
        assertThat(failed.getMessage()).contains("'everything'").contains("exited with code");
        probe.awaitState("ready", READY_WITHIN);
        assertThat(probe.states).containsSubsequence("ready", "reconnecting", "ready");
        assertThat(text(probe.echo("again"))).isEqualTo("Echo: again");
        assertThat(probe.status().getLong("pid")).isNotEqualTo(pid);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void skipsALineThatIsNotJson(Vertx vertx) throws Exception {
        JsonObject entry = new JsonObject()
                .put("command", "sh")
                .put(
                        "args",
                        new JsonArray()
                                .add("-c")
                                .add("echo this-is-not-json; exec node '" + EverythingServer.script() + "' stdio"));
        probe = UpstreamProbe.deploy(vertx, "noisy", entry);

        probe.awaitState("ready", READY_WITHIN);

        assertThat(text(probe.echo("still here"))).isEqualTo("Echo: still here");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSlowCallTimesOut(Vertx vertx) throws Exception {
        JsonObject entry =
                UpstreamProbe.stdio(EverythingServer.script(), "stdio").put("timeoutMs", 1500);
        probe = UpstreamProbe.deploy(vertx, "slow", entry);
        probe.awaitState("ready", READY_WITHIN);

        ReplyException failed = failure(probe.call("tools/call", longRunning(30)));

        assertThat(failed.failureCode()).isEqualTo(Failures.TIMEOUT);
        assertThat(failed.getMessage()).isEqualTo("service 'slow' did not answer tools/call within 1500 ms");
        assertThat(text(probe.echo("after timeout"))).isEqualTo("Echo: after timeout"); // the connection survives
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stoppingLeavesNoChildProcess(Vertx vertx) throws Exception {
        // A wrapper shell, so that the server is a grandchild: stop must end the whole tree.
        JsonObject entry = new JsonObject()
                .put("command", "sh")
                .put(
                        "args",
                        new JsonArray()
                                .add("-c")
                                .add("node '" + EverythingServer.script() + "' stdio; echo server left >&2"));
        probe = UpstreamProbe.deploy(vertx, "tree", entry);
        probe.awaitState("ready", READY_WITHIN);
        long pid = probe.status().getLong("pid");
        List<ProcessHandle> tree =
                ProcessHandle.of(pid).orElseThrow().descendants().toList();
        assertThat(tree).isNotEmpty();

        probe.close();

        assertThat(alive(pid)).isFalse();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(probe.states).endsWith("stopped");
        probe = null;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stoppingEndsAChildThatIgnoresStdinAndSigterm(Vertx vertx) throws Exception {
        // Ignores SIGTERM and starts another child after the server leaves: both must still end. The sleep's length
        // marks this run's grandchild among every process on the machine (other builds may run this test too).
        String orphan = UpstreamShutdownTest.orphanDuration();
        JsonObject entry = new JsonObject()
                .put("command", "sh")
                .put(
                        "args",
                        new JsonArray()
                                .add("-c")
                                .add("trap '' TERM; node '" + EverythingServer.script() + "' stdio; sleep " + orphan));
        probe = UpstreamProbe.deploy(vertx, "stubborn", entry);
        probe.awaitState("ready", READY_WITHIN);
        long pid = probe.status().getLong("pid");

        probe.close();
        probe = null;

        assertThat(alive(pid)).isFalse();
        assertThat(UpstreamShutdownTest.endSurvivors(orphan)).isEmpty();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCommandThatCannotStartIsReportedNotHung(Vertx vertx) throws Exception {
        JsonObject entry =
                new JsonObject().put("command", "/no/such/mcp-server").put("maxRestarts", 1);
        probe = UpstreamProbe.deploy(vertx, "missing", entry);

        ReplyException failed = failure(probe.call("tools/list", null));
        probe.awaitState("failed", Duration.ofSeconds(10));

        assertThat(failed.failureCode()).isEqualTo(Failures.UNAVAILABLE);
        assertThat(failed.getMessage()).startsWith("service 'missing' is unavailable:");
        assertThat(probe.catalog.get().getString("error")).contains("/no/such/mcp-server");
    }

    static JsonObject longRunning(int seconds) {
        return new JsonObject()
                .put("name", "trigger-long-running-operation")
                .put("arguments", new JsonObject().put("duration", seconds).put("steps", 5));
    }

    static List<String> names(JsonArray items) {
        return items.stream().map(t -> ((JsonObject) t).getString("name")).toList();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
