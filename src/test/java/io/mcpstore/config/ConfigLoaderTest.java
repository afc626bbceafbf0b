package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ConfigLoaderTest {
    @TempDir
    Path dir;

    Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("mcpstore.http.port");
        System.clearProperty("mcpstore.naming.mode");
        vertx.close().await();
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("mcpstore.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsTheIssueExampleShape() throws Exception {
        Path file = write("""
                http: {host: 127.0.0.1, port: 8080}
                naming: {mode: always, separator: "__"}
                services:
                  everything:
                    command: node
                    args: ["/path/to/server-everything/dist/index.js", "stdio"]
                    env: {SOME_KEY: value}
                  remote:
                    url: http://127.0.0.1:3001/mcp
                    headers: {Authorization: "Bearer ${env:REMOTE_TOKEN}"}
                    timeoutMs: 30000
                  legacy:
                    url: http://127.0.0.1:3002/sse
                    transport: sse
                apps:
                  research: {prefix: /research, services: [remote, legacy]}
                """);
        GatewayConfig config =
                ConfigLoader.validate(ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS), file.toString());

        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.services()).containsOnlyKeys("everything", "remote", "legacy");
        assertThat(config.services().get("everything").transport()).isEqualTo(ServiceConfig.Transport.STDIO);
        assertThat(config.services().get("everything").env()).containsEntry("SOME_KEY", "value");
        assertThat(config.services().get("remote").transport()).isEqualTo(ServiceConfig.Transport.STREAMABLE_HTTP);
        // The reference is kept as written: it is resolved only when the upstream starts.
        assertThat(config.services().get("remote").headers())
                .containsEntry("Authorization", "Bearer ${env:REMOTE_TOKEN}");
        assertThat(config.services().get("remote").timeoutMs()).isEqualTo(30000);
        assertThat(config.services().get("legacy").transport()).isEqualTo(ServiceConfig.Transport.SSE);
        assertThat(config.apps().get("research").prefix()).isEqualTo("/research");
        assertThat(config.apps().get("research").services()).containsExactly("remote", "legacy");
    }

    @Test
    void systemPropertiesOverrideTheFile() throws Exception {
        Path file = write("http: {port: 8080}\nnaming: {mode: always}\n");
        System.setProperty("mcpstore.http.port", "9123");
        System.setProperty("mcpstore.naming.mode", "never");
        GatewayConfig config =
                ConfigLoader.validate(ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS), file.toString());
        assertThat(config.http().port()).isEqualTo(9123);
        assertThat(config.naming().mode()).isEqualTo(GatewayConfig.Naming.Mode.NEVER);
    }

    @Test
    void environmentVariablesMapOntoNestedKeys() {
        JsonObject config = new JsonObject().put("http", new JsonObject().put("maxBodyBytes", 1));
        JsonObject env = new JsonObject()
                .put("MCPSTORE_HTTP_PORT", "9001")
                .put("MCPSTORE_HTTP_MAXBODYBYTES", "2048")
                .put("PATH", "/usr/bin");
        ConfigLoader.overlay(config, env, "MCPSTORE_", "_");
        assertThat(config.getJsonObject("http").getValue("port")).isEqualTo(9001);
        assertThat(config.getJsonObject("http").getValue("maxBodyBytes")).isEqualTo(2048);
        assertThat(config.containsKey("PATH")).isFalse();
    }

    @Test
    void aBadValueNamesTheFileTheKeyAndTheRule() throws Exception {
        Path file = write("services:\n  remote:\n    url: ftp://example.com/mcp\n");
        JsonObject json = ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> ConfigLoader.validate(json, file.toString()))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("services.remote.url")
                .hasMessageContaining("http:// or https://");
    }

    @Test
    void brokenYamlNamesTheFile() throws Exception {
        Path file = write("services: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS))
                .hasMessageContaining("Config error in " + file);
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void theEmbeddedDefaultConfigIsValid() throws Exception {
        JsonObject json =
                ConfigLoader.load(vertx, Path.of("conf/mcpstore.yaml")).await(10, TimeUnit.SECONDS);
        GatewayConfig config = ConfigLoader.validate(json, "conf/mcpstore.yaml");
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.services()).containsKey("demo");
    }
}
