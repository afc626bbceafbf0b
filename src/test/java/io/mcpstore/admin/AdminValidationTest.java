package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation rule, as the admin API reports it: a 400 problem naming the field and the rule. */
@Timeout(60)
class AdminValidationTest {
    private static TestGateway gateway;
    private static Api api;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(new JsonObject().put("services", new JsonObject()));
        api = new Api(gateway);
        // One service and one app for the rules that refer to others.
        assertThat(api.post(
                                "/services",
                                new JsonObject()
                                        .put("name", "known")
                                        .put("url", "http://127.0.0.1:9/mcp")
                                        .put("enabled", false))
                        .statusCode())
                .isEqualTo(201);
        assertThat(api.post(
                                "/apps",
                                new JsonObject()
                                        .put("name", "taken")
                                        .put("prefix", "/taken")
                                        .put("services", new io.vertx.core.json.JsonArray().add("known")))
                        .statusCode())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static Stream<Arguments> serviceRules() {
        return Stream.of(
                Arguments.of(
                        "{\"name\":\"-bad\",\"url\":\"http://h/mcp\"}", "services.-bad", "service name must be 1-64"),
                Arguments.of("{\"name\":\"s\"}", "services.s", "needs 'command' (a stdio server) or 'url'"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"url\":\"http://h\"}",
                        "services.s",
                        "give either 'command'"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"transport\":\"sse\"}",
                        "services.s.transport",
                        "needs a 'url', not a 'command'"),
                Arguments.of("{\"name\":\"s\",\"command\":\"  \"}", "services.s.command", "must not be empty"),
                Arguments.of(
                        "{\"name\":\"s\",\"url\":\"http://h/mcp\",\"transport\":\"stdio\"}",
                        "services.s.transport",
                        "stdio needs a 'command'"),
                Arguments.of(
                        "{\"name\":\"s\",\"url\":\"http://h/mcp\",\"transport\":\"grpc\"}",
                        "services.s.transport",
                        "unknown transport 'grpc'"),
                Arguments.of(
                        "{\"name\":\"s\",\"url\":\"ftp://h/x\"}",
                        "services.s.url",
                        "must be an http:// or https:// URL"),
                Arguments.of("{\"name\":\"s\",\"url\":\"http:///x\"}", "services.s.url", "has no host"),
                Arguments.of("{\"name\":\"s\",\"url\":\"http://h/a b\"}", "services.s.url", "is not a valid URL"),
                Arguments.of("{\"name\":\"s\",\"command\":[1]}", "services.s.command", "must be a string"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"timeoutMs\":0}",
                        "services.s.timeoutMs",
                        "must be greater than 0"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"timeoutMs\":\"soon\"}",
                        "services.s.timeoutMs",
                        "must be a whole number"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"pingIntervalMs\":-1}",
                        "services.s.pingIntervalMs",
                        "must not be negative"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"maxRestarts\":1.5}",
                        "services.s.maxRestarts",
                        "must be a whole number"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"enabled\":\"yes\"}",
                        "services.s.enabled",
                        "must be true or false"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"args\":\"-v\"}",
                        "services.s.args",
                        "must be a list of strings"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"args\":[{}]}", "services.s.args[0]", "must be a string"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"env\":[]}", "services.s.env", "must be a map of strings"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"env\":{\"A\":null}}",
                        "services.s.env.A",
                        "must be a string"),
                Arguments.of(
                        "{\"name\":\"s\",\"url\":\"http://h\",\"headers\":{\"A\":{}}}",
                        "services.s.headers.A",
                        "must be a string"),
                Arguments.of("{\"name\":\"s\",\"command\":\"x\",\"cwd\":{}}", "services.s.cwd", "must be a string"),
                Arguments.of(
                        "{\"name\":\"s\",\"command\":\"x\",\"env\":{\"TOKEN\":\"***\"}}",
                        "services.s.env.TOKEN",
                        "(redacted) but no value is stored"),
                Arguments.of("{\"url\":\"http://h\"}", "name", "is required"));
    }

    @ParameterizedTest
    @MethodSource("serviceRules")
    void aBadServiceIsRefusedNamingTheFieldAndTheRule(String body, String field, String rule) {
        HttpResponse<String> response = api.send("POST", "/services", body, java.util.Map.of());
        assertProblem(response, 400, field, rule);
    }

    static Stream<Arguments> appRules() {
        return Stream.of(
                Arguments.of(
                        "{\"name\":\"a\",\"prefix\":\"no-slash\",\"services\":[]}",
                        "apps.a.prefix",
                        "must look like /name"),
                Arguments.of(
                        "{\"name\":\"a\",\"prefix\":\"/api\",\"services\":[]}",
                        "apps.a.prefix",
                        "is reserved by the gateway"),
                Arguments.of(
                        "{\"name\":\"a\",\"prefix\":\"/a\",\"services\":\"known\"}",
                        "apps.a.services",
                        "must be a list of service names"),
                Arguments.of(
                        "{\"name\":\"a\",\"prefix\":\"/a\",\"services\":[\"ghost\"]}",
                        "apps.a.services[0]",
                        "'ghost' is not a service"),
                Arguments.of(
                        "{\"name\":\"a\",\"prefix\":\"/taken\",\"services\":[]}",
                        "apps.a.prefix",
                        "already used by app 'taken'"));
    }

    @ParameterizedTest
    @MethodSource("appRules")
    void aBadAppIsRefusedNamingTheFieldAndTheRule(String body, String field, String rule) {
        assertProblem(api.send("POST", "/apps", body, java.util.Map.of()), 400, field, rule);
    }

    static Stream<Arguments> importRules() {
        return Stream.of(
                Arguments.of("naming: {mode: sometimes}", "naming.mode", "unknown mode 'sometimes'"),
                Arguments.of("naming: {separator: '!!'}", "naming.separator", "must be 1-8 characters"),
                Arguments.of("catalog: {pageSize: 0}", "catalog.pageSize", "must be between 1 and 100000"),
                Arguments.of("services: [a, b]", "services", "must be a map"),
                Arguments.of("services: {s: 5}", "services.s", "must be an object"),
                Arguments.of("apps: {a: 5}", "apps.a", "must be an object with 'prefix' and 'services'"),
                Arguments.of("users: 5", "users", "must be a map or a list"),
                Arguments.of("services: {a: [", "(document)", "is not valid YAML or JSON"),
                Arguments.of("- a\n- b", "(document)", "must be a map at the top"),
                Arguments.of("{\"mcpServers\": []}", "mcpServers", "must be a map of servers"),
                Arguments.of("{\"mcpServers\": {\"x\": 1}}", "mcpServers.x", "must be an object"));
    }

    @ParameterizedTest
    @MethodSource("importRules")
    void aBadImportIsRefusedNamingTheFieldAndTheRule(String body, String field, String rule) {
        assertProblem(
                api.send("POST", "/config/import", body, java.util.Map.of("Content-Type", "application/yaml")),
                400,
                field,
                rule);
    }

    @Test
    void requestShapeErrorsAreProblemsToo() {
        assertProblem(
                api.send("POST", "/services", "{not json", java.util.Map.of()), 400, "(body)", "is not valid JSON");
        assertProblem(api.send("POST", "/services", "[1]", java.util.Map.of()), 400, "(body)", "must be a JSON object");
        assertThat(api.send("POST", "/services", "{}", java.util.Map.of("Content-Type", "text/plain"))
                        .statusCode())
                .isEqualTo(415);
        assertProblem(
                api.send("PUT", "/services/known", "{\"url\":\"http://h/mcp\"}", java.util.Map.of("If-Match", "soon")),
                400,
                "If-Match",
                "must be a revision number");
        assertProblem(api.post("/config/rollback/zero", null), 400, "revision", "must be a revision number");
        assertProblem(api.post("/tools/call", new JsonObject()), 400, "name", "is required");
        assertProblem(
                api.post("/tools/call", new JsonObject().put("name", "x").put("arguments", 3)),
                400,
                "arguments",
                "must be an object");
        assertProblem(api.post("/tools/batch", new JsonObject().put("calls", 1)), 400, "calls", "must be a list");
        assertProblem(api.get("/config/export?format=toml"), 400, "format", "must be yaml, json or mcpServers");
        assertProblem(api.get("/config/revisions?limit=many"), 400, "limit", "must be a whole number");
        assertProblem(api.send("POST", "/services/known", "{}", java.util.Map.of()), 404, null, null);
    }

    @Test
    void missingThingsAre404() {
        assertProblem(api.get("/services/ghost"), 404, null, null);
        assertProblem(api.delete("/services/ghost"), 404, null, null);
        assertProblem(api.get("/apps/ghost"), 404, null, null);
        assertProblem(api.get("/config/revisions/999"), 404, null, null);
        assertProblem(api.post("/config/rollback/999", null), 404, null, null);
        assertProblem(api.post("/tools/call", new JsonObject().put("name", "ghost__tool")), 404, null, null);
        assertProblem(api.get("/tools?app=ghost"), 404, null, null);
    }

    /** A query string Vert.x Web cannot decode is the client's fault: 400, not an internal error. */
    @Test
    void anUndecodableQueryStringIs400() {
        int port = java.net.URI.create(gateway.url()).getPort();
        io.mcpstore.RawHttp.Response response = io.mcpstore.RawHttp.exchange(
                port,
                "GET /api/v1/config/revisions?limit=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.head()).containsIgnoringCase("application/problem+json");
        assertThat(new JsonObject(response.body()).getInteger("status")).isEqualTo(400);
    }

    static void assertProblem(HttpResponse<String> response, int status, String field, String rule) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
        if (field != null) assertThat(problem.getString("field")).isEqualTo(field);
        if (rule != null) assertThat(problem.getString("rule")).contains(rule);
    }
}
