package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rest service entry: what it accepts, written back as given, and errors that name the key. */
class RestConfigTest {
    private static JsonObject petstore() {
        return new JsonObject("""
                {"transport": "rest", "baseUrl": "http://127.0.0.1:9000/api",
                 "headers": {"Authorization": "Bearer ${env:PETSTORE_TOKEN}"},
                 "query": {"api_key": "k"},
                 "retries": {"attempts": 2, "backoffMs": 50},
                 "tools": [
                   {"name": "get_pet", "method": "get", "path": "/pets/{id}",
                    "args": [{"name": "id", "in": "path", "type": "integer", "required": true},
                             {"name": "verbose", "in": "query", "type": "boolean", "default": false}],
                    "response": {"select": "/data", "template": "Pet {{name}} is {{status}}"}},
                   {"name": "add_pet", "method": "POST", "path": "/pets",
                    "args": [{"name": "name", "in": "body", "type": "string", "required": true},
                             {"name": "tags", "in": "body", "type": "array", "items": {"type": "string"}}],
                    "body": "{\\"name\\": {{json name}}, \\"tags\\": {{json tags}}}"}
                 ]}""");
    }

    private static ServiceConfig parse(JsonObject entry) {
        return ServiceConfig.fromJson("petstore", entry, "services.petstore");
    }

    @Test
    void theIssueExampleReadsAndWritesBackAsGiven() {
        ServiceConfig service = parse(petstore());
        assertThat(service.transport()).isEqualTo(ServiceConfig.Transport.REST);
        RestConfig rest = service.rest();
        assertThat(rest.tools()).extracting(RestConfig.Tool::name).containsExactly("get_pet", "add_pet");
        RestConfig.Tool getPet = rest.tools().get(0);
        assertThat(getPet.method()).isEqualTo("GET");
        assertThat(getPet.args().get(0).in()).isEqualTo(RestConfig.In.PATH);
        assertThat(getPet.args().get(1).schema().getValue("default")).isEqualTo(false);
        assertThat(getPet.retryable()).isTrue();
        assertThat(rest.tools().get(1).retryable()).isFalse();
        assertThat(rest.maxResponseBytes()).isEqualTo(RestConfig.DEFAULT_MAX_RESPONSE_BYTES);
        assertThat(rest.redirects()).isEqualTo(RestConfig.Redirects.SAME_HOST);

        ServiceConfig again = ServiceConfig.fromDeployment(service.toJson());
        assertThat(again).isEqualTo(service);
        assertThat(service.toJson().getJsonArray("tools").getJsonObject(1).getString("body"))
                .isEqualTo("{\"name\": {{json name}}, \"tags\": {{json tags}}}");
    }

    @Test
    void aBracketAfterATagIsJsonNotATripleStash() {
        assertThat(RestConfig.handlebarsSource("{\"a\": {\"b\": {{json x}}}}"))
                .isEqualTo("{\"a\": {\"b\": {{json x}}{{mcpstore-rbrace}}{{mcpstore-rbrace}}");
        assertThat(RestConfig.handlebarsSource("{{{raw}}}")).isEqualTo("{{{raw}}}");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/tools/0/args/1/in|\"cookie\"|services.petstore.tools[0].args[1].in: must be path, query, header,"
                        + " body or form",
                "/tools/0/args/1/typ|\"string\"|services.petstore.tools[0].args[1].typ: unknown key; did you mean"
                        + " 'type'?",
                "/tools/0/metod|\"GET\"|services.petstore.tools[0].metod: unknown key; did you mean 'method'?",
                "/tools/0/method|\"FETCH\"|services.petstore.tools[0].method: must be GET",
                "/tools/0/path|\"pets/{id}\"|services.petstore.tools[0].path: must start with '/'",
                "/tools/0/response/select|\"data\"|services.petstore.tools[0].response.select: must be a JSON"
                        + " Pointer",
                "/tools/0/response/select|\"$..\"|services.petstore.tools[0].response.select: is not a valid"
                        + " JsonPath",
                "/tools/0/response/template|\"{{#if x}}\"|services.petstore.tools[0].response.template: is not a"
                        + " valid Handlebars template",
                "/tools/1/body|\"{{json name}} {{env \\\"SECRET\\\"}}\"|services.petstore.tools[1].body: uses {{env"
                        + " \"SECRET\"}} but services.petstore.env has no SECRET",
                "/tools/1/name|\"get_pet\"|services.petstore.tools[1].name: tool 'get_pet' is defined twice",
                "/tools/0/args/1/type|\"date\"|services.petstore.tools[0].args[1].type: must be string, integer",
                "/redirects|\"sometimes\"|services.petstore.redirects: must be same-host, any or none",
                "/retries/attempts|0|services.petstore.retries.attempts: must be greater than 0",
                "/retries/tries|2|services.petstore.retries.tries: unknown key",
                "/maxResponseBytes|-1|services.petstore.maxResponseBytes: must not be negative",
                "/auth|{\"type\": \"basic\", \"username\": \"u\"}|services.petstore.auth.password: is required",
                "/auth|{\"type\": \"bearer\", \"token\": \"t\", \"password\": \"p\"}|services.petstore.auth.password:"
                        + " unknown key",
                "/auth|{\"type\": \"oauth2\", \"tokenUrl\": \"ftp://x\", \"clientId\": \"c\", \"clientSecret\":"
                        + " \"s\"}|services.petstore.auth.tokenUrl: must be an http:// or https:// URL",
                "/auth|{\"type\": \"digest\"}|services.petstore.auth.type: unknown auth type 'digest'",
                "/baseUrl|\"petstore\"|services.petstore.baseUrl: must be an http:// or https:// URL",
                "/url|\"http://x/mcp\"|services.petstore.url: is not for a rest service",
            })
    void mistakesNameTheKey(String pointer, String value, String message) {
        JsonObject entry = petstore();
        put(entry, pointer, io.vertx.core.json.Json.decodeValue(value));
        assertThatThrownBy(() -> parse(entry))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void aPathPlaceholderNeedsItsArgumentAndTheOtherWayRound() {
        JsonObject entry = petstore();
        entry.getJsonArray("tools").getJsonObject(0).put("path", "/pets/{petId}");
        assertThatThrownBy(() -> parse(entry))
                .hasMessageStartingWith("services.petstore.tools[0].args[0].in: is path, but the path has no {id}");
        JsonObject other = petstore();
        other.getJsonArray("tools").getJsonObject(0).put("path", "/pets/{id}/{kind}");
        assertThatThrownBy(() -> parse(other))
                .hasMessageStartingWith("services.petstore.tools[0].path: names {kind} but no argument 'kind'");
    }

    @Test
    void restKeysOnAnotherKindOfServiceAreRefused() {
        JsonObject entry = new JsonObject().put("url", "http://127.0.0.1:9/mcp").put("tools", new JsonArray());
        assertThatThrownBy(() -> parse(entry))
                .hasMessageStartingWith("services.petstore.tools: is only for a rest service (transport: rest)");
        assertThatThrownBy(() -> parse(new JsonObject().put("transport", "rest")))
                .hasMessageStartingWith("services.petstore.baseUrl: is required");
    }

    @Test
    void aTemplateSeesTheEnvTheServiceNames() {
        JsonObject entry = petstore().put("env", new JsonObject().put("REGION", "eu"));
        entry.getJsonArray("tools").getJsonObject(1).put("body", "{\"region\": \"{{env \"REGION\"}}\"}");
        assertThat(parse(entry).rest().tools().get(1).body()).contains("REGION");
    }

    @Test
    void anMcpServersExportLeavesRestServicesOut() {
        JsonObject document = new JsonObject()
                .put(
                        "services",
                        new JsonObject()
                                .put("petstore", parse(petstore()).toJson())
                                .put("remote", new JsonObject().put("url", "http://127.0.0.1:9/mcp")));
        assertThat(ConfigDocument.toMcpServers(document)
                        .getJsonObject("mcpServers")
                        .fieldNames())
                .containsExactly("remote");
    }

    /** Sets the value at a JSON Pointer of objects and arrays (the last segment may be new). */
    private static void put(JsonObject root, String pointer, Object value) {
        String[] parts = pointer.substring(1).split("/");
        Object at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at instanceof JsonArray a
                    ? a.getValue(Integer.parseInt(parts[i]))
                    : ((JsonObject) at).getValue(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (at instanceof JsonArray a) a.set(Integer.parseInt(last), value);
        else ((JsonObject) at).put(last, value);
    }
}
