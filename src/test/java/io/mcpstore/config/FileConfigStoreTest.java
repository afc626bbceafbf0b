package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file store: API writes land in the YAML file, hand edits are picked up or refused, history survives a restart. */
@Timeout(120)
class FileConfigStoreTest {
    @TempDir
    Path dir;

    private TestGateway start(Path file) throws Exception {
        JsonObject json = ConfigDocument.parseYaml(Files.readString(file));
        return TestGateway.start(json, StoreSettings.fromJson(json.getJsonObject("store"), file.toString()));
    }

    private static JsonObject get(TestGateway gateway, String path) {
        return new JsonObject(gateway.get("/api/v1" + path).body());
    }

    @Test
    void apiWritesHandEditsAndRestarts() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(
                file,
                "# hand-written\nhttp: {port: 0}\nservices:\n  fx: "
                        + Upstreams.fixtureStdio("--name", "fx").encode() + "\n");
        try (TestGateway gateway = start(file)) {
            gateway.awaitReady(Duration.ofSeconds(45));
            assertThat(get(gateway, "/store").getString("type")).isEqualTo("file");

            // An API write: the file is replaced, and still says everything it said.
            JsonObject fy = Upstreams.fixtureStdio("--name", "fy").put("name", "fy");
            assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/services"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(fy.encode()))
                                    .build())
                            .statusCode())
                    .isEqualTo(201);
            JsonObject written = ConfigDocument.parseYaml(Files.readString(file));
            assertThat(written.getJsonObject("services").fieldNames()).containsExactly("fx", "fy");
            assertThat(written.getJsonObject("http").getInteger("port")).isZero();
            gateway.awaitState("fy", Duration.ofSeconds(30), "ready");

            // A bad hand edit is refused: the last good config stays in force.
            String good = Files.readString(file);
            Files.writeString(file, good.replace("pageSize: " + GatewayConfig.DEFAULT_PAGE_SIZE, "pageSize: -1"));
            assertThat(gateway.state("fy")).isEqualTo("ready");

            // A good hand edit becomes a revision: fy goes, its process ends.
            JsonObject edited = ConfigDocument.parseYaml(good);
            edited.getJsonObject("services").remove("fy");
            Files.writeString(file, ConfigDocument.toYaml(edited));
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.state("fy") == null);
            JsonObject revisions = get(gateway, "/config/revisions");
            assertThat(revisions.getJsonArray("revisions").getJsonObject(0).getString("summary"))
                    .isEqualTo("edited by hand");
            // The refused edit never became a revision: no revision has the bad page size.
            for (long n = 1; n <= revisions.getLong("current"); n++) {
                assertThat(get(gateway, "/config/revisions/" + n)
                                .getJsonObject("document")
                                .getJsonObject("catalog")
                                .getInteger("pageSize"))
                        .isEqualTo(GatewayConfig.DEFAULT_PAGE_SIZE);
            }
        }
        // History is kept beside the file: a restarted gateway lists it and can roll back.
        try (TestGateway gateway = start(file)) {
            assertThat(get(gateway, "/config/revisions")
                            .getJsonArray("revisions")
                            .size())
                    .isGreaterThanOrEqualTo(3);
            assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/config/rollback/2"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(ConfigDocument.parseYaml(Files.readString(file))
                            .getJsonObject("services")
                            .fieldNames())
                    .containsExactly("fx", "fy");
        }
    }
}
