package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.security.TestIdentities;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's services, dashboard, config and users pages in a real headless Chromium: edit a service whose env
 * holds a secret and see it still work with the secret kept, watch a killed child process in the service's state
 * history, dry-run a REST tool and preview then create an OpenAPI import from the forms, read p50/p99 on the
 * dashboard, import a config with a misspelt key and read the error naming it, and change a user's role and password
 * signed in as an admin. Screenshots go to {@code target/console-screenshots/}.
 */
@Timeout(240)
class ConsoleServicesTest {
    static final Path SHOTS = ConsoleBrowserTest.SHOTS;
    static final Duration WITHIN = Duration.ofSeconds(45);
    static final String DOM = ConsoleBrowserTest.DOM;
    static final String SECRET = "s3cret-env-value";

    @TempDir
    Path profile;

    private static String js(String text) {
        return new JsonObject()
                .put("v", text)
                .encode()
                .replaceFirst("^\\{\"v\":", "")
                .replaceFirst("}$", "");
    }

    /** Sets a control's value as typing would, found by a CSS selector. */
    private static void set(ChromiumPage page, String selector, String value) throws Exception {
        page.eval("(() => { const el = document.querySelector(" + js(selector) + "); el.value = " + js(value)
                + "; el.dispatchEvent(new Event('input', {bubbles: true}));"
                + " el.dispatchEvent(new Event('change', {bubbles: true})); })()");
    }

    private static void click(ChromiumPage page, String selector) throws Exception {
        page.eval("document.querySelector(" + js(selector) + ").click()");
    }

    private static String text(ChromiumPage page, String selector) throws Exception {
        return (String) page.eval("document.querySelector(" + js(selector) + ")?.textContent ?? ''");
    }

    private static void go(ChromiumPage page, String hash, String heading) throws Exception {
        page.eval("location.hash = " + js(hash));
        page.await(
                "document.querySelector('#view h2')?.textContent === " + js(heading)
                        + " && !document.getElementById('view').hasAttribute('aria-busy')",
                WITHIN,
                DOM);
    }

    private static JsonObject admin(TestGateway gateway, String method, String path, JsonObject body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = gateway.send(b.build());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return new JsonObject(r.body());
    }

    private static String envSeenByTheChild(TestGateway gateway) {
        return admin(
                        gateway,
                        "POST",
                        "/tools/call",
                        new JsonObject().put("name", "fx__env").put("arguments", new JsonObject()))
                .getJsonObject("structuredContent")
                .getJsonObject("env")
                .getString("API_TOKEN");
    }

    static JsonObject petstore() {
        return new JsonObject()
                .put("transport", "rest")
                .put("baseUrl", "http://127.0.0.1:9/api")
                .put("headers", new JsonObject().put("Authorization", "Bearer pets-s3cret"))
                .put(
                        "tools",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("name", "get_pet")
                                        .put("description", "Fetch one pet by id")
                                        .put("method", "GET")
                                        .put("path", "/pets/{id}")
                                        .put(
                                                "args",
                                                new JsonArray()
                                                        .add(new JsonObject()
                                                                .put("name", "id")
                                                                .put("in", "path")
                                                                .put("type", "integer")
                                                                .put("required", true)))
                                        .put("response", new JsonObject().put("template", "Pet {{name}}"))));
    }

    @Test
    void anAdminEditsWatchesDryRunsImportsAndReadsLatency() throws Exception {
        try (TestGateway gateway = TestGateway.start(Upstreams.services(
                        "fx",
                        Upstreams.fixtureStdio("--name", "fx").put("env", new JsonObject().put("API_TOKEN", SECRET)),
                        "pets",
                        petstore()));
                ChromiumPage page = ChromiumPage.open(ConsoleBrowserTest.CHROMIUM, profile)) {
            gateway.awaitState("fx", WITHIN, "ready");
            gateway.awaitState("pets", WITHIN, "ready");
            page.navigate(gateway.url() + "/");
            // The first page is drawn before the test moves on (a hash change during the first render races it).
            page.await("document.querySelector('tr[data-service=pets] .badge.ready')", WITHIN, DOM);
            page.await("document.getElementById('live').textContent === 'live'", WITHIN, DOM);
            page.eval("window.confirm = () => true");

            // The list: transport and era columns.
            go(page, "#/services", "Services");
            page.await("document.querySelector('tr[data-service=fx] .badge.ready')", WITHIN, DOM);
            assertThat(text(page, "tr[data-service=fx] .transport")).isEqualTo("stdio");
            assertThat(text(page, "tr[data-service=fx] .era")).isEqualTo("2025-11-25");
            assertThat(text(page, "tr[data-service=pets] .transport")).isEqualTo("rest");

            // Edit fx from the form: the env secret shows as ***, is sent back so, and the child still gets it.
            go(page, "#/services/fx", "Services");
            page.await("document.querySelector('#edit-service [name=env]')", WITHIN, DOM);
            assertThat((String) page.eval("document.querySelector('#edit-service [name=env]').value"))
                    .isEqualTo("API_TOKEN=***");
            assertThat((String) page.eval(DOM)).doesNotContain(SECRET);
            long before = admin(gateway, "GET", "/services/fx", null).getLong("revision");
            set(page, "#edit-service [name=timeoutMs]", "7777");
            click(page, "#edit-service button[type=submit]");
            page.await("document.getElementById('message').textContent.startsWith('Saved fx')", WITHIN, DOM);
            JsonObject after = admin(gateway, "GET", "/services/fx", null);
            assertThat(after.getLong("revision")).isGreaterThan(before);
            assertThat(after.getJsonObject("config").getLong("timeoutMs")).isEqualTo(7777);
            gateway.awaitState("fx", WITHIN, "ready");
            page.await("document.querySelector('#detail-state .badge.ready')", WITHIN, DOM);
            assertThat(envSeenByTheChild(gateway)).isEqualTo(SECRET);

            // The state history: kill the child, see it go down with the exit and come back, live.
            page.await("document.getElementById('detail-pid')", WITHIN, DOM);
            long pid = Long.parseLong(text(page, "#detail-pid"));
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            page.await(
                    "[...document.querySelectorAll('#service-history tr[data-state=reconnecting] .reason')]"
                            + ".some(r => /exit/i.test(r.textContent))",
                    WITHIN,
                    "document.getElementById('service-history').outerHTML");
            page.await(
                    "document.querySelector('#service-history tbody tr')?.dataset.state === 'ready'"
                            + " && document.querySelector('#detail-state .badge.ready')",
                    WITHIN,
                    "document.getElementById('service-history').outerHTML");
            page.screenshot(SHOTS.resolve("service-detail.png"));

            // A REST tool: method, path and template shown; a dry run from the form shows the request, redacted.
            go(page, "#/services/pets", "Services");
            page.await("document.querySelector('tr[data-tool=get_pet]')", WITHIN, DOM);
            assertThat(text(page, "tr[data-tool=get_pet] .method")).isEqualTo("GET");
            assertThat(text(page, "tr[data-tool=get_pet] .path")).isEqualTo("/pets/{id}");
            assertThat(text(page, "tr[data-tool=get_pet]")).contains("Pet {{name}}");
            click(page, "tr[data-tool=get_pet] button");
            page.await("document.querySelector('#dry-run-form [name=\"arg.id\"]')", WITHIN, DOM);
            set(page, "#dry-run-form [name=\"arg.id\"]", "7");
            click(page, "#dry-run-form button[type=submit]");
            page.await("document.getElementById('dry-run-request')", WITHIN, DOM);
            assertThat(text(page, "#dry-run-request"))
                    .startsWith("GET http://127.0.0.1:9/api/pets/7")
                    .contains("Authorization: ***")
                    .doesNotContain("pets-s3cret");
            page.screenshot(SHOTS.resolve("service-rest.png"));

            // An OpenAPI import: preview first (nothing created), then create.
            String doc = new JsonObject()
                    .put("openapi", "3.0.3")
                    .put("info", new JsonObject().put("title", "Things").put("version", "1"))
                    .put("servers", new JsonArray().add(new JsonObject().put("url", "http://127.0.0.1:9/v1")))
                    .put(
                            "paths",
                            new JsonObject()
                                    .put(
                                            "/things",
                                            new JsonObject()
                                                    .put(
                                                            "get",
                                                            new JsonObject()
                                                                    .put("operationId", "listThings")
                                                                    .put(
                                                                            "responses",
                                                                            new JsonObject()
                                                                                    .put(
                                                                                            "200",
                                                                                            new JsonObject()
                                                                                                    .put(
                                                                                                            "description",
                                                                                                            "ok"))))))
                    .encodePrettily();
            set(page, "#import-openapi [name=name]", "things");
            set(page, "#import-openapi [name=document]", doc);
            click(page, "#import-openapi button[name=preview]");
            page.await("document.getElementById('import-tools')?.textContent === 'listThings'", WITHIN, DOM);
            assertThat(text(page, "#import-preview")).contains("Would add rest service things");
            assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/services/things"))
                                    .build())
                            .statusCode())
                    .isEqualTo(404);
            click(page, "#import-openapi button[name=create]");
            page.await(
                    "document.querySelector('tr[data-service=things] .transport')?.textContent === 'rest'",
                    WITHIN,
                    DOM);

            // The dashboard: p50/p99 per service and per tool, from the metrics tick.
            try (var client = gateway.client("streamable", s -> {})) {
                for (int i = 0; i < 4; i++) {
                    client.callTool(new McpSchema.CallToolRequest("fx__echo", Map.of("text", "hi " + i)));
                }
                client.callTool(new McpSchema.CallToolRequest("fx__add", Map.of("a", 1, "b", 2)));
            }
            go(page, "#/dashboard", "Dashboard");
            page.await(
                    "document.querySelector('#latency tr[data-tool=echo] .p50')?.textContent.endsWith('ms')"
                            + " && document.querySelector('#latency tr[data-tool=add]')",
                    WITHIN,
                    "document.getElementById('latency').outerHTML");
            assertThat(text(page, "#latency tr.service[data-service=fx] .p99")).matches("[0-9.]+ m?s");
            assertThat(text(page, "#latency tr[data-tool=echo]")).contains("4");
            page.screenshot(SHOTS.resolve("dashboard.png"));

            // Config import: a misspelt key is refused, and the error beside the form names it.
            go(page, "#/config", "Config");
            set(page, "#import-config [name=mode]", "merge");
            set(page, "#import-config [name=document]", "services:\n  typo:\n    comand: echo\n");
            click(page, "#import-config button[type=submit]");
            page.await("document.getElementById('import-error')", WITHIN, DOM);
            assertThat(text(page, "#import-error"))
                    .contains("services.typo.comand")
                    .contains("command");
            page.screenshot(SHOTS.resolve("config-import.png"));
            assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/services/typo"))
                                    .build())
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void anAdminChangesAUsersRoleAndPassword() throws Exception {
        String password = "root-password-1";
        try (TestGateway gateway = TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                        .put("security", new JsonObject().put("enabled", true)));
                ChromiumPage page = ChromiumPage.open(ConsoleBrowserTest.CHROMIUM, profile)) {
            TestIdentities.putUser(gateway, "root", "admin", password);
            TestIdentities.putUser(gateway, "ann", "viewer", "ann-password-1");
            page.navigate(gateway.url() + "/");
            page.await("!document.getElementById('signin').hidden", WITHIN, DOM);
            page.type("root");
            page.press("Tab");
            page.type(password);
            page.press("Enter");
            page.await("document.querySelector('tr[data-service=fx]')", WITHIN, DOM);

            go(page, "#/users", "Users & keys");
            page.await("document.querySelector('tr[data-user=ann] select[name=role]')", WITHIN, DOM);
            set(page, "tr[data-user=ann] select[name=role]", "operator");
            page.await("document.getElementById('message').textContent === 'ann is now operator'", WITHIN, DOM);
            set(page, "#set-password [name=user]", "ann");
            set(page, "#set-password [name=password]", "ann-password-2");
            click(page, "#set-password button[type=submit]");
            page.await("document.getElementById('message').textContent === 'Changed the password of ann'", WITHIN, DOM);
            page.screenshot(SHOTS.resolve("users-edit.png"));

            // As ann would see it: the old password no longer signs in, the new one does, with the new role.
            assertThat(login(gateway, "ann", "ann-password-1").statusCode()).isEqualTo(401);
            HttpResponse<String> signedIn = login(gateway, "ann", "ann-password-2");
            assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
            String token = new JsonObject(signedIn.body()).getString("token");
            HttpResponse<String> me = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/auth/me"))
                    .header("Authorization", "Bearer " + token)
                    .build());
            assertThat(new JsonObject(me.body()).getString("role")).isEqualTo("operator");
        }
    }

    private static HttpResponse<String> login(TestGateway gateway, String user, String password) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                        .put("username", user)
                        .put("password", password)
                        .encode()))
                .build());
    }
}
