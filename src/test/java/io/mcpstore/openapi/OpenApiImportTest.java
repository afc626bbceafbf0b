package io.mcpstore.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.config.ConfigException;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAPI documents of real shape (test resources) as rest service entries: tools, args, schemas, auth, warnings. */
class OpenApiImportTest {
    static String resource(String name) {
        try (InputStream in = OpenApiImportTest.class.getResourceAsStream("/openapi/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OpenApiImport.Result convert(String text) {
        return OpenApiImport.convert(text, new OpenApiImport.Options("svc", null, null, null, false));
    }

    private static OpenApiImport.Result convert(String text, String baseUrl, List<String> include, String location) {
        return OpenApiImport.convert(text, new OpenApiImport.Options("svc", baseUrl, include, location, false));
    }

    static JsonObject tool(OpenApiImport.Result r, String name) {
        for (Object o : r.service().getJsonArray("tools")) {
            if (name.equals(((JsonObject) o).getString("name"))) return (JsonObject) o;
        }
        throw new AssertionError("no tool " + name + " in " + r.tools());
    }

    static JsonObject arg(JsonObject tool, String name) {
        for (Object o : tool.getJsonArray("args", new JsonArray())) {
            if (name.equals(((JsonObject) o).getString("name"))) return (JsonObject) o;
        }
        throw new AssertionError("no arg " + name + " in " + tool.encode());
    }

    private static List<String> argNames(JsonObject tool) {
        return tool.getJsonArray("args", new JsonArray()).stream()
                .map(a -> ((JsonObject) a).getString("name"))
                .toList();
    }

    private static ConfigException refused(String text) {
        try {
            convert(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("imported: " + text);
    }

    @Test
    void theSwaggerPetstore3DocumentBecomesOneToolPerOperation() {
        OpenApiImport.Result r = convert(resource("swagger-petstore-3.yaml"));
        assertThat(r.tools())
                .containsExactly(
                        "updatePet",
                        "addPet",
                        "findPetsByStatus",
                        "findPetsByTags",
                        "getPetById",
                        "updatePetWithForm",
                        "deletePet",
                        "uploadFile",
                        "getInventory",
                        "placeOrder",
                        "getOrderById",
                        "deleteOrder",
                        "createUser",
                        "createUsersWithListInput",
                        "loginUser",
                        "logoutUser",
                        "getUserByName",
                        "updateUser",
                        "deleteUser");
        JsonObject service = r.service();
        assertThat(service.getString("transport")).isEqualTo("rest");
        assertThat(service.getString("baseUrl")).isEqualTo("https://petstore3.swagger.io/api/v3");
        // No reference is left anywhere: every $ref is inlined.
        assertThat(service.encode()).doesNotContain("$ref").doesNotContain("\"xml\"");

        JsonObject get = tool(r, "getPetById");
        assertThat(get.getString("method")).isEqualTo("GET");
        assertThat(get.getString("path")).isEqualTo("/pet/{petId}");
        assertThat(get.getString("description")).isEqualTo("Find pet by ID.\n\nReturns a single pet.");
        assertThat(get.getJsonObject("annotations").getBoolean("readOnlyHint")).isTrue();
        assertThat(arg(get, "petId"))
                .isEqualTo(new JsonObject()
                        .put("name", "petId")
                        .put("in", "path")
                        .put("required", true)
                        .put("description", "ID of pet to return")
                        .put("schema", new JsonObject().put("type", "integer").put("format", "int64")));
        JsonObject output = get.getJsonObject("response").getJsonObject("schema");
        assertThat(output.getString("type")).isEqualTo("object");
        assertThat(output.getJsonObject("properties")
                        .getJsonObject("category")
                        .getJsonObject("properties")
                        .fieldNames())
                .contains("id", "name");

        JsonObject status = arg(tool(r, "findPetsByStatus"), "status");
        assertThat(status.getString("in")).isEqualTo("query");
        assertThat(status.getBoolean("required")).isTrue();
        assertThat(status.getJsonObject("schema").getJsonArray("enum")).containsExactly("available", "pending", "sold");
        assertThat(status.getJsonObject("schema").getString("default")).isEqualTo("available");
        // An array answer is no output schema (MCP's must be an object).
        assertThat(tool(r, "findPetsByStatus").containsKey("response")).isFalse();
        assertThat(arg(tool(r, "findPetsByTags"), "tags")
                        .getJsonObject("schema")
                        .getString("type"))
                .isEqualTo("array");

        // A JSON body: one arg per top-level field, required as the schema says, nested refs inlined.
        JsonObject add = tool(r, "addPet");
        assertThat(add.getString("method")).isEqualTo("POST");
        assertThat(argNames(add)).containsExactly("id", "name", "category", "photoUrls", "tags", "status");
        assertThat(arg(add, "name").getBoolean("required")).isTrue();
        assertThat(arg(add, "photoUrls").getBoolean("required")).isTrue();
        assertThat(arg(add, "id").containsKey("required")).isFalse();
        assertThat(arg(add, "name").getJsonObject("schema").getJsonArray("examples"))
                .containsExactly("doggie");
        assertThat(arg(add, "tags")
                        .getJsonObject("schema")
                        .getJsonObject("items")
                        .getJsonObject("properties")
                        .fieldNames())
                .contains("id", "name");
        assertThat(arg(add, "status").getString("description")).isEqualTo("pet status in the store");
        assertThat(add.containsKey("body")).isFalse(); // the default body: the JSON object of the body args

        JsonObject form = tool(r, "updatePetWithForm");
        assertThat(argNames(form)).containsExactly("petId", "name", "status");
        assertThat(arg(form, "name").getString("in")).isEqualTo("query");
        JsonObject delete = tool(r, "deletePet");
        assertThat(arg(delete, "api_key").getString("in")).isEqualTo("header");
        assertThat(delete.getJsonObject("annotations").getBoolean("destructiveHint"))
                .isTrue();

        // An array body is one arg, written whole by a template.
        JsonObject list = tool(r, "createUsersWithListInput");
        assertThat(argNames(list)).containsExactly("body");
        assertThat(arg(list, "body")
                        .getJsonObject("schema")
                        .getJsonObject("items")
                        .getJsonObject("properties")
                        .fieldNames())
                .contains("username", "email");
        assertThat(list.getString("body")).isEqualTo("{{json body}}");
        assertThat(argNames(tool(r, "loginUser"))).containsExactly("username", "password");
        assertThat(tool(r, "getInventory")
                        .getJsonObject("response")
                        .getJsonObject("schema")
                        .getString("type"))
                .isEqualTo("object");

        // The API key goes in a header, its value for the admin to provide; the implicit OAuth flow cannot be used.
        assertThat(service.getJsonObject("headers")).isEqualTo(new JsonObject().put("api_key", "${env:SVC_API_KEY:-}"));
        assertThat(service.containsKey("auth")).isFalse();
        assertThat(r.warnings())
                .anySatisfy(w -> assertThat(w).contains("petstore_auth").contains("implicit"))
                .anySatisfy(
                        w -> assertThat(w).contains("/pet/{petId}/uploadImage").contains("application/octet-stream"));
    }

    @Test
    void referencesAcrossComponentsSecuritySchemesAndFormBodies() {
        OpenApiImport.Result r =
                convert(resource("library-refs.yaml"), null, null, "http://127.0.0.1:9/docs/library.yaml");
        assertThat(r.tools())
                .containsExactly(
                        "listBooks",
                        "addBook",
                        "getBook",
                        "replaceBook",
                        "removeBook",
                        "uploadCover",
                        "reviewBook",
                        "put_books_bookId_tags",
                        "getAuthor",
                        "listCategories",
                        "stats");
        JsonObject service = r.service();
        // A relative server URL, against the document's own URL.
        assertThat(service.getString("baseUrl")).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(service.encode()).doesNotContain("$ref").doesNotContain("nullable");

        // Parameters by reference, path-level ones on every operation, the cookie one left out.
        JsonObject list = tool(r, "listBooks");
        assertThat(argNames(list)).containsExactly("X-Trace-Id", "limit", "genre");
        assertThat(arg(list, "X-Trace-Id").getString("in")).isEqualTo("header");
        assertThat(arg(list, "limit").getJsonObject("schema"))
                .isEqualTo(new JsonObject()
                        .put("type", "integer")
                        .put("default", 20)
                        .put("exclusiveMaximum", 100));
        assertThat(arg(list, "genre").getJsonObject("schema").getJsonArray("enum"))
                .containsExactly("fiction", "science", "history");
        assertThat(r.warnings())
                .anySatisfy(w -> assertThat(w).contains("session").contains("cookie"));
        JsonObject page = list.getJsonObject("response").getJsonObject("schema");
        assertThat(page.getJsonObject("properties").getJsonObject("next").getJsonArray("type"))
                .containsExactly("string", "null");

        // A request body by reference, and nested schema references three levels deep.
        JsonObject add = tool(r, "addBook");
        assertThat(argNames(add)).containsExactly("X-Trace-Id", "title", "author", "genre", "isbn");
        assertThat(arg(add, "title").getBoolean("required")).isTrue();
        assertThat(arg(add, "author")
                        .getJsonObject("schema")
                        .getJsonObject("properties")
                        .getJsonObject("address")
                        .getJsonObject("properties")
                        .getJsonObject("country")
                        .getJsonArray("examples"))
                .containsExactly("NL");
        // allOf of objects is an object: the 201 answer is the output schema.
        assertThat(add.getJsonObject("response").getJsonObject("schema").getString("type"))
                .isEqualTo("object");

        // A body field named like the path parameter: renamed, and a template puts it back.
        JsonObject replace = tool(r, "replaceBook");
        assertThat(argNames(replace)).containsExactly("bookId", "title", "author", "genre", "isbn", "body_bookId");
        assertThat(arg(replace, "body_bookId").getBoolean("required")).isTrue();
        assertThat(new JsonObject(replace.getString("body").replaceAll("\\{\\{json ([^}]+)}}", "\"$1\""))
                        .getString("bookId"))
                .isEqualTo("body_bookId");

        assertThat(tool(r, "removeBook").getString("description")).startsWith("Deprecated.");

        JsonObject cover = tool(r, "uploadCover");
        assertThat(cover.getString("contentType")).isEqualTo("multipart/form-data");
        assertThat(arg(cover, "file").getString("in")).isEqualTo("form");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("file").contains("sent as text"));
        JsonObject review = tool(r, "reviewBook");
        assertThat(arg(review, "stars").getString("in")).isEqualTo("form");
        assertThat(arg(review, "stars").getBoolean("required")).isTrue();
        assertThat(arg(review, "stars").getJsonObject("schema").getInteger("maximum"))
                .isEqualTo(5);
        assertThat(arg(review, "text").getJsonObject("schema").getJsonArray("type"))
                .containsExactly("string", "null");
        assertThat(review.containsKey("contentType")).isFalse();

        JsonObject tags = tool(r, "put_books_bookId_tags");
        assertThat(arg(tags, "body").getJsonObject("schema").getString("type")).isEqualTo("array");

        // A recursive schema is expanded once.
        JsonObject tree = tool(r, "listCategories").getJsonObject("response").getJsonObject("schema");
        JsonObject child =
                tree.getJsonObject("properties").getJsonObject("children").getJsonObject("items");
        assertThat(child.getString("description")).contains("recursive Category");

        // Global basic auth, the query key of getAuthor; the rest cannot be carried and says so.
        assertThat(service.getJsonObject("auth"))
                .isEqualTo(new JsonObject()
                        .put("type", "basic")
                        .put("username", "${env:SVC_BASICAUTH_USERNAME:-}")
                        .put("password", "${env:SVC_BASICAUTH_PASSWORD:-}"));
        assertThat(service.getJsonObject("query")).isEqualTo(new JsonObject().put("key", "${env:SVC_APIKEYQUERY:-}"));
        assertThat(r.warnings())
                .anySatisfy(w -> assertThat(w).contains("bearerAuth").contains("one auth"))
                .anySatisfy(w -> assertThat(w).contains("cookieKey").contains("cookie"))
                .anySatisfy(w -> assertThat(w).contains("authorizationCode"))
                .anySatisfy(w -> assertThat(w).contains("the first is used"))
                .anySatisfy(w -> assertThat(w)
                        .contains("SVC_BASICAUTH_USERNAME, SVC_BASICAUTH_PASSWORD, SVC_APIKEYQUERY")
                        .contains("empty until set"));
    }

    @Test
    void anOpenApi31DocumentKeepsItsJsonSchema() {
        OpenApiImport.Result r = convert(resource("events-3.1.json"));
        assertThat(r.tools()).containsExactly("list-events", "list_events", "getEvent");
        assertThat(r.service().getString("baseUrl")).isEqualTo("https://eu.events.example.com/api");
        JsonObject list = tool(r, "list-events");
        assertThat(arg(list, "since").getJsonObject("schema").getJsonArray("type"))
                .containsExactly("string", "null");
        assertThat(arg(list, "kinds")
                        .getJsonObject("schema")
                        .getJsonObject("items")
                        .getJsonArray("enum"))
                .containsExactly("meeting", "call", "deadline");
        JsonObject create = tool(r, "list_events");
        // application/vnd.events+json is JSON; the read-only id is not an argument.
        assertThat(argNames(create)).containsExactly("title", "kind", "at", "priority", "attendees");
        assertThat(arg(create, "priority").getJsonObject("schema"))
                .isEqualTo(new JsonObject()
                        .put("type", "integer")
                        .put("exclusiveMinimum", 0)
                        .put("const", 1));
        assertThat(arg(create, "attendees").getJsonObject("schema").getJsonArray("prefixItems"))
                .hasSize(1);
        assertThat(arg(create, "title").getJsonObject("schema").getJsonArray("examples"))
                .containsExactly("Standup");
        assertThat(tool(r, "getEvent")
                        .getJsonObject("response")
                        .getJsonObject("schema")
                        .getJsonArray("required"))
                .containsExactly("title", "kind");
        assertThat(r.warnings())
                .anySatisfy(w -> assertThat(w).contains("webhooks").contains("newEvent"))
                .anySatisfy(w -> assertThat(w).contains("kinds").contains("explode"));
    }

    @Test
    void includeBaseUrlAndNames() {
        String doc = resource("swagger-petstore-3.yaml");
        OpenApiImport.Result some =
                convert(doc, "http://127.0.0.1:9000/api/v3/", List.of("getPetById", "addPet"), null);
        assertThat(some.tools()).containsExactly("addPet", "getPetById");
        assertThat(some.service().getString("baseUrl")).isEqualTo("http://127.0.0.1:9000/api/v3");
        assertThatThrownBy(() -> convert(doc, null, List.of("getPetById", "nope", "alsoNope"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("include: unknown operationIds nope, alsoNope")
                .hasMessageContaining("getPetById");
        assertThatThrownBy(() -> convert(doc, null, List.of(), null))
                .hasMessage("include: must name at least one operationId");

        String names = """
                openapi: 3.0.0
                info: {title: t, version: "1"}
                servers: [{url: "http://api.example.com"}]
                paths:
                  /a/{id}/b.json:
                    get: {responses: {"200": {description: ok}}}
                    put: {operationId: "get a/{id}", responses: {"200": {description: ok}}}
                    post: {operationId: get_a_id, responses: {"200": {description: ok}}}
                    delete: {operationId: "%s", responses: {"200": {description: ok}}}
                """.formatted("x".repeat(80));
        OpenApiImport.Result r = convert(names);
        assertThat(r.tools()).containsExactly("get_a_id_b_json", "get_a_id", "get_a_id_2", "x".repeat(64));
        // Path parameters the operation does not declare are still arguments.
        assertThat(arg(tool(r, "get_a_id"), "id").getBoolean("required")).isTrue();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("{id} is not declared"));
    }

    @Test
    void securitySchemesBecomeAuthWithPlaceholders() {
        String oauth = """
                openapi: 3.0.0
                info: {title: t, version: "1"}
                servers: [{url: "https://api.example.com/v2"}]
                security: [{cc: [read]}]
                paths:
                  /x: {get: {responses: {"200": {description: ok}}}}
                components:
                  securitySchemes:
                    cc:
                      type: oauth2
                      flows: {clientCredentials: {tokenUrl: /oauth/token, scopes: {read: r, write: w}}}
                """;
        assertThat(OpenApiImport.convert(oauth, new OpenApiImport.Options("my-api", null, null, null, false))
                        .service()
                        .getJsonObject("auth"))
                .isEqualTo(new JsonObject()
                        .put("type", "oauth2")
                        .put("tokenUrl", "https://api.example.com/oauth/token")
                        .put("clientId", "${env:MY_API_CC_CLIENT_ID:-}")
                        .put("clientSecret", "${env:MY_API_CC_CLIENT_SECRET:-}")
                        .put("scopes", new JsonArray().add("read")));
        String bearer = oauth.replace("security: [{cc: [read]}]", "security: [{}, {jwt: []}]")
                .replace("    cc:\n", "    jwt: {type: http, scheme: bearer}\n    cc:\n");
        // An empty alternative: security is optional, nothing is mapped.
        assertThat(convert(bearer).service().containsKey("auth")).isFalse();
        OpenApiImport.Result withBearer = convert(bearer.replace("[{}, {jwt: []}]", "[{jwt: []}]"));
        assertThat(withBearer.service().getJsonObject("auth"))
                .isEqualTo(new JsonObject().put("type", "bearer").put("token", "${env:SVC_JWT:-}"));
    }

    @Test
    void badDocumentsAreRefusedNamingTheProblem() {
        assertThat(refused("").getMessage()).isEqualTo("document: is empty");
        assertThat(refused("- just\n- a list").getMessage()).contains("must be a JSON or YAML object");
        assertThat(refused("{\"openapi\": ").getMessage()).startsWith("document: is neither JSON nor YAML");
        assertThat(refused("swagger: \"2.0\"\ninfo: {title: t, version: '1'}\npaths: {}")
                        .getMessage())
                .contains("Swagger 2.0")
                .contains("only OpenAPI 3.0 and 3.1");
        assertThat(refused("title: not openapi").getMessage()).contains("has no 'openapi' version");
        // What the swagger-parser says about a document it cannot read.
        ConfigException broken = refused("openapi: 3.0.0\ninfo: 12\npaths: 7");
        assertThat(broken.key()).isEqualTo("document");
        assertThat(broken.getMessage())
                .contains("the OpenAPI parser says")
                .contains("attribute paths is not of type `object`");
        assertThat(refused("openapi: 3.0.0\nfoo: [1").getMessage()).startsWith("document: is neither JSON nor YAML");
        assertThat(refused("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}")
                        .getMessage())
                .contains("has no paths");

        String external = """
                openapi: 3.0.0
                info: {title: t, version: "1"}
                servers: [{url: "https://api.example.com"}]
                paths:
                  /x:
                    get:
                      parameters: [{$ref: "https://evil.example/params.yaml#/Id"}]
                      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "/etc/passwd"}}}}}
                """;
        assertThat(refused(external).getMessage())
                .contains("https://evil.example/params.yaml#/Id", "/etc/passwd")
                .contains("given as text");
        // By url, references resolve against it, over http(s) only (never a local file).
        assertThatThrownBy(() -> convert(
                        external.replace("/etc/passwd", "file:///etc/passwd"),
                        null,
                        null,
                        "https://api.example.com/openapi.yaml"))
                .hasMessageContaining("not an http(s) reference");

        String dangling = external.replace("https://evil.example/params.yaml#/Id", "#/components/parameters/Nope")
                .replace("/etc/passwd", "#/components/schemas/Thing");
        assertThat(refused(dangling).getMessage())
                .contains("#/components/parameters/Nope")
                .contains("points at nothing");

        String relative = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\nservers: [{url: /api}]\n"
                + "paths: {/x: {get: {responses: {'200': {description: ok}}}}}";
        ConfigException noBase = refused(relative);
        assertThat(noBase.key()).isEqualTo("baseUrl");
        assertThat(noBase.getMessage()).contains("'/api' is relative");
        assertThat(convert(relative, "https://given.example/api", null, null)
                        .service()
                        .getString("baseUrl"))
                .isEqualTo("https://given.example/api");
    }

    @Test
    void referencesThatExpandWithoutBoundAreRefused() {
        StringBuilder doc = new StringBuilder("""
                openapi: 3.0.0
                info: {title: t, version: "1"}
                servers: [{url: "https://api.example.com"}]
                paths:
                  /x:
                    get:
                      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/L0"}}}}}
                components:
                  schemas:
                """);
        for (int i = 0; i < 12; i++) {
            doc.append("    L").append(i).append(":\n      type: object\n      properties:\n");
            for (int p = 0; p < 8; p++) {
                doc.append("        p")
                        .append(p)
                        .append(": {$ref: \"#/components/schemas/L")
                        .append(i + 1)
                        .append("\"}\n");
            }
        }
        doc.append("    L12: {type: string}\n");
        assertThat(refused(doc.toString()).getMessage()).contains("expand to more than");
    }

    @Test
    void everyImportedEntryIsAValidRestService() throws Exception {
        String petstore;
        try (InputStream in = io.mcpstore.demo.PetStore.class.getResourceAsStream("petstore-openapi.yaml")) {
            petstore = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String text : List.of(
                resource("swagger-petstore-3.yaml"),
                resource("library-refs.yaml"),
                resource("events-3.1.json"),
                petstore)) {
            OpenApiImport.Result r = convert(text, null, null, "http://127.0.0.1:9/openapi.yaml");
            ServiceConfig sc = ServiceConfig.fromJson("svc", r.service().copy(), "services.svc");
            assertThat(sc.transport().id()).isEqualTo("rest");
            assertThat(sc.toJson().getJsonArray("tools")).hasSize(r.tools().size());
        }
    }
}
