package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A hand edit of the file store that is refused shows where an operator looks, not only in the log. */
@Timeout(120)
class RefusedEditTest {
    @TempDir
    Path dir;

    private static JsonObject store(TestGateway gateway) {
        return new JsonObject(gateway.get("/api/v1/store").body());
    }

    @Test
    void aRefusedEditShowsInTheStoreStatusAndReadinessWithItsPlace() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "services: {}\n");
        try (TestGateway gateway = TestGateway.start(
                new JsonObject().put("services", new JsonObject()), StoreSettings.fromJson(null, file.toString()))) {
            assertThat(store(gateway).containsKey("refused")).isFalse();

            // Broken YAML: the line and column of the problem.
            Files.writeString(file, "naming:\n  mode: always\n   separator: x\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> store(gateway).containsKey("refused"));
            assertThat(store(gateway).getString("refused"))
                    .contains(file.toString())
                    .containsPattern("line 3, column \\d+")
                    .contains("revision 1 stays in force");
            assertThat(gateway.ready().getJsonObject("store").getString("refused"))
                    .isEqualTo(store(gateway).getString("refused"));

            // Valid YAML, invalid config: the key.
            Files.writeString(file, "naming: {mode: sometimes}\n");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> store(gateway).getString("refused", "").contains("naming.mode"));

            // Fixed: the refusal is gone, the edit is a revision.
            Files.writeString(file, "naming: {mode: never}\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> !store(gateway).containsKey("refused"));
            assertThat(store(gateway).getLong("revision")).isEqualTo(2);
        }
    }
}
