package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.McpSession;
import io.mcpstore.SessionStream;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin API against a real gateway with fixture upstreams: what an admin does, what clients then see. */
@Timeout(120)
class AdminApiTest {
    private TestGateway gateway;
    private Api api;

    @BeforeEach
    void start() {
        gateway = TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")));
        api = new Api(gateway);
    }

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
    }

    private static JsonObject fixture(String name) {
        return Upstreams.fixtureStdio("--name", name).put("name", name);
    }

    private List<String> toolNames(McpSession session) {
        return session.request("tools/list", new JsonObject()).getJsonObject("result").getJsonArray("tools").stream()
                .map(t -> ((JsonObject) t).getString("name"))
                .toList();
    }

    private long pid(String service) {
        return Api.json(api.get("/services/" + service + "/status")).getLong("pid", -1L);
    }

    @Test
    void anAddedServiceIsAnnouncedAndUntouchedSessionsKeepWorking() throws Exception {
        McpSession session = McpSession.open(gateway, "/mcp");
        long fxPid = pid("fx");
        try (SessionStream stream = SessionStream.open(gateway.url(), "/mcp", session.id())) {
            HttpResponse<String> added = api.post("/services", fixture("fy"));
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(added.headers().firstValue("ETag")).hasValue("\"2\"");
            assertThat(stream.await("notifications/tools/list_changed", 30)).isNotNull();
            assertThat(toolNames(session)).contains("fx__echo", "fy__echo");
            // The same session, no reconnect: the untouched service answers, from the same process.
            assertThat(session.call("fx__echo", new JsonObject().put("text", "still here"))
                            .encode())
                    .contains("still here");
            assertThat(session.call("fy__echo", new JsonObject().put("text", "new one"))
                            .encode())
                    .contains("new one");
            assertThat(pid("fx")).isEqualTo(fxPid);

            long fyPid = pid("fy");
            assertThat(fyPid).isPositive();
            stream.clear();
            assertThat(api.delete("/services/fy").statusCode()).isEqualTo(200);
            assertThat(stream.await("notifications/tools/list_changed", 30)).isNotNull();
            ProcessHandle.of(fyPid)
                    .ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(fyPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !toolNames(session).contains("fy__echo"));
            assertThat(session.call("fx__echo", new JsonObject().put("text", "after"))
                            .encode())
                    .contains("after");
            assertThat(pid("fx")).isEqualTo(fxPid);
        }
    }

    @Test
    void twoUpdatesOnTheSameBaseRevision_oneWinsOneConflicts() throws Exception {
        String etag = api.get("/services/fx").headers().firstValue("ETag").orElseThrow();
        JsonObject a = Upstreams.fixtureStdio("--name", "a").put("timeoutMs", 1111);
        JsonObject b = Upstreams.fixtureStdio("--name", "b").put("timeoutMs", 2222);
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> api.send("PUT", "/services/fx", a.encode(), Map.of("If-Match", etag)));
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(
                () -> api.send("PUT", "/services/fx", b.encode(), Map.of("If-Match", etag)));
        List<Integer> statuses = List.of(
                first.get(60, TimeUnit.SECONDS).statusCode(),
                second.get(60, TimeUnit.SECONDS).statusCode());
        assertThat(statuses).containsExactlyInAnyOrder(200, 409);
        HttpResponse<String> conflict = first.get().statusCode() == 409 ? first.get() : second.get();
        AdminValidationTest.assertProblem(conflict, 409, null, null);
        assertThat(Api.json(conflict).getString("detail")).contains("revision conflict");
        // Without If-Match a write is applied to the newest revision.
        assertThat(api.put("/services/fx", Upstreams.fixtureStdio("--name", "fx"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void revisionsCanBeListedReadAndRolledBack() {
        assertThat(api.post("/services", fixture("fy")).statusCode()).isEqualTo(201);
        JsonObject revisions = Api.json(api.get("/config/revisions"));
        assertThat(revisions.getLong("current")).isEqualTo(2);
        assertThat(revisions.getJsonArray("revisions").getJsonObject(0).getString("summary"))
                .isEqualTo("service fy added");
        JsonObject one = Api.json(api.get("/config/revisions/1"));
        assertThat(one.getJsonObject("document").getJsonObject("services").fieldNames())
                .containsExactly("fx");

        HttpResponse<String> rolledBack = api.post("/config/rollback/1", null);
        assertThat(rolledBack.statusCode()).isEqualTo(200);
        assertThat(Api.json(rolledBack).getLong("revision")).isEqualTo(3);
        assertThat(Api.json(api.get("/services")).getJsonArray("services")).hasSize(1);
        assertThat(Api.json(api.get("/config/revisions"))
                        .getJsonArray("revisions")
                        .getJsonObject(0)
                        .getString("summary"))
                .isEqualTo("rollback to revision 1");
        AdminValidationTest.assertProblem(api.post("/config/rollback/42", null), 404, null, null);
    }

    @Test
    void secretsAreNeverShownAndSurviveARoundTrip() throws Exception {
        JsonObject entry = Upstreams.url("http://127.0.0.1:9/mcp")
                .put("name", "remote")
                .put("enabled", false)
                .put(
                        "headers",
                        new JsonObject().put("Authorization", "Bearer s3cret").put("X-Ref", "${env:HOME}"));
        assertThat(api.post("/services", entry).body()).doesNotContain("s3cret");
        JsonObject shown = Api.json(api.get("/services/remote")).getJsonObject("config");
        assertThat(shown.getJsonObject("headers").getString("Authorization")).isEqualTo("***");
        assertThat(shown.getJsonObject("headers").getString("X-Ref")).isEqualTo("${env:HOME}");
        for (String path : List.of(
                "/services",
                "/config",
                "/config/export",
                "/config/export?format=json",
                "/config/export?format=mcpServers",
                "/config/revisions/2")) {
            assertThat(api.get(path).body()).as(path).doesNotContain("s3cret");
        }
        // What was shown, sent back with one change: the secret stays as it was.
        shown.put("timeoutMs", 1234);
        assertThat(api.put("/services/remote", shown).statusCode()).isEqualTo(200);
        JsonObject stored = gateway.store()
                .vertx()
                .eventBus()
                .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject())
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .body();
        JsonObject remote =
                stored.getJsonObject("document").getJsonObject("services").getJsonObject("remote");
        assertThat(remote.getJsonObject("headers").getString("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(remote.getLong("timeoutMs")).isEqualTo(1234);
    }

    @Test
    void toolsAreListedFilteredCalledAndBatched() {
        JsonArray tools = Api.json(api.get("/tools")).getJsonArray("tools");
        JsonObject echo = tools.stream()
                .map(JsonObject.class::cast)
                .filter(t -> t.getString("name").equals("fx__echo"))
                .findFirst()
                .orElseThrow();
        assertThat(echo.getString("service")).isEqualTo("fx");
        assertThat(echo.getString("state")).isEqualTo("ready");
        assertThat(echo.getJsonObject("inputSchema")).isNotNull();
        assertThat(Api.json(api.get("/tools?q=ECHO")).getJsonArray("tools").stream()
                        .map(t -> ((JsonObject) t).getString("name")))
                .contains("fx__echo")
                .doesNotContain("fx__add");

        HttpResponse<String> call = api.post(
                "/tools/call",
                new JsonObject()
                        .put("name", "fx__add")
                        .put("arguments", new JsonObject().put("a", 2).put("b", 40)));
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        assertThat(call.body()).contains("42");

        JsonArray calls = new JsonArray()
                .add(new JsonObject().put("name", "fx__echo").put("arguments", new JsonObject().put("text", "one")))
                .add(new JsonObject().put("name", "nope"))
                .add(new JsonObject()
                        .put("name", "fx__add")
                        .put("arguments", new JsonObject().put("a", 1).put("b", 1)));
        HttpResponse<String> batch = api.post("/tools/batch", new JsonObject().put("calls", calls));
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        JsonArray results = Api.json(batch).getJsonArray("results");
        assertThat(results).hasSize(3);
        assertThat(results.getJsonObject(0).encode()).contains("one");
        assertThat(results.getJsonObject(1).getJsonObject("error").getInteger("status"))
                .isEqualTo(404);
        assertThat(results.getJsonObject(2).getJsonObject("result").encode()).contains("2");
    }

    @Test
    void appsAreManagedAndServeTheirEndpoint() {
        JsonObject app = new JsonObject()
                .put("name", "research")
                .put("prefix", "/research")
                .put("services", new JsonArray().add("fx"));
        assertThat(api.post("/apps", app).statusCode()).isEqualTo(201);
        AdminValidationTest.assertProblem(api.post("/apps", app), 409, null, null);
        assertThat(Api.json(api.get("/apps/research")).getString("endpoint")).isEqualTo("/research/mcp");
        McpSession session = McpSession.open(gateway, "/research/mcp");
        assertThat(toolNames(session)).contains("fx__echo");
        assertThat(Api.json(api.get("/tools?app=research")).getJsonArray("tools"))
                .isNotEmpty();
        assertThat(api.put(
                                "/apps/research",
                                new JsonObject().put("prefix", "/lab").put("services", new JsonArray().add("fx")))
                        .statusCode())
                .isEqualTo(200);
        assertThat(Api.json(api.get("/apps"))
                        .getJsonArray("apps")
                        .getJsonObject(0)
                        .getString("prefix"))
                .isEqualTo("/lab");
        assertThat(api.delete("/apps/research").statusCode()).isEqualTo(200);
        AdminValidationTest.assertProblem(api.get("/apps/research"), 404, null, null);
    }

    @Test
    void servicesAreStoppedStartedAndRestarted() {
        long before = pid("fx");
        assertThat(api.post("/services/fx/restart", null).statusCode()).isEqualTo(200);
        gateway.awaitState("fx", Duration.ofSeconds(30), "ready");
        assertThat(pid("fx")).isNotEqualTo(before);

        assertThat(api.post("/services/fx/stop", null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "disabled".equals(Api.json(api.get("/services/fx")).getString("state")));
        assertThat(api.post("/services/fx/start", null).statusCode()).isEqualTo(200);
        gateway.awaitState("fx", Duration.ofSeconds(30), "ready");
        JsonObject status = Api.json(api.get("/services/fx/status"));
        assertThat(status.getString("state")).isEqualTo("ready");
        assertThat(status.getInteger("tools")).isPositive();
    }

    @Test
    void aStoppedServiceIsDisabledAlikeInReadinessAndTheApi() {
        assertThat(api.post("/services/fx/stop", null).statusCode()).isEqualTo(200);
        // Its upstream is gone, but the router's catalog copy still holds the state it last published ("stopped").
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "disabled"
                        .equals(Api.json(api.get("/services/fx/status")).getString("state")));

        gateway.awaitState("fx", Duration.ofSeconds(20), "disabled");
        HttpResponse<String> ready = gateway.get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonObject readiness =
                new JsonObject(ready.body()).getJsonArray("services").getJsonObject(0);
        assertThat(readiness.getString("state")).isEqualTo("disabled");
        assertThat(readiness.getBoolean("enabled")).isFalse();
        assertThat(readiness.getInteger("tools")).isZero();

        JsonObject listed =
                Api.json(api.get("/services")).getJsonArray("services").getJsonObject(0);
        listed.remove("config");
        assertThat(listed).isEqualTo(readiness);
    }

    @Test
    void mcpServersJsonImportsAndExports() {
        JsonObject desktop =
                new JsonObject().put("mcpServers", new JsonObject().put("fy", Upstreams.fixtureStdio("--name", "fy")));
        HttpResponse<String> imported = api.send("POST", "/config/import", desktop.encode(), Map.of());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        gateway.awaitState("fy", Duration.ofSeconds(30), "ready");
        JsonObject exported = Api.json(api.get("/config/export?format=mcpServers"));
        assertThat(exported.getJsonObject("mcpServers").fieldNames()).containsExactly("fx", "fy");
        assertThat(exported.getJsonObject("mcpServers").getJsonObject("fy").getString("command"))
                .isEqualTo(Upstreams.JAVA);

        // Our YAML: the sections given replace the current ones.
        String yaml = api.get("/config/export").body();
        assertThat(yaml).contains("services:").contains("fy:");
        HttpResponse<String> replaced = api.send(
                "POST",
                "/config/import",
                "services:\n  fx: " + Upstreams.fixtureStdio("--name", "fx").encode() + "\n",
                Map.of("Content-Type", "application/yaml"));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(Api.json(api.get("/services")).getJsonArray("services")).hasSize(1);
    }

    @Test
    void theAdminApiKeepsTheHostGuardAndServesItsOpenApiDocument() {
        HttpResponse<String> rebinding =
                gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/services"))
                        .header("Origin", "http://evil.example")
                        .GET()
                        .build());
        assertThat(rebinding.statusCode()).isEqualTo(403);
        HttpResponse<String> openapi = api.get("/openapi.yaml");
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).startsWith("openapi: 3.1.0");
        assertThat(io.mcpstore.config.ConfigDocument.parseYaml(openapi.body())
                        .getJsonObject("paths")
                        .fieldNames())
                .contains(
                        "/services",
                        "/services/{name}",
                        "/services/{name}/status",
                        "/services/{name}/restart",
                        "/tools",
                        "/tools/call",
                        "/tools/batch",
                        "/apps",
                        "/apps/{name}",
                        "/config/revisions",
                        "/config/revisions/{n}",
                        "/config/rollback/{n}",
                        "/config/export",
                        "/config/import");
        // The fields the console reads.
        JsonObject fx = Api.json(api.get("/services")).getJsonArray("services").getJsonObject(0);
        assertThat(fx.fieldNames()).contains("name", "transport", "state", "tools", "resources", "prompts");
        JsonObject ready = gateway.ready();
        assertThat(ready.getJsonObject("store").getString("state")).isEqualTo("up");
        assertThat(ready.getJsonObject("store").getString("type")).isEqualTo("memory");
    }
}
