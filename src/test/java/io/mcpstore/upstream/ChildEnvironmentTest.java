package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stdio child sees of the gateway's environment: a gateway process started with a secret in its environment,
 * and a fixture child per service that answers with its own environment.
 */
@Timeout(120)
class ChildEnvironmentTest {
    private static final String CANARY = "GATEWAY_CANARY_SECRET";

    @TempDir
    Path dir;

    private Process gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) gateway.destroyForcibly();
        }
    }

    @Test
    void aChildGetsAMinimalEnvironmentPlusItsOwnUnlessItAsksToInherit() throws Exception {
        String classpath = System.getProperty("java.class.path");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                services:
                  minimal:
                    command: %1$s
                    args: ["-cp", "%2$s", "io.mcpstore.fixture.FixtureServer", "stdio"]
                    env: {OWN_SETTING: own, PASSED_ON_PURPOSE: "${env:%3$s}"}
                  inherited:
                    command: %1$s
                    args: ["-cp", "%2$s", "io.mcpstore.fixture.FixtureServer", "stdio"]
                    inheritEnv: true
                """.formatted(Upstreams.JAVA, classpath, CANARY));
        ProcessBuilder builder = new ProcessBuilder(
                        Upstreams.JAVA,
                        "-cp",
                        classpath,
                        "io.mcpstore.Main",
                        "--config",
                        config.toString(),
                        "--port",
                        "0")
                .redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().put(CANARY, "s3cr3t");
        gateway = builder.start();
        String line =
                new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the gateway's first line").startsWith("MCPStore listening on ");
        String url = line.substring("MCPStore listening on ".length());

        JsonObject minimal = environment(url, "minimal__env");
        JsonObject inherited = environment(url, "inherited__env");

        assertThat(minimal.fieldNames()).doesNotContain(CANARY).contains("PATH");
        assertThat(minimal.getString("OWN_SETTING")).isEqualTo("own");
        assertThat(minimal.getString("PASSED_ON_PURPOSE")).isEqualTo("s3cr3t");
        assertThat(inherited.getString(CANARY)).isEqualTo("s3cr3t");
    }

    /** Calls the fixture's {@code env} tool through the admin API, once the service is up. */
    private static JsonObject environment(String url, String tool) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/tools/call"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("name", tool).encode()))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                return new JsonObject(answer.body())
                        .getJsonObject("structuredContent")
                        .getJsonObject("env");
            }
            // 404/503 while the service is still starting
            assertThat(List.of(404, 503)).as(answer.body()).contains(answer.statusCode());
            assertThat(System.nanoTime()).as("the tool answers in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
