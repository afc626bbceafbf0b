package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.AuditTap;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.demo.PetStore;
import io.mcpstore.security.TestIdentities;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /services/import-openapi} and {@code POST /services/{name}/tools/{tool}/dry-run} over real HTTP: a
 * gateway, the demo pet store on 127.0.0.1 serving its OpenAPI document, and the refusals an admin would see.
 */
@Timeout(120)
class RestServicesApiTest {
    static Vertx vertx;
    static PetStore store;
    static TestGateway gateway;
    static Api api;
    static final ConcurrentLinkedQueue<JsonObject> audit = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        store = new PetStore();
        store.listen(vertx, "127.0.0.1", 0).await();
        gateway = TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")));
        api = new Api(gateway);
        AuditTap.attach(gateway, audit);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
        if (store != null) store.close().await();
        if (vertx != null) vertx.close().await();
    }

    private static JsonObject byUrl(String name) {
        return new JsonObject()
                .put("name", name)
                .put("url", store.baseUrl() + "/openapi.json")
                .put("allowPrivateNetwork", true);
    }

    private static HttpResponse<String> importing(JsonObject body) {
        return api.post("/services/import-openapi", body);
    }

    @Test
    void importByUrlCreatesTheServiceWithOneToolPerOperation() {
        HttpResponse<String> created = importing(byUrl("pets").put("timeoutMs", 5000));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("ETag")).isPresent();
        JsonObject answer = Api.json(created);
        assertThat(answer.getJsonArray("tools").getList())
                .contains("listPets", "addPet", "getPet", "updatePet", "deletePet", "addPhoto", "echo", "whoAmI");
        JsonObject service = answer.getJsonObject("service");
        assertThat(service.getString("name")).isEqualTo("pets");
        assertThat(service.getString("transport")).isEqualTo("rest");
        assertThat(service.getString("baseUrl")).isEqualTo(store.baseUrl());
        assertThat(service.getLong("timeoutMs")).isEqualTo(5000L);
        assertThat(service.getJsonArray("tools"))
                .hasSize(answer.getJsonArray("tools").size());
        assertThat(answer.getJsonArray("warnings").encode()).contains("security");
        assertThat(answer.getBoolean("changed")).isTrue();

        // The service runs like any other: its tools are in the catalog.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/tools?q=getPet").body().contains("pets__getPet"));
        JsonObject shown = Api.json(api.get("/services/pets"));
        assertThat(shown.getJsonObject("config").getString("transport")).isEqualTo("rest");

        // Created through the config store: audited as any service change.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> audit.stream()
                        .anyMatch(e -> "service.create".equals(e.getString("action"))
                                && "pets".equals(e.getString("target"))));

        assertProblem(importing(byUrl("pets")), 409, null);
        assertThat(importing(byUrl("fx")).statusCode()).isEqualTo(409);
    }

    @Test
    void theDryRunShowsTheRequestWithoutSendingIt() {
        HttpResponse<String> created = importing(byUrl("dry").put("headers", new JsonObject().put("X-Team", "blue")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> "ready".equals(gateway.state("dry")));
        int before = Api.json(api.get("/services/dry/status")).getInteger("tools", -1);
        assertThat(before).isPositive();

        HttpResponse<String> get = api.post(
                "/services/dry/tools/getPet/dry-run",
                new JsonObject().put("arguments", new JsonObject().put("id", 2).put("verbose", true)));
        assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
        JsonObject request = Api.json(get);
        assertThat(request.getString("method")).isEqualTo("GET");
        assertThat(request.getString("url")).isEqualTo(store.baseUrl() + "/pets/2?verbose=true");
        // A static header's value counts as a secret, as everywhere in the admin API.
        assertThat(request.getJsonObject("headers").getString("X-Team")).isEqualTo("***");

        JsonObject add = Api.json(api.post(
                "/services/dry/tools/addPet/dry-run",
                new JsonObject()
                        .put(
                                "arguments",
                                new JsonObject().put("name", "Fido").put("tags", new JsonArray().add("dog")))));
        assertThat(add.getString("method")).isEqualTo("POST");
        assertThat(new JsonObject(add.getString("body")))
                .isEqualTo(new JsonObject().put("name", "Fido").put("tags", new JsonArray().add("dog")));
        JsonObject photo = Api.json(api.post(
                "/services/dry/tools/addPhoto/dry-run",
                new JsonObject().put("arguments", new JsonObject().put("id", 1).put("url", "http://x/p.png"))));
        assertThat(photo.getString("url")).endsWith("/pets/1/photo");
        assertThat(photo.getString("body")).isEqualTo("url=http%3A%2F%2Fx%2Fp.png");

        // Refusals: arguments the tool's schema refuses, an unknown tool or service, a service that is not rest.
        HttpResponse<String> bad = api.post(
                "/services/dry/tools/getPet/dry-run",
                new JsonObject().put("arguments", new JsonObject().put("id", "two")));
        assertProblem(bad, 400, "arguments");
        assertProblem(
                api.post("/services/dry/tools/getPet/dry-run", new JsonObject().put("arguments", "x")),
                400,
                "arguments");
        assertThat(Api.json(api.post("/services/dry/tools/nope/dry-run", new JsonObject()))
                        .getString("detail"))
                .contains("tool 'nope' not found");
        assertThat(api.post("/services/nope/tools/getPet/dry-run", new JsonObject())
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<String> stdio = api.post("/services/fx/tools/echo/dry-run", new JsonObject());
        assertThat(stdio.statusCode()).isEqualTo(400);
        assertThat(Api.json(stdio).getString("detail")).contains("dry-run is for rest services");
        // Without a body: no arguments.
        HttpResponse<String> noBody = api.send("POST", "/services/dry/tools/listPets/dry-run", null, Map.of());
        assertThat(noBody.statusCode()).as(noBody.body()).isEqualTo(200);

        // Nothing was sent: the pet store still has its pets, and the service answered no call.
        assertThat(Api.json(api.get("/services/dry/status")).getInteger("tools"))
                .isEqualTo(before);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> audit.stream()
                        .anyMatch(e -> "tool.dry-run".equals(e.getString("action"))
                                && "dry/getPet".equals(e.getString("target"))
                                && Integer.valueOf(200).equals(e.getInteger("status"))));
    }

    @Test
    void importByDocumentWithIncludeBaseUrlAndAPreview() {
        String document = PetStore.openApiText();
        JsonObject body = new JsonObject()
                .put("name", "few")
                .put("document", document)
                .put("include", new JsonArray().add("getPet").add("listPets"))
                .put("baseUrl", store.baseUrl())
                .put("allowPrivateNetwork", true)
                .put("dryRun", true);
        HttpResponse<String> preview = importing(body);
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        JsonObject shown = Api.json(preview);
        assertThat(shown.getBoolean("dryRun")).isTrue();
        assertThat(shown.getJsonArray("tools").getList()).containsExactly("listPets", "getPet");
        assertThat(shown.getJsonObject("service").getString("baseUrl")).isEqualTo(store.baseUrl());
        assertThat(api.get("/services/few").statusCode()).isEqualTo(404);

        body.remove("dryRun");
        HttpResponse<String> created = importing(body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Api.json(api.get("/services/few"))
                        .getJsonObject("config")
                        .getJsonArray("tools")
                        .size())
                .isEqualTo(2);
    }

    @Test
    void badRequestsNameTheProblem() {
        assertProblem(importing(new JsonObject().put("document", "x")), 400, "name");
        assertProblem(importing(new JsonObject().put("name", "n")), 400, "document");
        assertProblem(
                importing(new JsonObject().put("name", "n").put("document", "x").put("url", "http://a/b")), 400, "url");
        assertProblem(importing(new JsonObject().put("name", "n").put("document", 12)), 400, "document");
        assertProblem(
                importing(new JsonObject()
                        .put("name", "n")
                        .put("document", PetStore.openApiText())
                        .put("tools", new JsonArray())),
                400,
                "tools");

        HttpResponse<String> yamlError =
                importing(new JsonObject().put("name", "n").put("document", "openapi: [1"));
        assertProblem(yamlError, 400, "document");
        assertThat(Api.json(yamlError).getString("detail")).contains("neither JSON nor YAML");
        HttpResponse<String> parser =
                importing(new JsonObject().put("name", "n").put("document", "openapi: 3.0.0\ninfo: 12\npaths: 7"));
        assertProblem(parser, 400, "document");
        assertThat(Api.json(parser).getString("detail")).contains("attribute paths is not of type `object`");

        HttpResponse<String> include = importing(new JsonObject()
                .put("name", "n")
                .put("document", PetStore.openApiText())
                .put("include", new JsonArray().add("getPet").add("getPets")));
        assertProblem(include, 400, "include");
        assertThat(Api.json(include).getString("detail")).contains("unknown operationId getPets");
        assertProblem(
                importing(new JsonObject()
                        .put("name", "n")
                        .put("document", PetStore.openApiText())
                        .put("include", new JsonArray().add(3))),
                400,
                "include[0]");

        // A service option the config refuses, named as POST /services names it.
        HttpResponse<String> option = importing(byUrl("n").put("timeoutMs", "soon"));
        assertProblem(option, 400, "services.n.timeoutMs");

        // Fetching: not http, not found, too large.
        assertProblem(importing(new JsonObject().put("name", "n").put("url", "file:///etc/passwd")), 400, "url");
        HttpResponse<String> missing = importing(byUrl("n").put("url", store.baseUrl() + "/pets/999"));
        assertProblem(missing, 400, "url");
        assertThat(Api.json(missing).getString("detail")).contains("answered HTTP 404");
        HttpResponse<String> big = importing(
                byUrl("n").put("url", store.baseUrl() + "/big?bytes=" + (RestServicesApi.MAX_DOCUMENT_BYTES + 10)));
        assertProblem(big, 400, "url");
        assertThat(Api.json(big).getString("detail")).contains("larger than");
        HttpResponse<String> redirect =
                importing(byUrl("n").put("url", store.baseUrl() + "/redirect?to=" + store.baseUrl() + "/openapi.json"));
        assertThat(Api.json(redirect).getString("detail")).contains("302").contains("give that URL");

        HttpResponse<String> text = api.send(
                "POST", "/services/import-openapi", PetStore.openApiText(), Map.of("Content-Type", "text/plain"));
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(api.get("/services/n").statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminApiDocumentDescribesBothRoutes() {
        assertThat(io.mcpstore.config.ConfigDocument.parseYaml(
                                api.get("/openapi.yaml").body())
                        .getJsonObject("paths")
                        .fieldNames())
                .contains("/services/import-openapi", "/services/{name}/tools/{tool}/dry-run");
        assertThat(AdminAccess.required(io.vertx.core.http.HttpMethod.POST, "/services/import-openapi"))
                .isEqualTo(io.mcpstore.security.Permission.WRITE);
        assertThat(AdminAccess.required(io.vertx.core.http.HttpMethod.POST, "/services/a/tools/b/dry-run"))
                .isEqualTo(io.mcpstore.security.Permission.CALL_TOOLS);
    }

    @Test
    void withSecurityOnImportNeedsWriteAndPrivateAddressesNeedTheirFlag() {
        try (TestGateway secured = TestGateway.start(new JsonObject()
                .put("services", new JsonObject())
                .put("security", new JsonObject().put("enabled", true)))) {
            Api sapi = new Api(secured);
            String password = "correct horse battery";
            TestIdentities.putUser(secured, "op", "operator", password);
            TestIdentities.putUser(secured, "vi", "viewer", password);
            String operator = login(sapi, "op", password);
            String viewer = login(sapi, "vi", password);
            JsonObject body = byUrl("pets");
            body.remove("allowPrivateNetwork");

            assertThat(as(sapi, viewer, "/services/import-openapi", body).statusCode())
                    .isEqualTo(403);
            assertThat(sapi.post("/services/import-openapi", body).statusCode()).isEqualTo(401);
            // The document's address is on the gateway's own network: refused before anything is fetched.
            HttpResponse<String> privateUrl = as(sapi, operator, "/services/import-openapi", body);
            assertProblem(privateUrl, 403, "allowPrivateNetwork");
            assertThat(Api.json(privateUrl).getString("detail")).contains("loopback");
            // Given as text, its baseUrl is checked as POST /services checks it.
            HttpResponse<String> privateBase = as(
                    sapi,
                    operator,
                    "/services/import-openapi",
                    new JsonObject().put("name", "pets").put("document", PetStore.openApiText()));
            assertProblem(privateBase, 403, "allowPrivateNetwork");

            HttpResponse<String> allowed =
                    as(sapi, operator, "/services/import-openapi", body.copy().put("allowPrivateNetwork", true));
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> as(sapi, operator, "/services/pets/tools/getPet/dry-run", dryArgs())
                                    .statusCode()
                            == 200);
            assertThat(as(sapi, viewer, "/services/pets/tools/getPet/dry-run", dryArgs())
                            .statusCode())
                    .isEqualTo(403);
        }
    }

    private static JsonObject dryArgs() {
        return new JsonObject().put("arguments", new JsonObject().put("id", 1));
    }

    private static String login(Api sapi, String user, String password) {
        HttpResponse<String> r =
                sapi.post("/auth/login", new JsonObject().put("username", user).put("password", password));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Api.json(r).getString("token");
    }

    private static HttpResponse<String> as(Api sapi, String token, String path, JsonObject body) {
        return sapi.send("POST", path, body.encode(), Map.of("Authorization", "Bearer " + token));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        AdminValidationTest.assertProblem(response, status, field, null);
    }
}
