package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playground in a real headless Chromium, as an MCP client of the gateway's {@code /mcp} (and an app's endpoint):
 * progress and log messages show while a call runs, elicitation and sampling requests of our fixture's tools are
 * answered in the page's dialog from the keyboard, a slow call is cancelled, and leaving the page ends the session.
 */
@Timeout(180)
class ConsolePlaygroundTest {
    static final Path SHOTS = ConsoleBrowserTest.SHOTS;
    static final Duration WITHIN = Duration.ofSeconds(45);
    static final String DOM = ConsoleBrowserTest.DOM;
    private static final Pattern OPEN = Pattern.compile("(?m)^mcpstore_sessions_open (\\d+)\\.0$");

    static Vertx vertx;
    static FixtureServer.Running web;
    static TestGateway gateway;

    @TempDir
    Path profile;

    ChromiumPage page;

    @BeforeAll
    static void start() {
        // The app's service is the conformance fixture over HTTP with SSE answers: it can end a call's stream early.
        vertx = Vertx.vertx();
        web = TestGateway.await(FixtureServer.startHttp(
                vertx, FixtureOptions.parse(List.of("--conformance", "--sse", "--name", "web"))));
        gateway = TestGateway.startReady(Upstreams.services(
                        "fx", Upstreams.fixtureStdio("--name", "fx"),
                        "conf", Upstreams.fixtureStdio("--conformance"),
                        "web", Upstreams.url(web.url()))
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "lab",
                                        new JsonObject()
                                                .put("prefix", "/lab")
                                                .put("services", new JsonArray().add("web")))));
    }

    @AfterAll
    static void stop() {
        try {
            if (gateway != null) gateway.close();
            if (web != null) TestGateway.await(web.close());
        } finally {
            if (vertx != null) TestGateway.await(vertx.close());
        }
    }

    @BeforeEach
    void openPage() throws Exception {
        page = ChromiumPage.open(ConsoleBrowserTest.CHROMIUM, profile);
    }

    @AfterEach
    void closePage() throws Exception {
        if (page != null) page.close();
    }

    @Test
    void progressAndLogMessagesShowAsTheyArriveAboveTheResult() throws Exception {
        console(gateway);
        go("#/playground/fx__slow", "Playground");
        page.await("document.getElementById('pg-session').textContent.includes('MCP session on /mcp')", WITHIN, DOM);
        assertThat(page.eval("document.getElementById('pg-session').textContent"))
                .asString()
                .contains("protocol 2025-11-25");
        page.await("document.getElementById('arg.ms')", WITHIN, DOM);
        fill("pg-form", "arg.ms", "3000");
        // What the page shows each time it changes: the progress must be there while the result is not yet.
        page.eval(
                "window.seen = []; new MutationObserver(() => window.seen.push({log: document.getElementById("
                        + "'pg-log').textContent, outcome: document.getElementById('pg-outcome').textContent}))"
                        + ".observe(document.getElementById('pg-result'), {subtree: true, childList: true, characterData: true})");
        click("#pg-call");
        page.await(
                "document.getElementById('pg-outcome').textContent.includes('slept 3000 ms')",
                WITHIN,
                "JSON.stringify(window.seen)");
        assertThat(page.eval("window.seen.some(s => s.log.includes('sleeping') && s.outcome.includes('Calling'))"))
                .as("the first progress shows while the call still runs")
                .isEqualTo(true);
        assertThat(lines()).containsExactly("Progress 0 / 3000 sleeping", "Progress 3000 / 3000 awake");
        assertThat(page.eval(
                        "[document.getElementById('pg-progress').value, document.getElementById('pg-progress').max]"))
                .asString()
                .isEqualTo("[3000,3000]");
        assertThat(page.eval("!!document.querySelector('#pg-activity ~ #pg-outcome')"))
                .as("the activity is above the result")
                .isEqualTo(true);
        page.screenshot(SHOTS.resolve("playground-progress.png"));

        // A log message at warning shows; after the level is set to error, one at warning does not.
        fill("view", "tool", "fx__log");
        page.await("document.getElementById('arg.message')", WITHIN, DOM);
        fill("pg-form", "arg.message", "disk almost full");
        fill("pg-form", "arg.level", "warning");
        call("logged");
        assertThat(lines()).containsExactly("[warning] fixture: disk almost full");
        fill("view", "level", "error");
        fill("pg-form", "arg.message", "quiet please");
        call("logged");
        assertThat(lines()).isEmpty();
        fill("pg-form", "arg.level", "error");
        call("logged");
        assertThat(lines()).containsExactly("[error] fixture: quiet please");
    }

    @Test
    void anElicitationIsAnsweredInTheDialogFromTheKeyboard() throws Exception {
        console(gateway);
        go("#/playground/conf__test_elicitation", "Playground");
        page.await("document.getElementById('arg.message')", WITHIN, DOM);
        fill("pg-form", "arg.message", "Who is calling?");
        page.eval("document.getElementById('pg-call').focus()");
        page.press("Enter");
        page.await("document.querySelector('#pg-dialog[open]')", WITHIN, DOM);
        assertThat(page.eval("document.getElementById('pg-dialog').getAttribute('aria-labelledby')"))
                .isEqualTo("pg-dialog-title");
        assertThat(page.eval("document.getElementById('pg-dialog-message').textContent"))
                .isEqualTo("Who is calling?");
        assertThat(page.eval("document.activeElement.id")).isEqualTo("pg-el-arg.username");
        assertThat(page.eval("document.activeElement.labels[0].textContent")).isEqualTo("username *");
        page.type("ada");
        page.press("Tab");
        assertThat(page.eval("document.activeElement.labels[0].textContent")).isEqualTo("email *");
        page.type("ada@example.com");
        page.screenshot(SHOTS.resolve("playground-elicitation.png"));

        // On a phone-sized screen in the dark scheme the dialog fits and is dark.
        page.screen(390, 800, "dark");
        page.await("innerWidth === 390", WITHIN, DOM);
        assertThat(page.eval("document.getElementById('pg-dialog').getBoundingClientRect().right <= innerWidth"))
                .isEqualTo(true);
        assertThat(page.eval("getComputedStyle(document.getElementById('pg-dialog')).backgroundColor"))
                .isEqualTo("rgb(13, 17, 23)");
        page.screenshot(SHOTS.resolve("playground-elicitation-narrow-dark.png"));
        page.screen(1100, 760, "light");

        page.press("Enter");
        page.await("!document.querySelector('#pg-dialog')", WITHIN, DOM);
        awaitOutcome("User response: action=accept, content={\"username\":\"ada\",\"email\":\"ada@example.com\"}");
        assertThat(page.eval("document.activeElement.id"))
                .as("the focus is back")
                .isEqualTo("pg-call");
        assertThat(lines()).containsExactly("The tool asks: elicitation/create", "You answered: accept");

        // Send with the required fields empty keeps the dialog open; Escape cancels.
        page.press("Enter");
        page.await("document.querySelector('#pg-dialog[open]')", WITHIN, DOM);
        click("#pg-dialog [data-action=accept]");
        assertThat(page.eval("!!document.querySelector('#pg-dialog[open]')")).isEqualTo(true);
        escape();
        awaitOutcome("User response: action=cancel, content={}");

        page.eval("document.getElementById('pg-call').focus()");
        page.press("Enter");
        page.await("document.querySelector('#pg-dialog[open]')", WITHIN, DOM);
        click("#pg-dialog [data-action=decline]");
        awaitOutcome("User response: action=decline, content={}");

        // Defaults pre-fill the dialog's form (text, integer, number, enum, boolean) and are sent as they are.
        fill("view", "tool", "conf__test_elicitation_sep1034_defaults");
        page.await("!document.getElementById('pg-call').disabled", WITHIN, DOM);
        click("#pg-call");
        page.await("document.querySelector('#pg-dialog[open]')", WITHIN, DOM);
        click("#pg-dialog [data-action=accept]");
        awaitOutcome("Elicitation completed: action=accept, content="
                + "{\"name\":\"John Doe\",\"age\":30,\"score\":95.5,\"status\":\"active\",\"verified\":true}");

        // Titled single-selects show their titles and send their values.
        fill("view", "tool", "conf__test_elicitation_sep1330_enums");
        page.await("!document.getElementById('pg-call').disabled", WITHIN, DOM);
        click("#pg-call");
        page.await("document.querySelector('#pg-dialog[open]')", WITHIN, DOM);
        assertThat(page.eval("[...document.querySelector('#pg-dialog [name=\"arg.titledSingle\"]').options]"
                        + ".map(o => o.textContent).join('|')"))
                .isEqualTo("(none)|First Option|Second Option|Third Option");
        assertThat(page.eval("[...document.querySelector('#pg-dialog [name=\"arg.legacyEnum\"]').options]"
                        + ".map(o => o.textContent).join('|')"))
                .isEqualTo("(none)|Option One|Option Two|Option Three");
        fill("pg-dialog-form", "arg.titledSingle", "1");
        fill("pg-dialog-form", "arg.legacyEnum", "2");
        click("#pg-dialog [data-action=accept]");
        awaitOutcome(
                "Elicitation completed: action=accept, content={\"titledSingle\":\"value2\",\"legacyEnum\":\"opt3\"}");
    }

    @Test
    void aSamplingRequestIsAnsweredWithWhatTheAdminTypes() throws Exception {
        console(gateway);
        go("#/playground/conf__test_sampling", "Playground");
        page.await("document.getElementById('arg.prompt')", WITHIN, DOM);
        fill("pg-form", "arg.prompt", "What is the capital of France?");
        click("#pg-call");
        page.await("document.querySelector('#pg-dialog[open][data-kind=sampling]')", WITHIN, DOM);
        assertThat(page.eval("document.querySelector('#pg-dialog .pg-transcript').textContent"))
                .isEqualTo("user: What is the capital of France?");
        assertThat(page.eval("document.activeElement.id")).isEqualTo("pg-sampling-reply");
        page.type("Paris");
        page.screenshot(SHOTS.resolve("playground-sampling.png"));
        click("#pg-dialog [data-action=send]");
        awaitOutcome("LLM response: Paris");

        click("#pg-call");
        page.await("document.querySelector('#pg-dialog[open][data-kind=sampling]')", WITHIN, DOM);
        escape();
        page.await(
                "document.querySelector('#pg-outcome h3')?.textContent === 'The tool reported an error'", WITHIN, DOM);
        assertThat(page.eval("document.querySelector('#pg-outcome .content.text').textContent"))
                .asString()
                .contains("sampling/createMessage failed")
                .contains("declined");
    }

    @Test
    void aSlowCallIsCancelledAndLeavingThePageEndsTheSession() throws Exception {
        console(gateway);
        go("#/playground/fx__slow", "Playground");
        page.await("document.getElementById('arg.ms')", WITHIN, DOM);
        int open = openSessions();
        assertThat(open).isPositive();
        fill("pg-form", "arg.ms", "60000");
        click("#pg-call");
        page.await("document.getElementById('pg-log').textContent.includes('sleeping')", WITHIN, DOM);
        assertThat(page.eval("document.getElementById('pg-cancel').hidden")).isEqualTo(false);
        assertThat(page.eval("document.getElementById('pg-call').disabled")).isEqualTo(true);
        click("#pg-cancel");
        page.await("document.getElementById('pg-cancelled')", WITHIN, DOM);
        assertThat(page.eval("document.getElementById('pg-call').disabled")).isEqualTo(false);
        assertThat(page.eval("document.getElementById('pg-cancel').hidden")).isEqualTo(true);
        // The gateway ended the call upstream: it is counted, long before its 60 s were up.
        awaitMetric("mcpstore_tool_calls_total{outcome=\"failed\",service=\"fx\",tool=\"slow\"} 1.0");

        // The same session goes on: the next call answers.
        fill("pg-form", "arg.ms", "10");
        call("slept 10 ms");
        assertThat(openSessions()).isEqualTo(open);

        go("#/dashboard", "Dashboard");
        awaitOpenSessions(open - 1);
    }

    @Test
    void anAppsEndpointShowsOnlyItsToolsAndCallsGoThroughIt() throws Exception {
        console(gateway);
        go("#/playground", "Playground");
        page.await("document.querySelectorAll('#pg-tool option').length > 10", WITHIN, DOM);
        assertThat(options("pg-endpoint")).containsExactly("Every service (/mcp)", "App lab (/lab/mcp)");
        fill("view", "endpoint", "lab");
        page.await(
                "document.getElementById('pg-session').textContent.includes('MCP session on /lab/mcp')", WITHIN, DOM);
        page.await("document.querySelectorAll('#pg-tool option').length > 10", WITHIN, DOM);
        List<String> tools = options("pg-tool");
        assertThat(tools)
                .noneMatch(t -> t.startsWith("fx__") || t.startsWith("conf__"))
                .anyMatch(t -> t.endsWith("test_simple_text"));
        String simple = tools.stream()
                .filter(t -> t.endsWith("test_simple_text"))
                .findFirst()
                .orElseThrow();
        fill("view", "tool", simple);
        page.await("!document.getElementById('pg-call').disabled", WITHIN, DOM);
        call("This is a simple text response for testing.");
        assertThat(page.eval("location.hash")).isEqualTo("#/playground/" + simple + "/lab");

        // A call whose stream the server closes mid-call is resumed (GET with Last-Event-ID) and answers.
        fill("view", "tool", simple.replace("test_simple_text", "test_reconnection"));
        page.await("!document.getElementById('pg-call').disabled", WITHIN, DOM);
        call("Reconnection test completed successfully.");
    }

    /** With security on, the playground's session carries the signed-in user's token; a viewer is told why not. */
    @Test
    void withSecurityOnTheSessionIsTheSignedInUsers() throws Exception {
        try (TestGateway secured =
                TestGateway.startReady(Upstreams.services("conf", Upstreams.fixtureStdio("--conformance"))
                        .put("security", new JsonObject().put("enabled", true)))) {
            io.mcpstore.security.TestIdentities.putUser(secured, "ada", "operator", "ada-password-1");
            io.mcpstore.security.TestIdentities.putUser(secured, "vic", "viewer", "vic-password-1");
            signIn(secured, "ada", "ada-password-1");
            go("#/playground/conf__test_tool_with_progress", "Playground");
            page.await("!document.getElementById('pg-call').disabled", WITHIN, DOM);
            call("Progress tool executed successfully");
            assertThat(lines())
                    .containsExactly(
                            "Progress 0 / 100 Completed step 0 of 100",
                            "Progress 50 / 100 Completed step 50 of 100",
                            "Progress 100 / 100 Completed step 100 of 100");

            page.eval("document.getElementById('sign-out').click()");
            page.await("!document.getElementById('signin').hidden", WITHIN, DOM);
            signIn(secured, "vic", "vic-password-1");
            go("#/playground", "Playground");
            page.await("document.getElementById('pg-session').classList.contains('failed')", WITHIN, DOM);
            assertThat(page.eval("document.getElementById('pg-session').textContent"))
                    .asString()
                    .contains("403")
                    .contains("role 'viewer' of vic has no MCP access");
        }
    }

    private void console(TestGateway gw) throws Exception {
        page.navigate(gw.url() + "/");
        page.await("document.getElementById('live').textContent === 'live'", WITHIN, DOM);
        page.await(
                "document.querySelector('#view h2')?.textContent === 'Dashboard'"
                        + " && !document.getElementById('view').hasAttribute('aria-busy')",
                WITHIN,
                DOM);
    }

    private void signIn(TestGateway gw, String user, String password) throws Exception {
        page.navigate(gw.url() + "/");
        page.await("!document.getElementById('signin').hidden", WITHIN, DOM);
        page.eval("document.getElementById('signin-user').value = ''; document.getElementById('signin-user').focus()");
        page.type(user);
        page.press("Tab");
        page.type(password);
        page.press("Enter");
        page.await("!document.getElementById('content').hidden", WITHIN, DOM);
        page.await(
                "document.querySelector('#view h2')?.textContent === 'Dashboard'"
                        + " && !document.getElementById('view').hasAttribute('aria-busy')",
                WITHIN,
                DOM);
    }

    /** Calls the chosen tool with the Call button and waits for a result that contains {@code expected}. */
    private void call(String expected) throws Exception {
        click("#pg-call");
        awaitOutcome(expected);
    }

    private void awaitOutcome(String expected) throws Exception {
        page.await(
                "document.querySelector('#pg-outcome .content.text')?.textContent.includes(" + js(expected) + ")",
                WITHIN,
                DOM);
    }

    /** The activity lines of the last call, as shown. */
    private List<String> lines() throws Exception {
        return new JsonArray((String) page.eval(
                        "JSON.stringify([...document.querySelectorAll('#pg-log li')].map(l => l.textContent))"))
                .stream().map(String::valueOf).toList();
    }

    private List<String> options(String select) throws Exception {
        return new JsonArray((String) page.eval("JSON.stringify([...document.querySelectorAll('#" + select
                        + " option')].map(o => o.textContent))"))
                .stream().map(String::valueOf).toList();
    }

    private void escape() throws Exception {
        for (String type : List.of("rawKeyDown", "keyUp")) {
            page.call(
                    "Input.dispatchKeyEvent",
                    new JsonObject()
                            .put("type", type)
                            .put("key", "Escape")
                            .put("code", "Escape")
                            .put("windowsVirtualKeyCode", 27)
                            .put("nativeVirtualKeyCode", 27));
        }
    }

    private static String js(String text) {
        return new JsonObject()
                .put("v", text)
                .encode()
                .replaceFirst("^\\{\"v\":", "")
                .replaceFirst("}$", "");
    }

    /** Sets a form control's value as typing would, by its name inside a form or the view. */
    private void fill(String form, String name, String value) throws Exception {
        page.eval("(() => { const el = document.querySelector('#" + form + " [name=\"" + name + "\"]'); el.value = "
                + js(value) + "; el.dispatchEvent(new Event('input', {bubbles: true}));"
                + " el.dispatchEvent(new Event('change', {bubbles: true})); })()");
    }

    private void click(String selector) throws Exception {
        page.eval("document.querySelector(" + js(selector) + ").click()");
    }

    private void go(String hash, String heading) throws Exception {
        page.eval("location.hash = " + js(hash));
        page.await(
                "document.querySelector('#view h2')?.textContent === " + js(heading)
                        + " && !document.getElementById('view').hasAttribute('aria-busy')",
                WITHIN,
                DOM);
    }

    private static int openSessions() {
        Matcher m = OPEN.matcher(gateway.get("/metrics").body());
        assertThat(m.find()).as("mcpstore_sessions_open in /metrics").isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static void awaitOpenSessions(int expected) {
        Instant deadline = Instant.now().plus(WITHIN);
        int open;
        while ((open = openSessions()) != expected) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("mcpstore_sessions_open is " + open + ", not " + expected);
            }
            TestGateway.sleep(100);
        }
    }

    private static void awaitMetric(String line) {
        Instant deadline = Instant.now().plus(WITHIN);
        while (!gateway.get("/metrics").body().contains(line)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no '" + line + "' in /metrics:\n"
                        + gateway.get("/metrics").body());
            }
            TestGateway.sleep(100);
        }
    }
}
