package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP conformance suite's server scenarios, run against our conformance fixture directly (so that a
 * failure below is the gateway's, not the fixture's) and through the gateway with {@code naming: never}: the fixture
 * over Streamable HTTP, over stdio, and behind an app prefix. Every active scenario must pass. Each run's log and
 * results stay under {@code target/conformance/<run>}; a failure prints them with the failed checks.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConformanceTest {
    /** Generous for ~40 checks; it only bounds a suite that hangs. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    /** Per upstream call: a relay that drops a server→client request then fails its scenario in seconds, not 60. */
    private static final int CALL_TIMEOUT_MS = 15_000;

    static ConformanceSuite suite;
    static Vertx vertx;
    static FixtureServer.Running fixture;
    /** The same fixture speaking only 2026-07-28: the gateway passes its input_required results through. */
    static FixtureServer.Running fixture2026;

    @BeforeAll
    static void start() {
        suite = ConformanceSuite.installed();
        vertx = Vertx.vertx();
        fixture = TestGateway.await(FixtureServer.startHttp(
                vertx, FixtureOptions.defaults().withConformance(true).withSseResponses(true)));
        fixture2026 = TestGateway.await(FixtureServer.startHttp(
                vertx,
                FixtureOptions.defaults()
                        .withConformance(true)
                        .withSseResponses(true)
                        .withEras(io.mcpstore.demo.Eras.V2026)));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) TestGateway.await(fixture.close());
        if (fixture2026 != null) TestGateway.await(fixture2026.close());
        if (vertx != null) TestGateway.await(vertx.close());
    }

    @Test
    void theFixtureItselfPassesEveryScenario() {
        // "all" includes the pending scenarios (json-schema-2020-12, server-sse-polling): the fixture covers them too.
        assertPasses(suite.server("fixture-direct", fixture.url(), RUN_TIMEOUT, "--suite", "all"));
    }

    @Test
    void throughTheGatewayWithTheFixtureOverStreamableHttp() {
        JsonObject upstream = Upstreams.url(fixture.url()).put("timeoutMs", CALL_TIMEOUT_MS);
        try (TestGateway gateway = TestGateway.startReady(gatewayConfig(upstream, false))) {
            assertPasses(suite.server("gateway-http", gateway.url() + "/mcp", RUN_TIMEOUT));
        }
    }

    @Test
    void throughTheGatewayWithTheFixtureOverStdio() {
        JsonObject upstream = Upstreams.fixtureStdio("--conformance").put("timeoutMs", CALL_TIMEOUT_MS);
        try (TestGateway gateway = TestGateway.startReady(gatewayConfig(upstream, false))) {
            assertPasses(suite.server("gateway-stdio", gateway.url() + "/mcp", RUN_TIMEOUT));
        }
    }

    /**
     * A 2025-era client (the suite, at 2025-11-25) in front of a 2026-07-28-only fixture: the gateway speaks the
     * stateless revision upstream and translates (input_required rounds into server→client requests, listen into
     * list changes and resource updates, per-request log levels).
     */
    @ParameterizedTest
    @ValueSource(strings = {"http", "stdio"})
    void throughTheGatewayWithA2026OnlyFixture(String transport) {
        JsonObject upstream;
        FixtureServer.Running modern = null;
        if (transport.equals("http")) {
            modern = TestGateway.await(FixtureServer.startHttp(
                    vertx, FixtureOptions.defaults().withConformance(true).withEras(io.mcpstore.demo.Eras.V2026)));
            upstream = Upstreams.url(modern.url());
        } else {
            upstream = Upstreams.fixtureStdio("--conformance", "--era", "2026");
        }
        try (TestGateway gateway =
                TestGateway.startReady(gatewayConfig(upstream.put("timeoutMs", CALL_TIMEOUT_MS), false))) {
            assertThat(gateway.service("conf").getString("era")).isEqualTo("2026-07-28");
            assertPasses(suite.server("gateway-2026-upstream-" + transport, gateway.url() + "/mcp", RUN_TIMEOUT));
        } finally {
            if (modern != null) TestGateway.await(modern.close());
        }
    }

    @Test
    void throughAnAppPrefix() {
        JsonObject upstream = Upstreams.url(fixture.url()).put("timeoutMs", CALL_TIMEOUT_MS);
        try (TestGateway gateway = TestGateway.startReady(gatewayConfig(upstream, true))) {
            assertPasses(suite.server("gateway-app", gateway.url() + "/conf/mcp", RUN_TIMEOUT));
        }
    }

    /**
     * The frozen 2025-11-25 requirement set of the 0.2.0-alpha.12 suite through the gateway: every scored check
     * passes, and so does the pending SEP-1699 polling scenario (the fixture ends its answer stream mid-call; the
     * gateway ends its client's stream after an event id and a retry, and the GET with Last-Event-ID gets the answer).
     */
    @Test
    void the2025RequirementsThroughTheGateway() {
        JsonObject upstream = Upstreams.url(fixture.url()).put("timeoutMs", CALL_TIMEOUT_MS);
        try (TestGateway gateway = TestGateway.startReady(gatewayConfig(upstream, false))) {
            ConformanceSuite.Result result = ConformanceSuite.installed2026()
                    .server("gateway-2025-11-25", gateway.url() + "/mcp", RUN_TIMEOUT, "--requirements", "2025-11-25");
            assertScoredPass(result);
            assertThat(check(result, "server-sse-polling", "server-sse-disconnect-resume"))
                    .as(result.report())
                    .isEqualTo("SUCCESS");
        }
    }

    /**
     * The frozen 2026-07-28 requirement set through the gateway, the fixture speaking 2025-11-25: the gateway
     * serves the stateless revision itself and translates (input_required for the fixture's server→client
     * requests). Every scored check passes; tasks and the other extensions are reported only.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/mcp", "/conf/mcp"})
    void the2026RequirementsThroughTheGatewayInFrontOfA2025Upstream(String path) {
        JsonObject upstream = Upstreams.url(fixture.url()).put("timeoutMs", CALL_TIMEOUT_MS);
        try (TestGateway gateway = TestGateway.startReady(gatewayConfig(upstream, path.startsWith("/conf")))) {
            ConformanceSuite.Result result = ConformanceSuite.installed2026()
                    .server(
                            "gateway-2026-07-28" + path.replace('/', '-'),
                            gateway.url() + path,
                            RUN_TIMEOUT,
                            "--requirements",
                            "2026-07-28");
            assertScoredPass(result);
        }
    }

    /**
     * The frozen 2026-07-28 requirement set through the gateway in front of the fixture speaking only 2026-07-28:
     * the same era on both sides, passed through with the gateway's own checks (its input_required results and
     * their requestState untouched).
     */
    @Test
    void the2026RequirementsThroughTheGatewayInFrontOfA2026Upstream() {
        JsonObject upstream = Upstreams.url(fixture2026.url()).put("timeoutMs", CALL_TIMEOUT_MS);
        try (TestGateway gateway = TestGateway.startReady(gatewayConfig(upstream, false))) {
            ConformanceSuite.Result result = ConformanceSuite.installed2026()
                    .server(
                            "gateway-2026-07-28-pass-through",
                            gateway.url() + "/mcp",
                            RUN_TIMEOUT,
                            "--requirements",
                            "2026-07-28");
            assertScoredPass(result);
        }
    }

    /**
     * The gateway as the client under test ({@link ConformanceClient}): the suite's own test server becomes its only
     * upstream and the scenario is driven through it. These are the suite's {@code core} client scenarios that need
     * no OAuth; the {@code auth/*} ones need the gateway to be an OAuth client of its upstreams, which it is not.
     */
    @ParameterizedTest
    @ValueSource(strings = {"initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry"})
    void theGatewayAsAClient(String scenario) {
        ConformanceSuite.Result result =
                suite.client("client-" + scenario, clientCommand(), scenario, Duration.ofMinutes(3));
        System.out.println(result.report());
        // Only failed checks count: the suite also exits 1 on warnings, such as sse-retry's "reconnected slightly
        // late" (its own wall-clock tolerance), which a busy machine can cause.
        assertThat(result.failed()).as(result.report()).isZero();
        assertThat(result.passed()).as(result.report()).isPositive();
    }

    /**
     * The gateway as a 2026-07-28 client of the suite's stateless scenario servers (0.2.0-alpha.12): it negotiates
     * the revision with {@code server/discover}, sends the {@code _meta} envelope and the SEP-2243 headers (with
     * {@code x-mcp-header} parameters, and without the tools whose annotations are invalid), and follows {@code
     * input_required} results for its 2025-era client (the Java SDK, answering elicitations). None needs OAuth.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "tools_call",
                "request-metadata",
                "http-standard-headers",
                "http-custom-headers",
                "http-invalid-tool-headers",
                "json-schema-ref-no-deref",
                "sep-2322-client-request-state"
            })
    void theGatewayAsA2026Client(String scenario) {
        ConformanceSuite.Result result = ConformanceSuite.installed2026()
                .client(
                        "client-2026-" + scenario,
                        clientCommand(),
                        scenario,
                        Duration.ofMinutes(3),
                        "--spec-version",
                        io.mcpstore.protocol.Stateless.VERSION);
        System.out.println(result.report());
        assertThat(result.failed()).as(result.report()).isZero();
        assertThat(result.passed()).as(result.report()).isPositive();
        assertThat(result.exitCode()).as(result.report()).isZero();
    }

    private static String clientCommand() {
        return String.join(
                " ",
                Upstreams.JAVA,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                ConformanceClient.class.getName());
    }

    /** One service {@code conf}, names left as the fixture gives them; optionally an app {@code /conf} serving it. */
    private static JsonObject gatewayConfig(JsonObject upstream, boolean app) {
        JsonObject config = Upstreams.services("conf", upstream).put("naming", new JsonObject().put("mode", "never"));
        if (app) {
            config.put(
                    "apps",
                    new JsonObject()
                            .put(
                                    "conf",
                                    new JsonObject()
                                            .put("prefix", "/conf")
                                            .put("services", new JsonArray().add("conf"))));
        }
        return config;
    }

    /** A --requirements run: no scored scenario has a failed check (the not-scored ones are only reported). */
    private static void assertScoredPass(ConformanceSuite.Result result) {
        System.out.println(result.report());
        assertThat(result.scoredFailures()).as(result.report()).isEmpty();
        assertThat(result.scored()).as(result.report()).isNotEmpty().allMatch(s -> s.failed() == 0);
        assertThat(result.passed()).as(result.report()).isPositive();
    }

    /** The status of one check of one scenario in a run's results folder. */
    private static String check(ConformanceSuite.Result result, String scenario, String id) {
        try (var dirs = java.nio.file.Files.list(result.resultsDir())) {
            for (java.nio.file.Path dir : dirs.filter(
                            d -> d.getFileName().toString().startsWith("server-" + scenario + "-"))
                    .toList()) {
                for (Object o : new JsonArray(java.nio.file.Files.readString(dir.resolve("checks.json")))) {
                    if (id.equals(((JsonObject) o).getString("id"))) return ((JsonObject) o).getString("status");
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "missing";
    }

    private static void assertPasses(ConformanceSuite.Result result) {
        System.out.println(result.report());
        assertThat(result.failed()).as(result.report()).isZero();
        assertThat(result.passed()).as(result.report()).isPositive();
        assertThat(result.exitCode()).as(result.report()).isZero();
    }
}
