package io.mcpstore.upstream.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.TestGateway;
import io.mcpstore.bus.Addresses;
import io.mcpstore.demo.PetStore;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rest services end to end: the demo pet store on 127.0.0.1, a gateway fronting it with rest services, and the MCP
 * Java SDK client calling their tools through {@code /mcp}, as a user would.
 */
@Timeout(120)
class RestToolsTest {
    static Vertx vertx;
    static PetStore store;
    static PetStore shortLived;
    static TestGateway gateway;
    static McpSyncClient client;
    static int port;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        store = new PetStore();
        port = store.listen(vertx, "127.0.0.1", 0).await();
        shortLived = new PetStore().tokenLifetimeSeconds(1);
        shortLived.listen(vertx, "127.0.0.1", 0).await();
        String base = store.baseUrl();
        JsonObject services = new JsonObject()
                .put(
                        "pets",
                        rest(base)
                                .put("maxResponseBytes", 65536)
                                .put(
                                        "retry",
                                        new JsonObject().put("attempts", 3).put("backoffMs", 10))
                                .put("headers", new JsonObject().put("X-Static", "static-value"))
                                .put(
                                        "tools",
                                        new JsonArray()
                                                .add(getPet())
                                                .add(tool("list_pets", "GET", "/pets")
                                                        .put(
                                                                "args",
                                                                new JsonArray()
                                                                        .add(arg("status", "query", "string")
                                                                                .put(
                                                                                        "enum",
                                                                                        new JsonArray()
                                                                                                .add("available")
                                                                                                .add("pending")
                                                                                                .add("sold")))
                                                                        .add(arg("limit", "query", "integer")))
                                                        .put(
                                                                "response",
                                                                new JsonObject().put("select", "$.data[*].name")))
                                                .add(tool("add_pet", "POST", "/pets")
                                                        .put(
                                                                "args",
                                                                new JsonArray()
                                                                        .add(arg("name", "body", "string")
                                                                                .put("required", true))
                                                                        .add(arg("tags", "body", "array")
                                                                                .put(
                                                                                        "items",
                                                                                        new JsonObject()
                                                                                                .put(
                                                                                                        "type",
                                                                                                        "string"))))
                                                        .put(
                                                                "body",
                                                                "{\"name\": {{json name}}, \"tags\": {{json tags}}}")
                                                        .put("response", new JsonObject().put("select", "/data")))
                                                .add(tool("echo", "GET", "/echo")
                                                        .put(
                                                                "args",
                                                                new JsonArray()
                                                                        .add(arg("X-Trace", "header", "string"))
                                                                        .add(arg("q", "query", "string")))
                                                        .put("response", new JsonObject().put("select", "/data")))
                                                .add(tool("add_photo", "POST", "/pets/{id}/photo")
                                                        .put(
                                                                "args",
                                                                new JsonArray()
                                                                        .add(arg("id", "path", "integer"))
                                                                        .add(arg("url", "form", "string")
                                                                                .put("required", true))
                                                                        .add(arg("caption", "form", "string")))
                                                        .put("response", new JsonObject().put("select", "/data")))
                                                .add(tool("big", "GET", "/big")
                                                        .put(
                                                                "args",
                                                                new JsonArray().add(arg("bytes", "query", "integer"))))
                                                .add(tool("flaky", "GET", "/flaky/{key}")
                                                        .put(
                                                                "args",
                                                                new JsonArray()
                                                                        .add(arg("key", "path", "string"))
                                                                        .add(arg("failures", "query", "integer"))))
                                                .add(tool("flaky_post", "POST", "/flaky/{key}")
                                                        .put(
                                                                "args",
                                                                new JsonArray()
                                                                        .add(arg("key", "path", "string"))
                                                                        .add(arg("failures", "query", "integer"))))
                                                .add(tool("image", "GET", "/pets/{id}/image")
                                                        .put("args", new JsonArray().add(arg("id", "path", "integer"))))
                                                .add(tool("certificate", "GET", "/pets/{id}/certificate")
                                                        .put("args", new JsonArray().add(arg("id", "path", "integer"))))
                                                .add(tool("redirect", "GET", "/redirect")
                                                        .put(
                                                                "args",
                                                                new JsonArray().add(arg("to", "query", "string"))))))
                .put("slowpoke", rest(base).put("timeoutMs", 700).put("tools", new JsonArray().add(slow())))
                .put(
                        "guarded",
                        new JsonObject()
                                .put("transport", "rest")
                                .put("baseUrl", base)
                                .put("tools", new JsonArray().add(getPet())))
                .put(
                        "basic",
                        secure(base)
                                .put(
                                        "auth",
                                        new JsonObject()
                                                .put("type", "basic")
                                                .put("username", PetStore.USERNAME)
                                                .put("password", PetStore.PASSWORD)))
                .put(
                        "bearer",
                        secure(base)
                                .put(
                                        "auth",
                                        new JsonObject()
                                                .put("type", "bearer")
                                                .put("token", "${env:MCPSTORE_TEST_UNSET_VARIABLE:-petstore-token}")))
                .put("keyed", secure(base).put("query", new JsonObject().put("api_key", PetStore.API_KEY)))
                .put("oauth", secure(base).put("auth", oauth(base, "basic")))
                .put("oauth_short", secure(shortLived.baseUrl()).put("auth", oauth(shortLived.baseUrl(), "post")));
        gateway = TestGateway.startReady(new JsonObject().put("services", services));
        client = gateway.client("streamable", spec -> {});
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (gateway != null) gateway.close();
        if (vertx != null) vertx.close().await();
    }

    static JsonObject rest(String base) {
        return new JsonObject().put("transport", "rest").put("baseUrl", base).put("allowPrivateNetwork", true);
    }

    static JsonObject secure(String base) {
        return rest(base)
                .put(
                        "tools",
                        new JsonArray()
                                .add(tool("whoami", "GET", "/secure")
                                        .put("response", new JsonObject().put("select", "/data/authenticatedBy"))));
    }

    static JsonObject oauth(String base, String clientAuth) {
        return new JsonObject()
                .put("type", "oauth2")
                .put("tokenUrl", base + "/oauth/token")
                .put("clientId", PetStore.CLIENT_ID)
                .put("clientSecret", PetStore.CLIENT_SECRET)
                .put("scopes", new JsonArray().add("pets"))
                .put("clientAuth", clientAuth);
    }

    static JsonObject getPet() {
        return tool("get_pet", "GET", "/pets/{id}")
                .put("description", "Fetch one pet by id")
                .put(
                        "args",
                        new JsonArray()
                                .add(arg("id", "path", "integer")
                                        .put("required", true)
                                        .put("description", "Pet id"))
                                .add(arg("verbose", "query", "boolean")))
                .put(
                        "response",
                        new JsonObject()
                                .put("select", "/data")
                                .put("template", "Pet {{name}} is {{status}}")
                                .put(
                                        "schema",
                                        new JsonObject()
                                                .put("type", "object")
                                                .put(
                                                        "properties",
                                                        new JsonObject()
                                                                .put("id", new JsonObject().put("type", "integer"))
                                                                .put("name", new JsonObject().put("type", "string")))
                                                .put(
                                                        "required",
                                                        new JsonArray()
                                                                .add("id")
                                                                .add("name"))))
                .put("annotations", new JsonObject().put("readOnlyHint", true));
    }

    static JsonObject slow() {
        return tool("slow", "GET", "/slow").put("args", new JsonArray().add(arg("delayMs", "query", "integer")));
    }

    static JsonObject tool(String name, String method, String path) {
        return new JsonObject().put("name", name).put("method", method).put("path", path);
    }

    static JsonObject arg(String name, String in, String type) {
        return new JsonObject().put("name", name).put("in", in).put("type", type);
    }

    static McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void listsToolsWithSchemasMadeOfTheirArgs() {
        McpSchema.Tool getPet = client.listTools().tools().stream()
                .filter(t -> t.name().equals("pets__get_pet"))
                .findFirst()
                .orElseThrow();
        assertThat(getPet.description()).isEqualTo("Fetch one pet by id");
        assertThat(getPet.inputSchema().get("required")).isEqualTo(List.of("id"));
        assertThat(map(map(getPet.inputSchema().get("properties")).get("id"))).containsEntry("type", "integer");
        assertThat(getPet.outputSchema()).containsEntry("type", "object");
        // The SDK's schema type has no $schema: read what the service lists on the bus.
        JsonObject listed = gateway.store()
                .vertx()
                .eventBus()
                .<JsonObject>request(Addresses.upstream("pets"), new JsonObject().put("method", "tools/list"))
                .await()
                .body()
                .getJsonObject("result")
                .getJsonArray("tools")
                .getJsonObject(0);
        assertThat(listed.getJsonObject("inputSchema").getString("$schema"))
                .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(getPet.annotations().readOnlyHint()).isTrue();
    }

    @Test
    void pathQueryAndTemplateMakeTheAnswer() {
        McpSchema.CallToolResult pet = call("pets__get_pet", Map.of("id", 1, "verbose", true));
        assertThat(pet.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(text(pet)).isEqualTo("Pet Rex is available");
        assertThat(pet.structuredContent()).isInstanceOf(Map.class);
        assertThat(map(pet.structuredContent())).containsEntry("name", "Rex").containsEntry("photos", 0);

        McpSchema.CallToolResult names = call("pets__list_pets", Map.of("status", "pending"));
        assertThat(text(names)).isEqualTo("[\"Tom\"]");
        assertThat(map(names.structuredContent())).containsEntry("result", List.of("Tom"));
    }

    @Test
    void headerQueryAndStaticHeadersReachTheServer() {
        McpSchema.CallToolResult echo = call("pets__echo", Map.of("X-Trace", "trace-1", "q", "a b&c"));
        Map<String, Object> seen = map(echo.structuredContent());
        assertThat(map(seen.get("headers")))
                .containsEntry("x-trace", "trace-1")
                .containsEntry("x-static", "static-value");
        assertThat(map(seen.get("query"))).containsEntry("q", "a b&c");
    }

    @Test
    void jsonBodyAndFormArguments() {
        McpSchema.CallToolResult added =
                call("pets__add_pet", Map.of("name", "Fido \"the dog\"", "tags", List.of("dog")));
        Map<String, Object> pet = map(added.structuredContent());
        assertThat(pet.get("name")).isEqualTo("Fido \"the dog\"");
        assertThat(pet.get("tags")).isEqualTo(List.of("dog"));

        McpSchema.CallToolResult photo =
                call("pets__add_photo", Map.of("id", 2, "url", "http://example.com/tom.png", "caption", "Tom & co"));
        assertThat(photo.isError()).as(text(photo)).isNotEqualTo(Boolean.TRUE);
        assertThat(map(photo.structuredContent()))
                .containsEntry("url", "http://example.com/tom.png")
                .containsEntry("caption", "Tom & co");
    }

    @Test
    void aNotFoundAnswerIsAnErrorResult() {
        McpSchema.CallToolResult missing = call("pets__get_pet", Map.of("id", 999));
        assertThat(missing.isError()).isTrue();
        assertThat(text(missing)).startsWith("HTTP 404").contains("pet 999 not found");
    }

    @Test
    void badArgumentsAreInvalidParamsNamingTheArgument() {
        assertThatThrownBy(() -> call("pets__get_pet", Map.of("id", "one")))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> call("pets__get_pet", Map.of()))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> call("pets__list_pets", Map.of("status", "lost")))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("status");
    }

    @Test
    void aSlowApiTimesOut() {
        assertThatThrownBy(() -> call("slowpoke__slow", Map.of("delayMs", 5000)))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("did not answer tools/call within 700 ms");
    }

    @Test
    void aPrivateAddressIsRefusedUnlessAllowed() {
        McpSchema.CallToolResult refused = call("guarded__get_pet", Map.of("id", 77));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).contains("127.0.0.1").contains("loopback").contains("allowPrivateNetwork");
        assertThat(store.hits("GET /api/pets/77")).as("nothing was sent").isZero();
    }

    @Test
    void anAnswerLargerThanTheCapIsRefused() {
        McpSchema.CallToolResult big = call("pets__big", Map.of("bytes", 1_000_000));
        assertThat(big.isError()).isTrue();
        assertThat(text(big)).contains("maxResponseBytes").contains("65536");
        McpSchema.CallToolResult small = call("pets__big", Map.of("bytes", 100));
        assertThat(small.isError()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void anIdempotentCallIsRetriedOn503() {
        McpSchema.CallToolResult ok = call("pets__flaky", Map.of("key", "get-1", "failures", 2));
        assertThat(ok.isError()).as(text(ok)).isNotEqualTo(Boolean.TRUE);
        assertThat(store.hits("flaky/get-1")).isEqualTo(3);
        McpSchema.CallToolResult gaveUp = call("pets__flaky", Map.of("key", "get-2", "failures", 5));
        assertThat(gaveUp.isError()).isTrue();
        assertThat(text(gaveUp)).startsWith("HTTP 503");
        assertThat(store.hits("flaky/get-2")).isEqualTo(3);
    }

    @Test
    void aPostIsNotRetried() {
        McpSchema.CallToolResult failed = call("pets__flaky_post", Map.of("key", "post-1", "failures", 1));
        assertThat(failed.isError()).isTrue();
        assertThat(store.hits("flaky/post-1")).isEqualTo(1);
    }

    @Test
    void redirectsAreFollowedOnlyOnTheSameHost() {
        McpSchema.CallToolResult same = call("pets__redirect", Map.of("to", "/api/pets/1"));
        assertThat(same.isError()).as(text(same)).isNotEqualTo(Boolean.TRUE);
        assertThat(text(same)).contains("Rex");
        McpSchema.CallToolResult other =
                call("pets__redirect", Map.of("to", "http://localhost:" + port + "/api/pets/1"));
        assertThat(other.isError()).isTrue();
        assertThat(text(other)).contains("another host").contains("localhost");
    }

    @Test
    void imagesAndOtherBinariesKeepTheirKind() {
        McpSchema.CallToolResult image = call("pets__image", Map.of("id", 1));
        McpSchema.ImageContent png = (McpSchema.ImageContent) image.content().get(0);
        assertThat(png.mimeType()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(png.data())).startsWith(0x89, 'P', 'N', 'G');
        McpSchema.CallToolResult pdf = call("pets__certificate", Map.of("id", 1));
        McpSchema.EmbeddedResource resource =
                (McpSchema.EmbeddedResource) pdf.content().get(0);
        assertThat(resource.resource().mimeType()).isEqualTo("application/pdf");
        assertThat(resource.resource()).isInstanceOf(McpSchema.BlobResourceContents.class);
    }

    @Test
    void basicBearerAndApiKeyAuthenticate() {
        assertThat(text(call("basic__whoami", Map.of()))).isEqualTo("\"basic\"");
        assertThat(text(call("bearer__whoami", Map.of()))).isEqualTo("\"bearer\"");
        assertThat(text(call("keyed__whoami", Map.of()))).isEqualTo("\"apiKey\"");
    }

    @Test
    void oauthTokensAreCachedAndFetchedAgainWhenRevoked() {
        int before = store.hits("POST /api/oauth/token");
        for (int i = 0; i < 3; i++)
            assertThat(text(call("oauth__whoami", Map.of()))).isEqualTo("\"oauth2\"");
        assertThat(store.hits("POST /api/oauth/token") - before)
                .as("one token for three calls")
                .isEqualTo(1);
        store.revokeTokens();
        assertThat(text(call("oauth__whoami", Map.of()))).isEqualTo("\"oauth2\"");
        assertThat(store.hits("POST /api/oauth/token") - before)
                .as("a 401 fetches a new one")
                .isEqualTo(2);
    }

    @Test
    void anExpiredOauthTokenIsFetchedAgain() throws InterruptedException {
        assertThat(text(call("oauth_short__whoami", Map.of()))).isEqualTo("\"oauth2\"");
        int first = shortLived.hits("POST /api/oauth/token");
        Thread.sleep(1_200); // the token lives 1 s
        assertThat(text(call("oauth_short__whoami", Map.of()))).isEqualTo("\"oauth2\"");
        assertThat(shortLived.hits("POST /api/oauth/token")).isEqualTo(first + 1);
        assertThat(shortLived.hits("GET /api/secure"))
                .as("no call was refused on the way")
                .isEqualTo(2);
    }

    @Test
    void theDryRunShowsTheRequestWithSecretsRedacted() {
        int sent = store.hits("GET /api/secure");
        JsonObject keyed = dryRun("keyed", "whoami", new JsonObject());
        assertThat(keyed.getString("method")).isEqualTo("GET");
        assertThat(keyed.getString("url")).isEqualTo(store.baseUrl() + "/secure?api_key=***");
        JsonObject basic = dryRun("basic", "whoami", new JsonObject());
        assertThat(basic.getJsonObject("headers").getString("Authorization")).isEqualTo("Basic ***");
        JsonObject bearer = dryRun("bearer", "whoami", new JsonObject());
        assertThat(bearer.getJsonObject("headers").getString("Authorization")).isEqualTo("Bearer ***");
        JsonObject add =
                dryRun("pets", "add_pet", new JsonObject().put("name", "Rex").put("tags", new JsonArray()));
        assertThat(add.getString("body")).isEqualTo("{\"name\": \"Rex\", \"tags\": []}");
        assertThat(add.getJsonObject("headers").getString("Content-Type")).isEqualTo("application/json");
        assertThat(add.getJsonObject("headers").getString("X-Static")).isEqualTo("***");

        JsonObject bad = gateway.store()
                .vertx()
                .eventBus()
                .<JsonObject>request(
                        Addresses.upstream("pets"),
                        new JsonObject()
                                .put("method", RestServer.DRY_RUN)
                                .put(
                                        "params",
                                        new JsonObject().put("name", "get_pet").put("arguments", new JsonObject())))
                .await()
                .body();
        assertThat(bad.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        assertThat(bad.getJsonObject("error").getString("message")).contains("id");
        assertThat(store.hits("GET /api/secure")).as("a dry run sends nothing").isEqualTo(sent);
    }

    @Test
    void theServiceApiNeverShowsTheSecrets() {
        String shown = gateway.get("/api/v1/services/keyed").body()
                + gateway.get("/api/v1/services/basic").body()
                + gateway.get("/api/v1/services/oauth").body();
        assertThat(shown)
                .doesNotContain(PetStore.API_KEY)
                .doesNotContain("\"" + PetStore.PASSWORD + "\"")
                .doesNotContain(PetStore.CLIENT_SECRET);
        assertThat(gateway.get("/api/v1/services/bearer").body())
                .contains("${env:MCPSTORE_TEST_UNSET_VARIABLE:-petstore-token}");
    }

    static JsonObject dryRun(String service, String tool, JsonObject arguments) {
        JsonObject reply = gateway.store()
                .vertx()
                .eventBus()
                .<JsonObject>request(
                        Addresses.upstream(service),
                        new JsonObject()
                                .put("method", RestServer.DRY_RUN)
                                .put(
                                        "params",
                                        new JsonObject().put("name", tool).put("arguments", arguments)))
                .await()
                .body();
        assertThat(reply.containsKey("result")).as(reply.encode()).isTrue();
        return reply.getJsonObject("result");
    }
}
