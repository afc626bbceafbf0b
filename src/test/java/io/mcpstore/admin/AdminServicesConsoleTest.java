package io.mcpstore.admin;

import static io.mcpstore.admin.AdminValidationTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.bus.Addresses;
import io.mcpstore.security.TestIdentities;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the console's services, dashboard and users pages need from the admin API, over real HTTP: an edit that sends
 * a redacted secret back keeps it, a service's state history with the reason of each transition, the metrics tick's
 * p50/p99 per service and per tool, and an admin changing a user's role and password.
 */
@Timeout(120)
class AdminServicesConsoleTest {
    private static final Duration WITHIN = Duration.ofSeconds(45);

    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
    }

    private static JsonObject env(Api api) {
        HttpResponse<String> call =
                api.post("/tools/call", new JsonObject().put("name", "fx__env").put("arguments", new JsonObject()));
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        return Api.json(call).getJsonObject("structuredContent").getJsonObject("env");
    }

    private void awaitReadyAgain(Api api, long revision) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject fx = Api.json(api.get("/services/fx"));
            if (fx.getLong("revision") >= revision && "ready".equals(fx.getString("state"))) {
                // The new process has the new config once it published its catalog after the change.
                JsonObject status = Api.json(api.get("/services/fx/status"));
                if ("ready".equals(status.getString("state"))) return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fx is not ready after revision " + revision);
    }

    @Test
    void anEditThatSendsTheMaskBackKeepsTheStoredSecret() throws Exception {
        gateway = TestGateway.startReady(Upstreams.services(
                "fx",
                Upstreams.fixtureStdio("--name", "fx").put("env", new JsonObject().put("API_TOKEN", "s3cret-one"))));
        Api api = new Api(gateway);
        assertThat(env(api).getString("API_TOKEN")).isEqualTo("s3cret-one");

        // The console's edit form: what GET showed, one field changed, sent back with the mask in place.
        JsonObject shown = Api.json(api.get("/services/fx")).getJsonObject("config");
        assertThat(shown.getJsonObject("env").getString("API_TOKEN")).isEqualTo("***");
        shown.put("timeoutMs", 4321);
        HttpResponse<String> edited = api.put("/services/fx", shown);
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        assertThat(edited.body()).doesNotContain("s3cret-one");
        awaitReadyAgain(api, Api.json(edited).getLong("revision"));
        assertThat(Api.json(api.get("/services/fx")).getJsonObject("config").getLong("timeoutMs"))
                .isEqualTo(4321);
        assertThat(env(api).getString("API_TOKEN")).isEqualTo("s3cret-one");

        // A new value replaces the stored one.
        shown.getJsonObject("env").put("API_TOKEN", "s3cret-two");
        HttpResponse<String> replaced = api.put("/services/fx", shown);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        awaitReadyAgain(api, Api.json(replaced).getLong("revision"));
        assertThat(env(api).getString("API_TOKEN")).isEqualTo("s3cret-two");

        // The mask for a key that has nothing stored: 400 naming the key, and nothing changes.
        long before = Api.json(api.get("/services/fx")).getLong("revision");
        shown.getJsonObject("env").put("API_TOKEN", "***").put("OTHER_TOKEN", "***");
        assertProblem(
                api.put("/services/fx", shown),
                400,
                "services.fx.env.OTHER_TOKEN",
                "(redacted) but no value is stored");
        assertThat(Api.json(api.get("/services/fx")).getLong("revision")).isEqualTo(before);
        assertThat(env(api).getString("API_TOKEN")).isEqualTo("s3cret-two");
    }

    @Test
    void aMergePatchChangesOnlyWhatItNamesAndKeepsTheSecrets() throws Exception {
        gateway = TestGateway.startReady(Upstreams.services(
                "fx",
                Upstreams.fixtureStdio("--name", "fx").put("env", new JsonObject().put("API_TOKEN", "s3cret-one"))));
        Api api = new Api(gateway);
        HttpResponse<String> patched = api.send(
                "PATCH",
                "/services/fx",
                new JsonObject()
                        .put("timeoutMs", 2345)
                        .put("env", new JsonObject().put("PLAIN_VALUE", "visible"))
                        .encode(),
                Map.of());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(patched.body()).doesNotContain("s3cret-one");
        awaitReadyAgain(api, Api.json(patched).getLong("revision"));
        JsonObject config = Api.json(api.get("/services/fx")).getJsonObject("config");
        assertThat(config.getLong("timeoutMs")).isEqualTo(2345);
        assertThat(config.getString("command"))
                .isEqualTo(Upstreams.fixtureStdio().getString("command"));
        JsonObject env = env(api);
        assertThat(env.getString("API_TOKEN")).isEqualTo("s3cret-one");
        assertThat(env.getString("PLAIN_VALUE")).isEqualTo("visible");

        // null removes a key; the mask for a key with nothing stored is a 400 naming it.
        HttpResponse<String> removed = api.send(
                "PATCH",
                "/services/fx",
                new JsonObject()
                        .put("env", new JsonObject().putNull("PLAIN_VALUE"))
                        .encode(),
                Map.of());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        awaitReadyAgain(api, Api.json(removed).getLong("revision"));
        assertThat(env(api).containsKey("PLAIN_VALUE")).isFalse();
        assertProblem(
                api.send(
                        "PATCH",
                        "/services/fx",
                        new JsonObject()
                                .put("env", new JsonObject().put("MISSING_TOKEN", "***"))
                                .encode(),
                        Map.of()),
                400,
                "services.fx.env.MISSING_TOKEN",
                "(redacted) but no value is stored");
        assertProblem(
                api.send(
                        "PATCH",
                        "/services/nope",
                        new JsonObject().put("timeoutMs", 1).encode(),
                        Map.of()),
                404,
                null,
                null);
    }

    @Test
    void theHistoryShowsAKilledChildProcessWithItsExitAndTheWayBack() throws Exception {
        gateway = TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")));
        Api api = new Api(gateway);
        long pid = Api.json(api.get("/services/fx/status")).getLong("pid");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        JsonArray transitions = null;
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = api.get("/services/fx/history");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            transitions = Api.json(r).getJsonArray("transitions");
            // Newest first: back to ready after a reconnect.
            if (transitions.size() >= 2
                    && "ready".equals(transitions.getJsonObject(0).getString("state"))
                    && "reconnecting".equals(transitions.getJsonObject(1).getString("state"))) break;
            Thread.sleep(100);
        }
        assertThat(transitions).isNotNull();
        String states = transitions.stream()
                .map(t -> ((JsonObject) t).getString("state"))
                .collect(Collectors.joining(","));
        assertThat(states).startsWith("ready,reconnecting");
        JsonObject down = transitions.getJsonObject(1);
        assertThat(down.getString("reason")).as(down.encode()).containsIgnoringCase("exit");
        assertThat(Instant.parse(down.getString("at")))
                .isBeforeOrEqualTo(Instant.parse(transitions.getJsonObject(0).getString("at")));
        assertThat(transitions.getJsonObject(0).containsKey("reason")).isFalse();

        assertProblem(api.get("/services/nope/history"), 404, null, null);
    }

    @Test
    void theHistoryIsBoundedPerService() throws Exception {
        gateway = TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")));
        Api api = new Api(gateway);
        var bus = gateway.store().vertx().eventBus();
        for (int i = 0; i < StateHistory.PER_SERVICE + 20; i++) {
            bus.publish(
                    Addresses.UPSTREAM_STATE,
                    new JsonObject()
                            .put("service", "fx")
                            .put("state", "degraded")
                            .put("error", "ping failed: " + i)
                            .put("at", Instant.now().toString()));
        }
        String last = "ping failed: " + (StateHistory.PER_SERVICE + 19);
        JsonArray transitions = null;
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            transitions = Api.json(api.get("/services/fx/history")).getJsonArray("transitions");
            if (last.equals(transitions.getJsonObject(0).getString("reason"))) break;
            Thread.sleep(100);
        }
        assertThat(transitions.getJsonObject(0).getString("reason")).isEqualTo(last);
        assertThat(transitions.size()).isEqualTo(StateHistory.PER_SERVICE);
        assertThat(transitions.getJsonObject(StateHistory.PER_SERVICE - 1).getString("reason"))
                .isEqualTo("ping failed: 20");
    }

    @Test
    void theMetricsTickCarriesP50AndP99PerServiceAndPerTool() throws Exception {
        gateway = TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")));
        try (AdminEventsTest.EventStream stream =
                new AdminEventsTest.EventStream(gateway.url() + "/api/v1/events", Map.of())) {
            stream.await("metrics", d -> d.containsKey("services"));
            try (var client = gateway.client("streamable", s -> {})) {
                for (int i = 0; i < 5; i++) {
                    client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest(
                            "fx__echo", Map.of("text", "hi " + i)));
                }
                client.callTool(
                        new io.modelcontextprotocol.spec.McpSchema.CallToolRequest("fx__add", Map.of("a", 1, "b", 2)));
            }
            JsonObject metrics = stream.await(
                    "metrics",
                    d -> d.getJsonObject("services")
                                    .getJsonObject("fx", new JsonObject())
                                    .getJsonObject("tools", new JsonObject())
                                    .getJsonObject("add")
                            != null);
            JsonObject fx = metrics.getJsonObject("services").getJsonObject("fx");
            assertThat(fx.getDouble("p50Ms")).as(fx.encode()).isPositive();
            assertThat(fx.getDouble("p99Ms")).as(fx.encode()).isGreaterThanOrEqualTo(fx.getDouble("p50Ms"));
            JsonObject echo = fx.getJsonObject("tools").getJsonObject("echo");
            assertThat(echo.getLong("calls")).isEqualTo(5);
            assertThat(echo.getDouble("p50Ms")).isPositive();
            assertThat(echo.getDouble("p99Ms")).isGreaterThanOrEqualTo(echo.getDouble("p50Ms"));
            assertThat(fx.getJsonObject("tools").getJsonObject("add").getLong("calls"))
                    .isEqualTo(1);
        }
    }

    @Test
    void anAdminChangesAUsersRoleAndPasswordAndNoOneElseCan() {
        String password = "correct horse battery";
        gateway = TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put("security", new JsonObject().put("enabled", true)));
        Api api = new Api(gateway);
        TestIdentities.putUser(gateway, "root", "admin", password);
        TestIdentities.putUser(gateway, "ann", "viewer", "ann's first password");
        TestIdentities.putUser(gateway, "op", "operator", password);
        String root = login(api, "root", password);
        String op = login(api, "op", password);

        HttpResponse<String> changed = as(
                api,
                root,
                "PUT",
                "/users/ann",
                new JsonObject().put("role", "operator").put("password", "ann's second password"));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).doesNotContain("second password").doesNotContain("pbkdf2");
        assertThat(Api.json(as(api, root, "GET", "/users/ann", null)).getString("role"))
                .isEqualTo("operator");
        assertThat(loginStatus(api, "ann", "ann's first password")).isEqualTo(401);
        String ann = login(api, "ann", "ann's second password");
        assertThat(Api.json(as(api, ann, "GET", "/auth/me", null)).getString("role"))
                .isEqualTo("operator");
        // The store keeps a hash, never the password.
        assertThat(TestIdentities.identities(gateway).encode()).doesNotContain("ann's second password");

        // Only an admin: an operator may not change a role or a password, not even their own to admin.
        assertThat(as(api, op, "PUT", "/users/op", new JsonObject().put("role", "admin"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(as(api, op, "PUT", "/users/ann", new JsonObject().put("password", "taken over by op"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(loginStatus(api, "ann", "taken over by op")).isEqualTo(401);
        // A bad role is refused naming the field.
        HttpResponse<String> bad = as(api, root, "PUT", "/users/ann", new JsonObject().put("role", "wizard"));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("role");
    }

    private static int loginStatus(Api api, String user, String password) {
        return api.post("/auth/login", new JsonObject().put("username", user).put("password", password))
                .statusCode();
    }

    private static String login(Api api, String user, String password) {
        HttpResponse<String> r =
                api.post("/auth/login", new JsonObject().put("username", user).put("password", password));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Api.json(r).getString("token");
    }

    private static HttpResponse<String> as(Api api, String token, String method, String path, JsonObject body) {
        return api.send(method, path, body == null ? null : body.encode(), Map.of("Authorization", "Bearer " + token));
    }
}
