package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.demo.Eras;
import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frozen requirement sets of the conformance suite 0.2.0-alpha.12 ({@code --requirements 2025-11-25} and
 * {@code 2026-07-28}) run directly against the conformance fixture in each of its eras, so that a failure through the
 * gateway is the gateway's. Every required scenario must pass; the tasks extension (SEP-2663), which the fixture does
 * not offer, is reported and not scored.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FixtureErasConformanceTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    private ConformanceSuite suite;
    private Vertx vertx;
    private FixtureServer.Running fixture;

    @BeforeEach
    void setUp() {
        suite = ConformanceSuite.installed2026();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) TestGateway.await(fixture.close());
        TestGateway.await(vertx.close());
    }

    private String start(Eras eras, boolean sse) {
        fixture = TestGateway.await(FixtureServer.startHttp(
                vertx,
                FixtureOptions.defaults().withConformance(true).withEras(eras).withSseResponses(sse)));
        return fixture.url();
    }

    @Test
    void a2026OnlyFixturePassesThe2026Requirements() {
        assertRequiredPass(suite.server(
                "fixture-2026-only", start(Eras.V2026, false), RUN_TIMEOUT, "--requirements", "2026-07-28"));
    }

    @Test
    void aDualEraFixturePassesThe2026Requirements() {
        assertRequiredPass(
                suite.server("fixture-both-2026", start(Eras.BOTH, true), RUN_TIMEOUT, "--requirements", "2026-07-28"));
    }

    @Test
    void aDualEraFixturePassesThe2025Requirements() {
        // With SSE answers, so that server-sse-polling (SEP-1699: a closed stream resumed with Last-Event-ID) runs.
        ConformanceSuite.Result result =
                suite.server("fixture-both-2025", start(Eras.BOTH, true), RUN_TIMEOUT, "--requirements", "2025-11-25");
        assertRequiredPass(result);
        assertThat(result.failed()).as(result.report()).isZero();
        assertThat(result.scenarios()).as(result.report()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("server-sse-polling");
            assertThat(s.passed()).isPositive();
        });
    }

    @Test
    void aSessionOnlyFixturePassesThe2025Requirements() {
        ConformanceSuite.Result result =
                suite.server("fixture-2025-only", start(Eras.V2025, true), RUN_TIMEOUT, "--requirements", "2025-11-25");
        assertRequiredPass(result);
        assertThat(result.failed()).as(result.report()).isZero();
    }

    /** Extensions the fixture does not implement: run and reported by the suite, never scored. */
    private static final List<String> UNSCORED_PREFIXES = List.of("tasks-");

    private static void assertRequiredPass(ConformanceSuite.Result result) {
        System.out.println(result.report());
        assertThat(result.passed()).as(result.report()).isPositive();
        assertThat(result.scenarios())
                .as(result.report())
                .filteredOn(s -> UNSCORED_PREFIXES.stream().noneMatch(s.name()::startsWith))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.failed()).as(s.name()).isZero());
    }
}
