package io.mcpstore.admin;

import static io.mcpstore.admin.AdminValidationTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change through the admin API must come with a JSON or YAML content type: a browser sends {@code text/plain},
 * {@code application/x-www-form-urlencoded} and {@code multipart/form-data} (or a body with no type) cross-site
 * without a CORS preflight, so those are refused with 415 before anything changes.
 */
@Timeout(60)
class AdminContentTypeTest {
    private static final String CSRF = "services:\n  csrf: {url: \"http://127.0.0.1:9/mcp\", enabled: false}\n";
    private static final String IMPORT = "services:\n  added: {url: \"http://127.0.0.1:9/mcp\", enabled: false}\n";

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(new JsonObject()
                .put(
                        "services",
                        new JsonObject()
                                .put(
                                        "known",
                                        new JsonObject()
                                                .put("url", "http://127.0.0.1:9/mcp")
                                                .put("enabled", false))));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    /** A request as a browser form or a no-preflight fetch would send it: {@code type} null sends no Content-Type. */
    private static HttpResponse<String> send(String method, String path, String type, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) b.header("Content-Type", type);
        return gateway.send(b.build());
    }

    private static long revision() {
        return Api.json(gateway.get("/api/v1/config")).getLong("revision");
    }

    static Stream<Arguments> refused() {
        String service = "{\"name\": \"csrf\", \"url\": \"http://127.0.0.1:9/mcp\"}";
        return Stream.of(
                Arguments.of("POST", "/config/import", "text/plain", CSRF),
                Arguments.of("POST", "/config/import", "text/plain;charset=UTF-8", "{\"services\": {}}"),
                Arguments.of("POST", "/config/import", null, CSRF),
                Arguments.of("POST", "/config/import", "application/x-www-form-urlencoded", "services=x"),
                Arguments.of("POST", "/config/import", "multipart/form-data; boundary=x", CSRF),
                Arguments.of("POST", "/services", null, service),
                Arguments.of("POST", "/services", "text/plain", service),
                Arguments.of("PUT", "/services/known", "text/plain", "{\"url\": \"http://127.0.0.1:8/mcp\"}"),
                Arguments.of("DELETE", "/services/known", "text/plain", "{}"),
                Arguments.of("POST", "/apps", "application/x-www-form-urlencoded", "name=a"),
                // Empty bodies too: a form with no fields still says what it is.
                Arguments.of("POST", "/services/known/stop", "text/plain", ""),
                Arguments.of("POST", "/config/rollback/1", "application/x-www-form-urlencoded", ""),
                Arguments.of("POST", "/tools/call", "text/plain", "{\"name\": \"known__x\"}"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aChangeWithoutAJsonOrYamlTypeIs415AndChangesNothing(String method, String path, String type, String body) {
        long before = revision();
        HttpResponse<String> response = send(method, path, type, body);
        assertProblem(response, 415, null, null);
        assertThat(Api.json(response).getString("detail")).contains("application/json", "application/yaml");
        assertThat(revision()).isEqualTo(before);
        assertThat(Api.json(gateway.get("/api/v1/config"))
                        .getJsonObject("document")
                        .encode())
                .doesNotContain("csrf");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void jsonAndYamlTypesAreAccepted(String type, String body) {
        HttpResponse<String> response = send("POST", "/config/import?mode=merge", type, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("application/yaml", IMPORT),
                Arguments.of("application/x-yaml", IMPORT),
                Arguments.of("text/yaml; charset=utf-8", IMPORT),
                Arguments.of("Application/JSON; charset=UTF-8", "{\"services\": {}}"));
    }

    @Test
    void aChangeWithNoBodyNeedsNoType() {
        // What `curl -X POST …/rollback/1` and `mcpstore config rollback` send.
        HttpResponse<String> response = send("POST", "/config/rollback/1", null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        HttpResponse<String> stop = send("POST", "/services/known/stop", null, null);
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
    }

    @Test
    void readsNeedNoType() {
        assertThat(send("GET", "/services", "text/plain", null).statusCode()).isEqualTo(200);
    }
}
