package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The console in a real headless Chromium: the page's own script fetches the services and renders their state. */
@Timeout(120)
class ConsoleBrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("mcpstore.chromium", "/usr/bin/chromium"));

    @TempDir
    Path profile;

    /** The DOM after the page's scripts ran, as Chromium serialises it. */
    private String renderedDom(String url) throws Exception {
        assertThat(CHROMIUM)
                .as("Chromium is needed for the console test: apt-get install chromium (.ci/run does)")
                .isExecutable();
        Process chromium = new ProcessBuilder(List.of(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile,
                        "--virtual-time-budget=5000",
                        "--dump-dom",
                        url))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return dom;
        } finally {
            chromium.destroyForcibly();
        }
    }

    @Test
    void theFirstPageShowsEachServiceAndItsState() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (TestGateway gateway = TestGateway.start(Upstreams.services(
                "fx", Upstreams.fixtureStdio("--name", "console"),
                "gone", Upstreams.url("http://127.0.0.1:" + closed + "/mcp").put("maxRestarts", 1)))) {
            gateway.awaitState("fx", java.time.Duration.ofSeconds(30), "ready");
            gateway.awaitState("gone", java.time.Duration.ofSeconds(30), "failed");

            String dom = renderedDom(gateway.url() + "/");
            Files.writeString(profile.resolve("dom.html"), dom);

            assertThat(dom).contains("<title>MCPStore</title>");
            assertThat(row(dom, "fx")).contains("badge ready").contains(">stdio<");
            assertThat(row(dom, "gone"))
                    .contains("badge failed")
                    .contains("streamable-http")
                    .contains("cannot connect");
            assertThat(dom).contains("1 of 2 services up");
            assertThat(dom).contains(gateway.url() + "/mcp");
        }
    }

    /** The table row of one service, as rendered. */
    private static String row(String dom, String service) {
        int start = dom.indexOf("<tr data-service=\"" + service + "\"");
        assertThat(start).as("a row for " + service + " in:\n" + dom).isNotNegative();
        return dom.substring(start, dom.indexOf("</tr>", start));
    }
}
