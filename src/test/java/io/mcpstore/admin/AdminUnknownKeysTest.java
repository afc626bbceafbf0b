package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the admin API is sent obeys the file's rule: a key it does not know is a 400 naming it and the key meant. */
@Timeout(120)
class AdminUnknownKeysTest {
    static TestGateway gateway;
    static Api api;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(new JsonObject().put("services", new JsonObject()));
        api = new Api(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static void assertProblem(HttpResponse<String> response, String field, String meant) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject problem = Api.json(response);
        assertThat(problem.encode()).contains(field).contains("did you mean '" + meant + "'?");
    }

    @Test
    void aServiceWithATypoIsRefused() {
        JsonObject entry =
                new JsonObject().put("name", "a").put("command", "echo").put("timout", 5);
        assertProblem(api.post("/services", entry), "services.a.timout", "timeoutMs");
        assertThat(api.get("/services/a").statusCode()).isEqualTo(404);
        assertProblem(
                api.put("/services/a", new JsonObject().put("command", "echo").put("enabeld", false)),
                "services.a.enabeld",
                "enabled");
    }

    @Test
    void anAppWithATypoIsRefused() {
        assertProblem(
                api.post(
                        "/apps",
                        new JsonObject()
                                .put("name", "r")
                                .put("prefx", "/r")
                                .put("services", new io.vertx.core.json.JsonArray())),
                "apps.r.prefx",
                "prefix");
    }

    @Test
    void anImportWithATypoIsRefused() {
        HttpResponse<String> top = api.send(
                "POST",
                "/config/import",
                "servces:\n  a: {command: echo}\n",
                Map.of("Content-Type", "application/yaml"));
        assertProblem(top, "servces", "services");
        HttpResponse<String> nested = api.send(
                "POST", "/config/import", "naming: {mdoe: never}\n", Map.of("Content-Type", "application/yaml"));
        assertProblem(nested, "naming.mdoe", "mode");
    }

    @Test
    void aVsCodeFileImportsAsTheServices() {
        JsonObject vscode = new JsonObject()
                .put(
                        "servers",
                        new JsonObject()
                                .put(
                                        "vs",
                                        Upstreams.fixtureStdio("--name", "vs").put("type", "stdio")));
        HttpResponse<String> imported = api.send("POST", "/config/import", vscode.encode(), Map.of());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        gateway.awaitState("vs", Duration.ofSeconds(30), "ready");
        assertThat(api.delete("/services/vs").statusCode()).isEqualTo(200);
    }
}
