package io.mcpstore.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.TestGateway;
import io.mcpstore.demo.PetStore;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OpenAPI import end to end: the demo pet store on 127.0.0.1 serves its document, the admin API imports it (by URL
 * and as text), and the MCP Java SDK client calls the imported tools through {@code /mcp} — path, query, header,
 * JSON body and form arguments, a 404, credentials the admin filled in — as a user would.
 */
@Timeout(120)
class OpenApiEndToEndTest {
    static Vertx vertx;
    static PetStore store;
    static TestGateway gateway;
    static McpSyncClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        store = new PetStore();
        store.listen(vertx, "127.0.0.1", 0).await();
        gateway = TestGateway.startReady(new JsonObject().put("services", new JsonObject()));
        created(new JsonObject()
                .put("name", "pets")
                .put("url", store.baseUrl() + "/openapi.json")
                .put("allowPrivateNetwork", true)
                // The admin fills in what the security schemes left as references.
                .put(
                        "auth",
                        new JsonObject()
                                .put("type", "basic")
                                .put("username", PetStore.USERNAME)
                                .put("password", PetStore.PASSWORD)));
        created(new JsonObject()
                .put("name", "text")
                .put("document", PetStore.openApiText())
                .put("baseUrl", store.baseUrl())
                .put("include", new JsonArray().add("getPet"))
                .put("allowPrivateNetwork", true));
        created(new JsonObject()
                .put("name", "sp3")
                .put("document", OpenApiImportTest.resource("swagger-petstore-3.yaml"))
                .put("baseUrl", store.baseUrl() + "/v3")
                .put("allowPrivateNetwork", true));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> List.of("pets", "text", "sp3").stream().allMatch(s -> "ready".equals(gateway.state(s))));
        client = gateway.client("streamable", spec -> {});
    }

    @AfterAll
    static void stop() {
        if (client != null) client.closeGracefully();
        if (gateway != null) gateway.close();
        if (store != null) store.close().await();
        if (vertx != null) vertx.close().await();
    }

    private static JsonObject created(JsonObject body) {
        HttpResponse<String> r =
                gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/services/import-openapi"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                        .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new JsonObject(r.body());
    }

    private static McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(String.valueOf(result.content())).isNotEqualTo(Boolean.TRUE);
        assertThat(result.structuredContent()).isInstanceOf(Map.class);
        return (Map<String, Object>) ((Map<String, Object>) result.structuredContent()).get("data");
    }

    private static McpSchema.Tool listed(String name) {
        return client.listTools().tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no tool " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(McpSchema.Tool tool) {
        return (Map<String, Object>) tool.inputSchema().get("properties");
    }

    @SuppressWarnings("unchecked")
    private static List<String> required(McpSchema.Tool tool) {
        return (List<String>) tool.inputSchema().getOrDefault("required", List.of());
    }

    @Test
    void theImportedToolsAreListedWithTheirSchemas() {
        McpSchema.Tool getPet = listed("pets__getPet");
        assertThat(getPet.description()).isEqualTo("Fetch one pet");
        assertThat(properties(getPet)).containsKeys("id", "verbose");
        assertThat(required(getPet)).containsExactly("id");
        assertThat(getPet.outputSchema()).containsEntry("type", "object");
        assertThat(getPet.annotations().readOnlyHint()).isTrue();
        McpSchema.Tool addPet = listed("pets__addPet");
        assertThat(properties(addPet)).containsKeys("name", "status", "tags");
        assertThat(required(addPet)).containsExactly("name");

        // Imported from text with include: one tool.
        assertThat(client.listTools().tools().stream()
                        .filter(t -> t.name().startsWith("text__"))
                        .map(McpSchema.Tool::name))
                .containsExactly("text__getPet");

        // The Swagger Petstore 3 document: every operation, with its schemas, aimed at the local server.
        List<String> sp3 = client.listTools().tools().stream()
                .map(McpSchema.Tool::name)
                .filter(n -> n.startsWith("sp3__"))
                .toList();
        assertThat(sp3).hasSize(19).contains("sp3__getPetById", "sp3__addPet", "sp3__placeOrder", "sp3__loginUser");
        McpSchema.Tool sp3Add = listed("sp3__addPet");
        assertThat(required(sp3Add)).containsExactlyInAnyOrder("name", "photoUrls");
        assertThat(properties(sp3Add)).containsKeys("id", "category", "tags", "status");
        // Its paths are not the local server's: the call goes out and the answer is the server's 404.
        McpSchema.CallToolResult missing = call("sp3__getPetById", Map.of("petId", 1));
        assertThat(missing.isError()).isTrue();
        assertThat(((McpSchema.TextContent) missing.content().get(0)).text()).contains("404");
    }

    @Test
    void pathQueryHeaderJsonBodyAndFormArgumentsReachTheApi() {
        assertThat(data(call("pets__getPet", Map.of("id", 1)))).containsEntry("name", "Rex");
        assertThat(data(call("text__getPet", Map.of("id", 2, "verbose", true))))
                .containsEntry("name", "Tom")
                .containsKey("photos");

        Map<String, Object> added = data(call("pets__addPet", Map.of("name", "Fido", "tags", List.of("dog", "new"))));
        assertThat(added).containsEntry("name", "Fido").containsEntry("tags", List.of("dog", "new"));
        int id = ((Number) added.get("id")).intValue();

        McpSchema.CallToolResult tagged = call("pets__listPets", Map.of("tag", "new"));
        assertThat(tagged.isError()).isNotEqualTo(Boolean.TRUE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> dogs =
                (List<Map<String, Object>>) ((Map<String, Object>) tagged.structuredContent()).get("data");
        assertThat(dogs).extracting(p -> p.get("name")).containsExactly("Fido");

        Map<String, Object> photo =
                data(call("pets__addPhoto", Map.of("id", id, "url", "http://img.example/fido.png", "caption", "hi")));
        assertThat(photo).containsEntry("url", "http://img.example/fido.png").containsEntry("photos", 1);

        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>)
                data(call("pets__echo", Map.of("X-Trace", "t-42"))).get("headers");
        assertThat(headers).containsEntry("x-trace", "t-42");

        Map<String, Object> changed = data(call("pets__updatePet", Map.of("id", id, "status", "sold")));
        assertThat(changed).containsEntry("status", "sold").containsEntry("name", "Fido");

        McpSchema.CallToolResult gone = call("pets__getPet", Map.of("id", 999));
        assertThat(gone.isError()).isTrue();
        assertThat(((McpSchema.TextContent) gone.content().get(0)).text()).contains("404");

        // The credentials given at import time: basic.
        assertThat(data(call("pets__whoAmI", Map.of()))).containsEntry("authenticatedBy", "basic");
    }

    @Test
    void theDryRunOfAnImportedTool() {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url() + "/api/v1/services/pets/tools/listPets/dry-run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                        .put("arguments", new JsonObject().put("status", "sold").put("limit", 2))
                        .encode()))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject request = new JsonObject(r.body());
        assertThat(request.getString("method")).isEqualTo("GET");
        assertThat(request.getString("url")).isEqualTo(store.baseUrl() + "/pets?status=sold&limit=2");
        // The basic credential the admin gave is shown redacted.
        assertThat(request.getJsonObject("headers").getString("Authorization")).doesNotContain("ZGVtbz");
    }
}
