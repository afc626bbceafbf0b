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

/**
 * The console in a real headless Chromium: the page's own script fetches the services and renders their state; with
 * security on it asks for a sign-in first, driven from the keyboard as a user would.
 */
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

    /**
     * With security on, the page shows a labelled sign-in form with the focus in it; Tab moves to the password and
     * Enter signs in; a wrong password says so; then the services show, with who is signed in and their role, the
     * token survives a reload of the tab and goes when the user signs out.
     */
    @Test
    void withSecurityOnTheConsoleAsksForASignInFromTheKeyboard() throws Exception {
        try (TestGateway gateway =
                        TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "console"))
                                .put("security", new io.vertx.core.json.JsonObject().put("enabled", true)));
                ChromiumPage page = ChromiumPage.open(CHROMIUM, profile)) {
            io.mcpstore.security.TestIdentities.putUser(gateway, "ada", "operator", "ada-password-1");
            java.time.Duration within = java.time.Duration.ofSeconds(30);
            String dom = "document.documentElement.outerHTML";

            page.navigate(gateway.url() + "/");
            page.await("!document.getElementById('signin').hidden", within, dom);
            assertThat(page.eval("document.getElementById('content').hidden")).isEqualTo(true);
            assertThat(page.eval("document.activeElement.id")).isEqualTo("signin-user");
            assertThat(page.eval("document.getElementById('signin-user').labels[0].textContent"))
                    .isEqualTo("User name");
            assertThat(page.eval("document.getElementById('signin-password').labels[0].textContent"))
                    .isEqualTo("Password");
            assertThat(page.eval("document.getElementById('signin-password').type"))
                    .isEqualTo("password");

            page.type("ada");
            page.press("Tab");
            assertThat(page.eval("document.activeElement.id")).isEqualTo("signin-password");
            page.type("not-her-password");
            page.press("Enter");
            page.await(
                    "document.getElementById('signin-error').textContent.includes('Wrong user name or password')",
                    within,
                    dom);
            assertThat(page.eval("document.activeElement.id")).isEqualTo("signin-password");
            assertThat(page.eval("document.getElementById('signin-password').value"))
                    .isEqualTo("");
            assertThat(page.eval("sessionStorage.getItem('mcpstore.token')")).isNull();

            page.type("ada-password-1");
            page.press("Enter");
            page.await("document.querySelector('tr[data-service=fx] .badge.ready')", within, dom);
            assertThat(page.eval("document.getElementById('signin').hidden")).isEqualTo(true);
            assertThat(page.eval("document.getElementById('who').hidden")).isEqualTo(false);
            assertThat(page.eval("document.getElementById('who-name').textContent"))
                    .isEqualTo("ada");
            assertThat(page.eval("document.getElementById('who-role').textContent"))
                    .isEqualTo("operator");
            String token = (String) page.eval("sessionStorage.getItem('mcpstore.token')");
            assertThat(token).isNotBlank();
            assertThat((String) page.eval(dom)).doesNotContain("ada-password-1").doesNotContain(token);

            page.navigate(gateway.url() + "/");
            page.await("document.querySelector('tr[data-service=fx] .badge.ready')", within, dom);
            assertThat(page.eval("document.getElementById('signin').hidden")).isEqualTo(true);

            page.eval("document.getElementById('sign-out').focus()");
            page.press("Enter");
            page.await("!document.getElementById('signin').hidden", within, dom);
            assertThat(page.eval("sessionStorage.getItem('mcpstore.token')")).isNull();
            assertThat(page.eval("document.getElementById('who').hidden")).isEqualTo(true);
            assertThat(page.eval("document.getElementById('content').hidden")).isEqualTo(true);

            // a token the gateway no longer takes (here: tampered) brings the form back, saying why
            page.eval("sessionStorage.setItem('mcpstore.token', '" + token + "x')");
            page.navigate(gateway.url() + "/");
            page.await("document.getElementById('signin-error').textContent.includes('sign in again')", within, dom);
            assertThat(page.eval("sessionStorage.getItem('mcpstore.token')")).isNull();
        }
    }

    /** The table row of one service, as rendered. */
    private static String row(String dom, String service) {
        int start = dom.indexOf("<tr data-service=\"" + service + "\"");
        assertThat(start).as("a row for " + service + " in:\n" + dom).isNotNegative();
        return dom.substring(start, dom.indexOf("</tr>", start));
    }
}
