package io.mcpstore.upstream;

import static io.mcpstore.upstream.UpstreamProbe.text;
import static io.mcpstore.upstream.UpstreamStdioTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.Failures;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the reference server cannot be made to do, shown with a small scripted stdio server
 * ({@code upstream/scripted-server.js}): pagination, list_changed, requests to the client, unanswered pings.
 */
@ExtendWith(VertxExtension.class)
class UpstreamBehaviourTest {
    private static final Duration READY_WITHIN = Duration.ofSeconds(20);

    private UpstreamProbe probe;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) probe.close();
    }

    private UpstreamProbe deploy(Vertx vertx, JsonObject settings) throws Exception {
        String script = Path.of(
                        getClass().getResource("/upstream/scripted-server.js").toURI())
                .toString();
        probe = UpstreamProbe.deploy(
                vertx, "scripted", UpstreamProbe.stdio(script).mergeIn(settings));
        probe.awaitState("ready", READY_WITHIN);
        return probe;
    }

    private JsonObject callTool(String name) throws Exception {
        return probe.call("tools/call", new JsonObject().put("name", name).put("arguments", new JsonObject()))
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void followsEveryPageAndFetchesOnlyWhatTheServerOffers(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject());

        JsonObject catalog = probe.catalog.get();
        assertThat(names(catalog.getJsonArray("tools"))).containsExactly("alpha", "beta", "gamma");
        assertThat(catalog.getJsonArray("resources")).isEmpty();
        assertThat(catalog.getJsonArray("prompts")).isEmpty();
        assertThat(catalog.getJsonObject("serverInfo").getString("name")).isEqualTo("scripted");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void publishesTheCatalogAgainWhenAsked(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject());
        probe.catalog.set(null);

        vertx.eventBus().publish(Addresses.CATALOG_REFRESH, new JsonObject());

        await().atMost(Duration.ofSeconds(5)).until(() -> probe.catalog.get() != null);
        assertThat(probe.catalog.get().getString("state")).isEqualTo("ready");
        assertThat(names(probe.catalog.get().getJsonArray("tools"))).containsExactly("alpha", "beta", "gamma");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void runsTheCommandWithItsResolvedEnvironmentAndDirectory(Vertx vertx) throws Exception {
        String script = Path.of(
                        getClass().getResource("/upstream/scripted-server.js").toURI())
                .toString();
        // The server only starts when the placeholder was resolved, the variable merged and the directory set.
        JsonObject entry = new JsonObject()
                .put("command", "sh")
                .put(
                        "args",
                        new JsonArray()
                                .add("-c")
                                .add("[ \"$COPIED_PATH\" = \"$PATH\" ] && [ \"$(pwd)\" = /tmp ] && exec node '" + script
                                        + "'"))
                .put("env", new JsonObject().put("COPIED_PATH", "${env:PATH}"))
                .put("cwd", "/tmp");
        probe = UpstreamProbe.deploy(vertx, "scripted", entry);

        probe.awaitState("ready", READY_WITHIN);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void fetchesAListAgainWhenTheServerSaysItChanged(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject());

        callTool("change");

        await().atMost(Duration.ofSeconds(5))
                .until(() -> names(probe.catalog.get().getJsonArray("tools")).contains("delta"));
        assertThat(names(probe.catalog.get().getJsonArray("tools"))).containsExactly("alpha", "beta", "gamma", "delta");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void answersThePingOfTheServerAndRefusesASamplingRequestNoClientCanAnswer(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject());

        // The probe calls without a relay: there is no client to put the sampling request to.
        JsonArray answers = new JsonArray(text(callTool("ask-client")));

        assertThat(answers.getJsonObject(0).getJsonObject("result")).isEqualTo(new JsonObject());
        JsonObject refused = answers.getJsonObject(1).getJsonObject("error");
        assertThat(refused.getInteger("code")).isEqualTo(-32600);
        assertThat(refused.getString("message"))
                .contains("sampling/createMessage")
                .contains("no client call");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void refusesARequestWithoutAMethod(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject());

        ReplyException failed = UpstreamProbe.failure(
                vertx.eventBus().request(Addresses.upstream("scripted"), new JsonObject().put("params", 1)));

        assertThat(failed.failureCode()).isEqualTo(Failures.BAD_REQUEST);
        assertThat(failed.getMessage()).contains("'scripted'");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCallThatTimesOutIsCancelledUpstream(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject().put("timeoutMs", 1000));

        ReplyException failed = UpstreamProbe.failure(
                probe.call("tools/call", new JsonObject().put("name", "never").put("arguments", new JsonObject())));

        assertThat(failed.failureCode()).isEqualTo(Failures.TIMEOUT);
        assertThat(failed.getMessage()).isEqualTo("service 'scripted' did not answer tools/call within 1000 ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> !new JsonArray(text(callTool("cancelled"))).isEmpty());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anUnansweredPingDegradesAndAnAnsweredOneRestores(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject().put("pingIntervalMs", 200).put("timeoutMs", 2000));

        callTool("mute-pings");
        probe.awaitState("degraded", Duration.ofSeconds(10));
        assertThat(probe.catalog.get().getString("error")).contains("ping");
        callTool("unmute-pings"); // calls still flow while degraded

        probe.awaitState("ready", Duration.ofSeconds(10));
        assertThat(probe.states)
                .containsSubsequence("ready", "degraded", "ready")
                .doesNotContain("reconnecting");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void threeUnansweredPingsReconnect(Vertx vertx) throws Exception {
        deploy(vertx, new JsonObject().put("pingIntervalMs", 200).put("timeoutMs", 2000));
        long pid = probe.status().getLong("pid");

        callTool("mute-pings");

        await().atMost(Duration.ofSeconds(15)).until(() -> probe.states.contains("reconnecting"));
        probe.awaitState("ready", READY_WITHIN);
        assertThat(probe.states).containsSubsequence("ready", "degraded", "reconnecting", "ready");
        assertThat(probe.status().getLong("pid")).isNotEqualTo(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }
}
