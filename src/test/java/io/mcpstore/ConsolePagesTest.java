package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's pages in a real headless Chromium, used as an admin would: add a service from the form and from
 * pasted mcpServers JSON, watch a killed child process come back live on the dashboard, call tools from the
 * playground (a nested object argument, an image result), roll back a revision and read the diff, create a key that is
 * shown once. Each page is saved as a screenshot under {@code target/console-screenshots/}.
 */
@Timeout(240)
class ConsolePagesTest {
    static final Path SHOTS = ConsoleBrowserTest.SHOTS;
    static final Duration WITHIN = Duration.ofSeconds(45);
    static final String DOM = ConsoleBrowserTest.DOM;

    @TempDir
    Path profile;

    private static String js(String text) {
        return new JsonObject()
                .put("v", text)
                .encode()
                .replaceFirst("^\\{\"v\":", "")
                .replaceFirst("}$", "");
    }

    /** Sets a form control's value as typing would, by its name inside a form. */
    private static void fill(ChromiumPage page, String form, String name, String value) throws Exception {
        page.eval("(() => { const el = document.querySelector('#" + form + " [name=\"" + name + "\"]'); el.value = "
                + js(value) + "; el.dispatchEvent(new Event('input', {bubbles: true}));"
                + " el.dispatchEvent(new Event('change', {bubbles: true})); })()");
    }

    private static void click(ChromiumPage page, String selector) throws Exception {
        page.eval("document.querySelector(" + js(selector) + ").click()");
    }

    private static void go(ChromiumPage page, String hash, String heading) throws Exception {
        page.eval("location.hash = " + js(hash));
        page.await(
                "document.querySelector('#view h2')?.textContent === " + js(heading)
                        + " && !document.getElementById('view').hasAttribute('aria-busy')",
                WITHIN,
                DOM);
    }

    @Test
    void anAdminUsesEveryPage() throws Exception {
        try (TestGateway gateway = TestGateway.start(Upstreams.services(
                        "fx",
                        Upstreams.fixtureStdio("--name", "fx"),
                        "conf",
                        Upstreams.fixtureStdio("--conformance")));
                ChromiumPage page = ChromiumPage.open(ConsoleBrowserTest.CHROMIUM, profile)) {
            gateway.awaitState("fx", WITHIN, "ready");
            gateway.awaitState("conf", WITHIN, "ready");
            page.navigate(gateway.url() + "/");
            page.await("document.querySelector('tr[data-service=conf] .badge.ready')", WITHIN, DOM);
            page.await("document.getElementById('live').textContent === 'live'", WITHIN, DOM);
            page.eval("window.confirm = () => true");

            // Services: one from the form, one from pasted mcpServers JSON; both become ready, live.
            go(page, "#/services", "Services");
            JsonObject fixture = Upstreams.fixtureStdio("--name", "added");
            fill(page, "add-service", "name", "added");
            fill(page, "add-service", "transport", "stdio");
            fill(page, "add-service", "command", fixture.getString("command"));
            fill(
                    page,
                    "add-service",
                    "args",
                    fixture.getJsonArray("args").stream().map(String::valueOf).collect(Collectors.joining("\n")));
            click(page, "#add-service button[type=submit]");
            page.await("document.querySelector('tr[data-service=added] .badge.ready')", WITHIN, DOM);
            assertThat(gateway.state("added")).isEqualTo("ready");

            JsonObject pasted = new JsonObject()
                    .put("mcpServers", new JsonObject().put("pasted", Upstreams.fixtureStdio("--name", "pasted")));
            fill(page, "paste-servers", "mcpServers", pasted.encodePrettily());
            click(page, "#paste-servers button[type=submit]");
            page.await("document.querySelector('tr[data-service=pasted] .badge.ready')", WITHIN, DOM);
            page.screenshot(SHOTS.resolve("services.png"));

            // A service's status shows its process; killing it shows up on the dashboard live, and it comes back.
            go(page, "#/services/fx", "Services");
            page.await("document.getElementById('detail-pid')", WITHIN, DOM);
            long pid = Long.parseLong((String) page.eval("document.getElementById('detail-pid').textContent"));
            go(page, "#/dashboard", "Dashboard");
            page.await("document.querySelector('tr[data-service=fx] .badge.ready')", WITHIN, DOM);
            page.eval("window.seen = []; new MutationObserver(() => { const b = document.querySelector("
                    + "'tr[data-service=fx] .badge'); if (b) window.seen.push(b.textContent); })"
                    + ".observe(document.getElementById('services'), {subtree: true, childList: true})");
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            page.await("window.seen.some(s => s !== 'ready')", WITHIN, "JSON.stringify(window.seen)");
            page.await("document.querySelector('tr[data-service=fx] .badge.ready')", WITHIN, DOM);
            page.screenshot(SHOTS.resolve("dashboard.png"));

            // Tools: search across every service, and the schema.
            go(page, "#/tools", "Tools");
            page.eval("document.getElementById('tool-search').focus()");
            page.type("json_schema");
            page.await("document.querySelectorAll('#view tbody tr[data-tool]').length === 1", WITHIN, DOM);
            click(page, "#view tbody tr[data-tool] button");
            page.await("document.getElementById('tool-schema').textContent.includes('$defs')", WITHIN, DOM);
            page.screenshot(SHOTS.resolve("tools.png"));

            // Playground: a nested object argument ($ref to $defs), then an image result.
            go(page, "#/playground/conf__json_schema_2020_12_tool", "Playground");
            page.await("document.getElementById('arg.address.city')", WITHIN, DOM);
            fill(page, "pg-form", "arg.name", "Ada");
            fill(page, "pg-form", "arg.address.street", "1 Main St");
            fill(page, "pg-form", "arg.address.city", "Springfield");
            click(page, "#pg-call");
            page.await(
                    "document.querySelector('#pg-result .content.text')?.textContent.includes("
                            + js("{\"name\":\"Ada\",\"address\":{\"street\":\"1 Main St\",\"city\":\"Springfield\"}}")
                            + ")",
                    WITHIN,
                    DOM);
            fill(page, "view", "tool", "conf__test_image_content");
            page.await("!document.getElementById('pg-call').disabled", WITHIN, DOM);
            click(page, "#pg-call");
            page.await("document.querySelector('#pg-result img')?.naturalWidth > 0", WITHIN, DOM);
            assertThat((String) page.eval("document.querySelector('#pg-result img').src"))
                    .startsWith("data:image/png;base64,");
            page.screenshot(SHOTS.resolve("playground.png"));

            // Apps: the endpoint and the client snippets.
            go(page, "#/apps", "Apps");
            assertThat((String) page.eval("document.querySelector('#view .endpoint').textContent"))
                    .isEqualTo(gateway.url() + "/mcp");
            assertThat((String) page.eval("document.getElementById('view').textContent"))
                    .contains("\"url\": \"" + gateway.url() + "/mcp\"")
                    .contains("mcp-remote");
            page.screenshot(SHOTS.resolve("apps.png"));

            // Config: roll back to the revision before "pasted" was added; the diff shows it gone.
            go(page, "#/config", "Config");
            page.await("document.querySelectorAll('#view tr[data-revision]').length >= 3", WITHIN, DOM);
            click(page, "#view tbody tr[data-revision]:nth-child(2) button");
            page.await(
                    "[...document.querySelectorAll('#diff .del')].some(l => l.textContent.includes('pasted'))",
                    WITHIN,
                    DOM);
            page.await("document.getElementById('message').textContent.includes('Rolled back')", WITHIN, DOM);
            assertThat(gateway.awaitState("added", WITHIN, "ready")).isEqualTo("ready");
            page.screenshot(SHOTS.resolve("config.png"));

            // Users & keys: a key is shown once, and listed without its text.
            go(page, "#/users", "Users & keys");
            fill(page, "add-key", "name", "ci");
            fill(page, "add-key", "tools", "fx__echo, fx__add");
            fill(page, "add-key", "expires", "2099-01-31");
            click(page, "#add-key button[type=submit]");
            page.await("document.getElementById('key-text')?.textContent.startsWith('mcps_')", WITHIN, DOM);
            String key = (String) page.eval("document.getElementById('key-text').textContent");
            page.screenshot(SHOTS.resolve("users.png"));

            // The audit log has the key's creation; back on Users & keys, the key is listed without its text.
            go(page, "#/audit", "Audit log");
            page.await("document.getElementById('view').textContent.includes('key.create')", WITHIN, DOM);
            page.screenshot(SHOTS.resolve("audit.png"));
            go(page, "#/users", "Users & keys");
            page.await("document.querySelector('#view tr[data-key]')", WITHIN, DOM);
            assertThat((String) page.eval(DOM)).doesNotContain(key);
            // Its limits are the ones typed: listed, and stored so.
            assertThat((String) page.eval("document.querySelector('#view tr[data-key]').textContent"))
                    .contains("fx__echo, fx__add")
                    .contains("2099-01-31T00:00:00Z");
            JsonObject stored = new JsonObject(gateway.get("/api/v1/keys").body())
                    .getJsonArray("keys")
                    .getJsonObject(0);
            assertThat(stored.getJsonArray("tools").getList()).containsExactly("fx__echo", "fx__add");
            assertThat(stored.getString("expiresAt")).isEqualTo("2099-01-31T00:00:00Z");
        }
    }
}
