package io.mcpstore.admin;

import static io.mcpstore.admin.AdminValidationTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.security.TestIdentities;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin API with security on, over real HTTP: every route needs a credential, each role gets what its
 * permissions allow, stdio services and private URLs need the rights the issue names, keys are shown once.
 */
@Timeout(120)
class AdminSecurityTest {
    private static final String PASSWORD = "correct horse battery";

    private static TestGateway gateway;
    private static Api api;
    private static String admin;
    private static String operator;
    private static String viewer;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put(
                        "security",
                        new JsonObject().put("enabled", true).put("allowedCommands", new JsonArray().add("java"))));
        api = new Api(gateway);
        TestIdentities.putUser(gateway, "root", "admin", PASSWORD);
        TestIdentities.putUser(gateway, "op", "operator", PASSWORD);
        TestIdentities.putUser(gateway, "vi", "viewer", PASSWORD);
        admin = login("root", PASSWORD);
        operator = login("op", PASSWORD);
        viewer = login("vi", PASSWORD);
        // /health/ready tells its details only to a credential: wait through the API.
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!"ready".equals(Api.json(as(admin, "GET", "/services/fx", null)).getString("state"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("fx is not ready");
            TestGatewaySleep.sleep();
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    private static String login(String user, String password) {
        HttpResponse<String> r =
                api.post("/auth/login", new JsonObject().put("username", user).put("password", password));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = Api.json(r);
        assertThat(body.getString("expiresAt")).isNotBlank();
        return body.getString("token");
    }

    private static HttpResponse<String> as(String token, String method, String path, JsonObject body) {
        return api.send(method, path, body == null ? null : body.encode(), Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void everyAdminRouteWithoutATokenIs401WithTheBearerChallenge() {
        for (AdminAccess.Rule rule : AdminAccess.RULES) {
            if (rule.permission() == null) continue;
            String path = rule.path().replace(":name", "fx").replace(":n", "1").replace(":id", "x");
            HttpResponse<String> r =
                    api.send(rule.method().name(), path, rule.method().name().equals("GET") ? null : "{}", Map.of());
            assertThat(r.statusCode()).as(rule + ": " + r.body()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse(""))
                    .as(rule.toString())
                    .startsWith("Bearer resource_metadata=");
        }
        assertThat(api.get("/auth/me").statusCode()).isEqualTo(401);
        assertThat(api.get("/no/such/route").statusCode()).isEqualTo(401);
        HttpResponse<String> tampered =
                api.send("GET", "/services", null, Map.of("Authorization", "Bearer " + admin + "x"));
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(tampered.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
        // Public: sign-in (a wrong password is 401) and the API's description.
        assertThat(api.post(
                                "/auth/login",
                                new JsonObject().put("username", "root").put("password", "wrong password"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(api.get("/openapi.yaml").statusCode()).isEqualTo(200);
    }

    /** A password changed through the API ends the sign-ins made with the old one; a new sign-in works. */
    @Test
    void changingAPasswordEndsTheSignInsMadeWithTheOldOne() {
        TestIdentities.putUser(gateway, "pw", "viewer", PASSWORD);
        String before = login("pw", PASSWORD);
        assertThat(as(before, "GET", "/auth/me", null).statusCode()).isEqualTo(200);
        HttpResponse<String> changed = as(
                admin,
                "PUT",
                "/users/pw",
                new JsonObject().put("role", "viewer").put("password", "a new password 42"));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        HttpResponse<String> old = as(before, "GET", "/auth/me", null);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
        String after = login("pw", "a new password 42");
        assertThat(Api.json(as(after, "GET", "/auth/me", null)).getString("subject"))
                .isEqualTo("pw");
    }

    @Test
    void meShowsThePrincipal() {
        JsonObject me = Api.json(as(operator, "GET", "/auth/me", null));
        assertThat(me.getString("subject")).isEqualTo("op");
        assertThat(me.getString("role")).isEqualTo("operator");
        assertThat(me.getString("kind")).isEqualTo("user");
    }

    @Test
    void aViewerReadsButCannotChangeOrCall() {
        assertThat(as(viewer, "GET", "/services", null).statusCode()).isEqualTo(200);
        HttpResponse<String> create = as(
                viewer, "POST", "/services", new JsonObject().put("name", "v").put("url", "http://203.0.113.5/mcp"));
        assertThat(create.statusCode()).as(create.body()).isEqualTo(403);
        assertThat(create.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope");
        assertThat(create.body()).contains("WRITE");
        assertThat(as(viewer, "POST", "/tools/call", new JsonObject().put("name", "fx__add"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(as(viewer, "DELETE", "/services/fx", null).statusCode()).isEqualTo(403);
        assertThat(as(viewer, "GET", "/users", null).statusCode()).isEqualTo(403);
    }

    @Test
    void anOperatorManagesHttpServicesButNotUsersKeysOrProcesses() {
        assertThat(as(operator, "GET", "/users", null).statusCode()).isEqualTo(403);
        assertThat(as(
                                operator,
                                "POST",
                                "/keys",
                                new JsonObject().put("name", "k").put("role", "admin"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(as(operator, "GET", "/audit", null).statusCode()).isEqualTo(403);

        HttpResponse<String> stdio = as(
                operator,
                "POST",
                "/services",
                Upstreams.fixtureStdio("--name", "op1").put("name", "op1").put("enabled", false));
        assertProblem(stdio, 403, null, null);
        assertThat(Api.json(stdio).getString("permission")).isEqualTo("PROCESSES");
        assertThat(Api.json(stdio).getString("detail")).contains("PROCESSES");
        // Also when it comes by import, and when an HTTP service is turned into a stdio one.
        HttpResponse<String> imported = api.send(
                "POST",
                "/config/import?mode=merge",
                new JsonObject()
                        .put("mcpServers", new JsonObject().put("sh", new JsonObject().put("command", "/bin/sh")))
                        .encode(),
                Map.of("Authorization", "Bearer " + operator));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(403);
        assertThat(as(operator, "GET", "/services/op1", null).statusCode()).isEqualTo(404);

        HttpResponse<String> http = as(
                operator,
                "POST",
                "/services",
                new JsonObject()
                        .put("name", "public1")
                        .put("url", "http://203.0.113.5/mcp")
                        .put("enabled", false));
        assertThat(http.statusCode()).as(http.body()).isEqualTo(201);
        HttpResponse<String> toStdio = as(
                operator,
                "PUT",
                "/services/public1",
                Upstreams.fixtureStdio("--name", "p").put("enabled", false));
        assertThat(toStdio.statusCode()).as(toStdio.body()).isEqualTo(403);
        assertThat(as(operator, "DELETE", "/services/public1", null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anAdminMayStartProcessesButOnlyAllowedCommands() {
        HttpResponse<String> ok = as(
                admin,
                "POST",
                "/services",
                Upstreams.fixtureStdio("--name", "adm1").put("name", "adm1").put("enabled", false));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        HttpResponse<String> sh = as(
                admin,
                "POST",
                "/services",
                new JsonObject()
                        .put("name", "sh")
                        .put("command", "/bin/sh")
                        .put("args", new JsonArray().add("-c").add("id")));
        assertProblem(sh, 403, null, null);
        assertThat(Api.json(sh).getString("rule")).isEqualTo("security.allowedCommands");
        assertThat(Api.json(sh).getString("detail"))
                .contains("security.allowedCommands")
                .contains("/bin/sh");
        assertThat(as(admin, "GET", "/services/sh", null).statusCode()).isEqualTo(404);
        assertThat(as(admin, "DELETE", "/services/adm1", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRollbackThatBringsBackAProcessNeedsTheRightsOfCreatingIt() {
        HttpResponse<String> created = as(
                admin,
                "POST",
                "/services",
                Upstreams.fixtureStdio("--name", "back1").put("name", "back1").put("enabled", false));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long withProcess = Api.json(created).getLong("revision");
        assertThat(as(admin, "DELETE", "/services/back1", null).statusCode()).isEqualTo(200);

        HttpResponse<String> byOperator = as(operator, "POST", "/config/rollback/" + withProcess, null);
        assertProblem(byOperator, 403, null, null);
        assertThat(Api.json(byOperator).getString("permission")).isEqualTo("PROCESSES");
        assertThat(as(admin, "GET", "/services/back1", null).statusCode()).isEqualTo(404);

        HttpResponse<String> byAdmin = as(admin, "POST", "/config/rollback/" + withProcess, null);
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(200);
        assertThat(as(admin, "GET", "/services/back1", null).statusCode()).isEqualTo(200);
        assertThat(as(admin, "DELETE", "/services/back1", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aUrlOnAPrivateNetworkNeedsAllowPrivateNetwork() {
        for (String url : List.of(
                "http://127.0.0.1:9/mcp",
                "http://localhost:9/mcp",
                "http://10.1.2.3/mcp",
                "http://192.168.0.10/mcp",
                "http://169.254.169.254/latest",
                "http://0.0.0.0:9/mcp",
                "http://[::1]:9/mcp",
                "http://[fd00::1]/mcp",
                "http://100.64.0.1/mcp", // shared address space (carrier-grade NAT): a provider's internal network
                "http://[ff02::1]/mcp")) {
            HttpResponse<String> refused = as(
                    admin,
                    "POST",
                    "/services",
                    new JsonObject().put("name", "p").put("url", url).put("enabled", false));
            assertProblem(refused, 403, "allowPrivateNetwork", null);
            assertThat(Api.json(refused).getString("detail")).as(url).contains("allowPrivateNetwork");
        }
        HttpResponse<String> allowed = as(
                admin,
                "POST",
                "/services",
                new JsonObject()
                        .put("name", "local")
                        .put("url", "http://127.0.0.1:9/mcp")
                        .put("allowPrivateNetwork", true)
                        .put("enabled", false));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
        assertThat(Api.json(as(admin, "GET", "/services/local", null))
                        .getJsonObject("config")
                        .getBoolean("allowPrivateNetwork"))
                .isTrue();
        assertThat(as(admin, "DELETE", "/services/local", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRestServiceNeedsNoProcessesButItsUrlsAreHeldToThePrivateNetworkRule() {
        JsonObject tools = new JsonObject()
                .put("transport", "rest")
                .put("enabled", false)
                .put(
                        "tools",
                        new JsonArray().add(new JsonObject().put("name", "t").put("path", "/t")));
        HttpResponse<String> refused = as(
                operator, "POST", "/services", tools.copy().put("name", "r").put("baseUrl", "http://127.0.0.1:9/api"));
        assertProblem(refused, 403, "allowPrivateNetwork", null);
        assertThat(Api.json(refused).getString("detail")).contains("baseUrl").contains("loopback");
        HttpResponse<String> token = as(
                operator,
                "POST",
                "/services",
                tools.copy()
                        .put("name", "r")
                        .put("baseUrl", "http://93.184.215.14/api")
                        .put(
                                "auth",
                                new JsonObject()
                                        .put("type", "oauth2")
                                        .put("tokenUrl", "http://[::ffff:10.0.0.1]/token")
                                        .put("clientId", "c")
                                        .put("clientSecret", "s")));
        assertProblem(token, 403, "allowPrivateNetwork", null);
        assertThat(Api.json(token).getString("detail"))
                .contains("auth.tokenUrl")
                .contains("private");
        HttpResponse<String> allowed = as(
                operator,
                "POST",
                "/services",
                tools.copy()
                        .put("name", "r")
                        .put("baseUrl", "http://127.0.0.1:9/api")
                        .put("allowPrivateNetwork", true));
        assertThat(allowed.statusCode())
                .as("an operator, without PROCESSES: " + allowed.body())
                .isEqualTo(201);
        assertThat(as(admin, "DELETE", "/services/r", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyIsShownOnceAndRevokedAtOnce() {
        HttpResponse<String> created =
                as(admin, "POST", "/keys", new JsonObject().put("name", "ci").put("role", "viewer"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject key = Api.json(created);
        String id = key.getString("id");
        String text = key.getString("key");
        assertThat(text).startsWith("mcps_" + id + "_");
        assertThat(key.getString("role")).isEqualTo("viewer");

        JsonObject me = Api.json(as(text, "GET", "/auth/me", null));
        assertThat(me.getString("subject")).isEqualTo("key:" + id);
        assertThat(as(text, "POST", "/keys", new JsonObject().put("name", "x").put("role", "admin"))
                        .statusCode())
                .isEqualTo(403);

        String listed = as(admin, "GET", "/keys", null).body();
        String one = as(admin, "GET", "/keys/" + id, null).body();
        assertThat(new JsonObject(listed).getJsonArray("keys").encode()).contains(id);
        String secret = text.substring(text.lastIndexOf('_') + 1);
        for (String body : List.of(listed, one)) {
            assertThat(body).doesNotContain(text).doesNotContain(secret).doesNotContain("\"hash\"");
        }
        assertThat(new JsonObject(one).getString("name")).isEqualTo("ci");

        assertThat(as(admin, "DELETE", "/keys/" + id, null).statusCode()).isEqualTo(200);
        assertThat(as(text, "GET", "/auth/me", null).statusCode()).isEqualTo(401);
        assertThat(as(admin, "GET", "/keys/" + id, null).statusCode()).isEqualTo(404);
        assertThat(as(admin, "DELETE", "/keys/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void usersAreManagedWithoutEverShowingAHash() {
        HttpResponse<String> created = as(
                admin,
                "POST",
                "/users",
                new JsonObject().put("name", "ann").put("role", "viewer").put("password", "ann's long password"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body())
                .doesNotContain("passwordHash")
                .doesNotContain("pbkdf2")
                .doesNotContain("ann's long");
        assertThat(as(
                                admin,
                                "POST",
                                "/users",
                                new JsonObject()
                                        .put("name", "ann")
                                        .put("role", "viewer")
                                        .put("password", "another password"))
                        .statusCode())
                .isEqualTo(409);
        String annToken = login("ann", "ann's long password");
        assertThat(as(
                                annToken,
                                "POST",
                                "/services",
                                new JsonObject().put("name", "a").put("url", "http://203.0.113.5/"))
                        .statusCode())
                .isEqualTo(403);

        HttpResponse<String> promoted = as(admin, "PUT", "/users/ann", new JsonObject().put("role", "operator"));
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        assertThat(Api.json(as(admin, "GET", "/users/ann", null)).getString("role"))
                .isEqualTo("operator");
        String list = as(admin, "GET", "/users", null).body();
        assertThat(list)
                .contains("\"ann\"")
                .contains("\"root\"")
                .doesNotContain("passwordHash")
                .doesNotContain("pbkdf2");

        assertThat(as(admin, "DELETE", "/users/ann", null).statusCode()).isEqualTo(200);
        assertThat(as(admin, "GET", "/users/ann", null).statusCode()).isEqualTo(404);
        assertThat(api.post(
                                "/auth/login",
                                new JsonObject().put("username", "ann").put("password", "ann's long password"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void toolCallsFollowTheKeysToolPatternsAndAreAudited() {
        String key = TestIdentities.createKey(gateway, "adder", "operator", null, List.of("fx__add"))
                .getString("key");
        HttpResponse<String> ok = as(
                key,
                "POST",
                "/tools/call",
                new JsonObject()
                        .put("name", "fx__add")
                        .put("arguments", new JsonObject().put("a", 1).put("b", 2)));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        HttpResponse<String> denied = as(
                key,
                "POST",
                "/tools/call",
                new JsonObject().put("name", "fx__echo").put("arguments", new JsonObject().put("text", "hi")));
        assertProblem(denied, 403, null, null);
        assertThat(Api.json(denied).getString("detail")).contains("Permission denied: tool 'fx__echo'");
        JsonObject tools = Api.json(as(key, "GET", "/tools", null));
        assertThat(tools.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")))
                .containsExactly("fx__add");
        JsonObject batch = Api.json(as(
                key,
                "POST",
                "/tools/batch",
                new JsonObject()
                        .put(
                                "calls",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "fx__add")
                                                .put(
                                                        "arguments",
                                                        new JsonObject()
                                                                .put("a", 1)
                                                                .put("b", 1)))
                                        .add(new JsonObject()
                                                .put("name", "fx__echo")
                                                .put("arguments", new JsonObject().put("text", "x"))))));
        assertThat(batch.getJsonArray("results").getJsonObject(0).containsKey("result"))
                .isTrue();
        assertThat(batch.getJsonArray("results")
                        .getJsonObject(1)
                        .getJsonObject("error")
                        .getInteger("status"))
                .isEqualTo(403);

        String who = "key:" + key.split("_")[1];
        JsonObject entry = awaitEntry("kind=tool&outcome=ok&who=" + who, e -> true);
        assertThat(entry.getString("tool")).isEqualTo("fx__add");
        assertThat(entry.getString("service")).isEqualTo("fx");
        assertThat(entry.getString("via")).isEqualTo("key");
        assertThat(entry.getString("role")).isEqualTo("operator");
        assertThat(entry.getLong("argumentBytes")).isPositive();
        assertThat(entry.getLong("latencyMs")).isNotNull();
        assertThat(entry.getString("at")).isNotBlank();
        assertThat(entry.containsKey("arguments")).isFalse();
        JsonObject refused = awaitEntry("kind=tool&outcome=denied&who=" + who, e -> true);
        assertThat(refused.getString("tool")).isEqualTo("fx__echo");
        assertThat(as(admin, "GET", "/audit?format=jsonl", null).body()).doesNotContain(key);
    }

    @Test
    void changesCarryTheActorIntoTheAuditLog() {
        assertThat(as(
                                operator,
                                "POST",
                                "/apps",
                                new JsonObject()
                                        .put("name", "actorapp")
                                        .put("prefix", "/actorapp")
                                        .put("services", new JsonArray().add("fx")))
                        .statusCode())
                .isEqualTo(201);
        JsonObject entry = awaitEntry("kind=admin&who=op", e -> "actorapp".equals(e.getString("target")));
        assertThat(entry.getString("who")).isEqualTo("op");
        assertThat(entry.getString("role")).isEqualTo("operator");
        assertThat(as(operator, "DELETE", "/apps/actorapp", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theAuditRouteChecksItsQuery() {
        assertProblem(as(admin, "GET", "/audit?from=yesterday", null), 400, "from", "ISO-8601");
        assertProblem(as(admin, "GET", "/audit?limit=0", null), 400, "limit", null);
        assertProblem(as(admin, "GET", "/audit?limit=many", null), 400, "limit", null);
        assertProblem(as(admin, "GET", "/audit?format=xml", null), 400, "format", null);
    }

    @Test
    void theAuditRouteFiltersPagesAndExportsJsonLines() {
        JsonObject created = TestIdentities.createKey(gateway, "auditor", "operator", null, List.of("fx__add"));
        String key = created.getString("key");
        String who = "key:" + created.getString("id");
        for (int i = 0; i < 3; i++) {
            assertThat(as(
                                    key,
                                    "POST",
                                    "/tools/call",
                                    new JsonObject()
                                            .put("name", "fx__add")
                                            .put(
                                                    "arguments",
                                                    new JsonObject().put("a", i).put("b", 1)))
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(as(
                                key,
                                "POST",
                                "/tools/call",
                                new JsonObject()
                                        .put("name", "fx__echo")
                                        .put("arguments", new JsonObject().put("text", "x")))
                        .statusCode())
                .isEqualTo(403);

        String filter = "/audit?kind=tool&who=" + who;
        JsonArray all = awaitEntries(filter, 4);
        assertThat(all).hasSize(4);
        JsonArray denied =
                Api.json(as(admin, "GET", filter + "&outcome=denied", null)).getJsonArray("entries");
        assertThat(denied).hasSize(1);
        assertThat(denied.getJsonObject(0).getString("tool")).isEqualTo("fx__echo");
        assertThat(Api.json(as(admin, "GET", filter + "&tool=fx__add", null)).getJsonArray("entries"))
                .hasSize(3);
        assertThat(Api.json(as(admin, "GET", filter + "&from=2999-01-01T00:00:00Z", null))
                        .getJsonArray("entries"))
                .isEmpty();

        // Two pages of two: together the four entries, none twice, newest first.
        JsonObject first = Api.json(as(admin, "GET", filter + "&limit=2", null));
        assertThat(first.getJsonArray("entries")).hasSize(2);
        assertThat(first.getValue("next")).isNotNull();
        JsonObject second = Api.json(as(admin, "GET", filter + "&limit=2&before=" + first.getValue("next"), null));
        assertThat(second.getJsonArray("entries")).hasSize(2);
        JsonArray paged = first.getJsonArray("entries").copy().addAll(second.getJsonArray("entries"));
        assertThat(paged).isEqualTo(all);

        HttpResponse<String> jsonl = as(admin, "GET", filter + "&format=jsonl", null);
        assertThat(jsonl.statusCode()).isEqualTo(200);
        assertThat(jsonl.headers().firstValue("Content-Type")).hasValue("application/jsonl");
        List<JsonObject> lines = jsonl.body().lines().map(JsonObject::new).toList();
        assertThat(new JsonArray(new java.util.ArrayList<>(lines))).isEqualTo(all);
        assertThat(jsonl.body()).doesNotContain(key);
    }

    @Test
    void anExportLongerThanAPageIsWholeInJsonLines() {
        JsonObject created = TestIdentities.createKey(gateway, "bulk", "operator", null, List.of("fx__add"));
        String key = created.getString("key");
        String who = "key:" + created.getString("id");
        // Refused calls are cheap: 1,005 entries, more than one page of 1,000.
        int n = 1_005;
        JsonArray calls = new JsonArray();
        for (int i = 0; i < 100; i++) calls.add(new JsonObject().put("name", "fx__echo"));
        int sent = 0;
        while (sent < n) {
            int size = Math.min(100, n - sent);
            JsonObject body =
                    new JsonObject().put("calls", new JsonArray(calls.getList().subList(0, size)));
            assertThat(as(key, "POST", "/tools/batch", body).statusCode()).isEqualTo(200);
            sent += size;
        }
        awaitEntries("/audit?kind=tool&limit=1000&who=" + who, 1000);
        HttpResponse<String> jsonl = as(admin, "GET", "/audit?format=jsonl&who=" + who, null);
        assertThat(jsonl.statusCode()).isEqualTo(200);
        assertThat(jsonl.body().lines().count()).isEqualTo(n);
    }

    /** The first entry of the audit log matching {@code filter} (a query string) and {@code match}. */
    private static JsonObject awaitEntry(String filter, java.util.function.Predicate<JsonObject> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonArray entries = new JsonArray();
        while (System.nanoTime() < deadline) {
            entries = Api.json(as(admin, "GET", "/audit?" + filter, null)).getJsonArray("entries");
            for (Object e : entries) if (match.test((JsonObject) e)) return (JsonObject) e;
            TestGatewaySleep.sleep();
        }
        throw new AssertionError("no such audit entry among " + entries.encodePrettily());
    }

    private static JsonArray awaitEntries(String path, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonArray entries = new JsonArray();
        while (System.nanoTime() < deadline) {
            entries = Api.json(as(admin, "GET", path, null)).getJsonArray("entries");
            if (entries.size() >= count) return entries;
            TestGatewaySleep.sleep();
        }
        throw new AssertionError("only " + entries.size() + " of " + count + " entries for " + path);
    }

    private static final class TestGatewaySleep {
        static void sleep() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }
}
