package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Upstreams that die, hang, refuse or babble: callers get a clear error in time, and the rest keeps working. */
@Timeout(120)
class GatewayFaultsTest {

    /** Our fixture children named {@code name}. ProcessHandle.Info truncates long command lines; /proc does not. */
    static List<ProcessHandle> fixtureChildren(String name) {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> {
                    String cmd = commandLine(p);
                    return cmd.contains("FixtureServer") && cmd.contains("--name " + name);
                })
                .toList();
    }

    private static String commandLine(ProcessHandle p) {
        try {
            byte[] raw = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + p.pid() + "/cmdline"));
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException gone) {
            return "";
        }
    }

    @Test
    void aKilledChildFailsTheCallInFlightAndIsRestarted() throws Exception {
        try (TestGateway gateway =
                TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "victim")))) {
            McpSession session = McpSession.open(gateway, "/mcp");
            List<ProcessHandle> before = fixtureChildren("victim");
            assertThat(before).hasSize(1);

            CompletableFuture<JsonObject> call =
                    CompletableFuture.supplyAsync(() -> session.call("fx__slow", new JsonObject().put("ms", 30_000)));
            TestGateway.sleep(500);
            before.get(0).destroyForcibly();

            JsonObject answer = call.get(15, TimeUnit.SECONDS);
            assertThat(answer.getJsonObject("error")).as(answer.encode()).isNotNull();
            assertThat(answer.getJsonObject("error").getString("message")).contains("fx");

            // The state may still read "ready" for a moment (the lost connection has not reached every router
            // instance yet): wait for the restarted child first, then for the service to be ready on it.
            long killed = before.get(0).pid();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> fixtureChildren("victim").stream().anyMatch(p -> p.pid() != killed));
            gateway.awaitState("fx", Duration.ofSeconds(30), "ready");
            List<ProcessHandle> after = fixtureChildren("victim");
            assertThat(after).hasSize(1);
            assertThat(after.get(0).pid()).isNotEqualTo(before.get(0).pid());
            JsonObject next = session.call("fx__echo", new JsonObject().put("text", "again"));
            assertThat(next.getJsonObject("result").encode()).contains("again");
        }
    }

    @Test
    void anUpstreamThatNeverAnswersTimesOutWithAnErrorNamingIt() {
        JsonObject fx = Upstreams.fixtureStdio("--name", "sleepy").put("timeoutMs", 1000);
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services("fx", fx))) {
            McpSession session = McpSession.open(gateway, "/mcp");
            JsonObject answer = session.call("fx__hang", new JsonObject());
            JsonObject error = answer.getJsonObject("error");
            assertThat(error).as(answer.encode()).isNotNull();
            assertThat(error.getInteger("code")).isEqualTo(-32001);
            assertThat(error.getString("message")).contains("fx").contains("1000 ms");
            // The connection is fine: the next call is answered.
            assertThat(session.call("fx__echo", new JsonObject().put("text", "still here"))
                            .getJsonObject("result")
                            .encode())
                    .contains("still here");
        }
    }

    @Test
    void aRefusingUrlLeavesTheOtherServicesAlone() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        JsonObject config = Upstreams.services(
                "fx", Upstreams.fixtureStdio("--name", "healthy"),
                "gone", Upstreams.url("http://127.0.0.1:" + closed + "/mcp").put("maxRestarts", 3));
        try (TestGateway gateway = TestGateway.start(config)) {
            gateway.awaitState("fx", Duration.ofSeconds(30), "ready");
            String state = gateway.awaitState("gone", Duration.ofSeconds(30), "reconnecting", "failed");
            assertThat(state).isIn("reconnecting", "failed");
            assertThat(gateway.service("gone").getString("error")).isNotBlank();
            assertThat(gateway.get("/health/ready").statusCode()).isEqualTo(503);

            McpSession session = McpSession.open(gateway, "/mcp");
            assertThat(session.call("fx__echo", new JsonObject().put("text", "ok"))
                            .getJsonObject("result"))
                    .isNotNull();
            JsonObject down = session.call("gone__anything", new JsonObject());
            assertThat(down.getJsonObject("error").getString("message"))
                    .contains("'gone'")
                    .contains("unavailable");
            gateway.awaitState("gone", Duration.ofSeconds(60), "failed");
        }
    }

    @Test
    void garbageOnStdoutIsSkippedAndTheConnectionSurvives() {
        try (TestGateway gateway =
                TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "noisy")))) {
            McpSession session = McpSession.open(gateway, "/mcp");
            JsonObject garbage = session.call("fx__garbage", new JsonObject());
            assertThat(garbage.getJsonObject("result")).as(garbage.encode()).isNotNull();
            assertThat(session.call("fx__echo", new JsonObject().put("text", "clean"))
                            .getJsonObject("result")
                            .encode())
                    .contains("clean");
            assertThat(gateway.state("fx")).isEqualTo("ready");
        }
    }

    @Test
    void stoppingTheGatewayLeavesNoChildProcess() {
        List<ProcessHandle> children;
        try (TestGateway gateway =
                TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "orphan-check")))) {
            children = fixtureChildren("orphan-check");
            assertThat(children).hasSize(1);
        }
        children.forEach(p -> {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("child " + p.pid() + " still alive after the gateway stopped", e);
            }
        });
        assertThat(fixtureChildren("orphan-check")).isEmpty();
    }
}
