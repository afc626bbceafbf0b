package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With a secret key configured, literal secrets are stored encrypted and decrypted only when the upstream starts. */
@Timeout(90)
class SecretBoxTest {
    @TempDir
    Path dir;

    @AfterEach
    void noKey() {
        System.clearProperty("mcpstore.secretKey");
    }

    @Test
    void sealedValuesOpenOnlyWithTheirKey() {
        System.setProperty("mcpstore.secretKey", "correct horse");
        String sealed = SecretBox.current().seal("s3cret");
        assertThat(sealed).startsWith("${enc:").doesNotContain("s3cret");
        assertThat(SecretBox.current().seal("${env:TOKEN}")).isEqualTo("${env:TOKEN}");
        assertThat(Placeholders.resolve("Bearer " + sealed)).isEqualTo("Bearer s3cret");
        System.setProperty("mcpstore.secretKey", "wrong horse");
        assertThatThrownBy(() -> Placeholders.resolve(sealed))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be decrypted");
        System.clearProperty("mcpstore.secretKey");
        assertThatThrownBy(() -> Placeholders.resolve(sealed)).hasMessageContaining("needs MCPSTORE_SECRET_KEY");
    }

    @Test
    void aSecretWrittenThroughTheApiIsStoredEncryptedAndTheUpstreamStillStarts() throws Exception {
        System.setProperty("mcpstore.secretKey", "correct horse");
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "services: {}\n");
        try (TestGateway gateway = TestGateway.start(new JsonObject(), StoreSettings.fromJson(null, file.toString()))) {
            JsonObject fy = Upstreams.fixtureStdio("--name", "fy")
                    .put("name", "fy")
                    .put("env", new JsonObject().put("FIXTURE_SECRET", "s3cret"));
            var added = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1/services"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(fy.encode()))
                    .build());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            gateway.awaitState("fy", Duration.ofSeconds(30), "ready");
            assertThat(Files.readString(file)).doesNotContain("s3cret").contains("${enc:");
            JsonObject stored = gateway.store()
                    .vertx()
                    .eventBus()
                    .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .body();
            String value = stored.getJsonObject("document")
                    .getJsonObject("services")
                    .getJsonObject("fy")
                    .getJsonObject("env")
                    .getString("FIXTURE_SECRET");
            assertThat(value).startsWith("${enc:");
            assertThat(Placeholders.resolve(value)).isEqualTo("s3cret");
        }
    }
}
