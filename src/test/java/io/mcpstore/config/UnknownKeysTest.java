package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A key the gateway does not know is an error naming it and the key meant, wherever it is written. */
@Timeout(30)
class UnknownKeysTest {
    @TempDir
    Path dir;

    Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{'servces': {}}                                              | servces                | services",
                "{'http': {'prot': 9000}}                                     | http.prot              | port",
                "{'http': {'requestTimeoutMS': 1000}}                         | http.requestTimeoutMS  | requestTimeoutMs",
                "{'naming': {'mdoe': 'never'}}                                | naming.mdoe            | mode",
                "{'catalog': {'pageSzie': 10}}                                | catalog.pageSzie       | pageSize",
                "{'sessions': {'maxx': 10}}                                   | sessions.maxx          | max",
                "{'services': {'a': {'command': 'x', 'timout': 5}}}           | services.a.timout      | timeoutMs",
                "{'services': {'a': {'command': 'x', 'enabeld': false}}}      | services.a.enabeld     | enabled",
                "{'services': {'a': {'command': 'x'}}, 'apps': {'r': {'prefx': '/r', 'services': ['a']}}} | apps.r.prefx | prefix",
            })
    void aTypoNamesTheKeyAndTheKeyMeant(String json, String key, String meant) {
        assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject(json.replace('\'', '"'))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(key + ": unknown key; did you mean '" + meant + "'?");
    }

    @Test
    void aKeyFarFromAnyListsTheKnownOnes() {
        assertThatThrownBy(() -> GatewayConfig.fromJson(
                        new JsonObject("{\"services\": {\"a\": {\"command\": \"x\", \"description\": \"y\"}}}")))
                .hasMessageStartingWith("services.a.description: unknown key (known keys: transport, type, command");
    }

    @Test
    void theStoreSectionIsCheckedToo() {
        assertThatThrownBy(() -> StoreSettings.fromJson(new JsonObject().put("tpye", "memory"), null))
                .hasMessage("store.tpye: unknown key; did you mean 'type'?");
    }

    @Test
    void theKeysOfEveryBranchOfIssue9AreKnown() {
        JsonObject json = new JsonObject("""
                {"http": {"requestTimeoutMs": 30000, "idleTimeoutMs": 60000},
                 "sessions": {"idleTimeoutMs": 1800000, "max": 1000},
                 "services": {"a": {"command": "x", "maxMessageBytes": 1048576, "inheritEnv": true,
                                    "roots": [{"uri": "file:///tmp", "name": "tmp"}]}}}
                """);
        assertThatCode(() -> GatewayConfig.fromJson(json)).doesNotThrowAnyException();
    }

    @Test
    void anEnvironmentVariableForAnUnknownKeyIsNamed() {
        JsonObject env = new JsonObject().put("MCPSTORE_HTTP_PROT", "9000");
        assertThatThrownBy(() -> ConfigLoader.overlay(new JsonObject(), env, "MCPSTORE_", "_"))
                .hasMessage("Config error in environment variable MCPSTORE_HTTP_PROT: http.prot: unknown key;"
                        + " did you mean 'port'?");
        JsonObject section = new JsonObject().put("MCPSTORE_HTPP_PORT", "9000");
        assertThatThrownBy(() -> ConfigLoader.overlay(new JsonObject(), section, "MCPSTORE_", "_"))
                .hasMessageContaining("MCPSTORE_HTPP_PORT")
                .hasMessageContaining("did you mean 'http'?");
    }

    @Test
    void variablesTheCodeReadsItselfAreNotConfigKeys() {
        JsonObject env = new JsonObject()
                .put("MCPSTORE_SECRET_KEY", "k")
                .put("MCPSTORE_LOG_LEVEL", "debug")
                .put("MCPSTORE_URL", "http://127.0.0.1:8080")
                .put("MCPSTORE_FOO", "1")
                .put("MCPSTORE_HTTP_REQUESTTIMEOUTMS", "5000");
        JsonObject config = ConfigLoader.overlay(new JsonObject(), env, "MCPSTORE_", "_");
        assertThat(config).isEqualTo(new JsonObject().put("http", new JsonObject().put("requestTimeoutMs", 5000)));
        JsonObject props = new JsonObject()
                .put("mcpstore.secretKey", "k")
                .put("mcpstore.nativeTransport", "false")
                .put("mcpstore.node.dir", "/x");
        assertThat(ConfigLoader.overlay(new JsonObject(), props, "mcpstore.", "\\."))
                .isEmpty();
    }

    @Test
    void aClaudeDesktopOrCursorFileIsReadAsTheServices() throws Exception {
        Path file = dir.resolve("claude_desktop_config.json");
        Files.writeString(file, """
                {"mcpServers": {
                  "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]},
                  "remote": {"type": "http", "url": "http://127.0.0.1:3001/mcp"},
                  "off": {"command": "x", "disabled": true}}}
                """);
        GatewayConfig config =
                ConfigLoader.validate(ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS), file.toString());
        assertThat(config.services()).containsOnlyKeys("fs", "remote", "off");
        assertThat(config.services().get("fs").args())
                .containsExactly("-y", "@modelcontextprotocol/server-filesystem", "/tmp");
        assertThat(config.services().get("remote").transport()).isEqualTo(ServiceConfig.Transport.STREAMABLE_HTTP);
        assertThat(config.services().get("off").enabled()).isFalse();
        // The client's file is not rewritten in our shape by the first API change: revisions stay in memory.
        assertThat(ConfigLoader.storeSettings(new JsonObject(), file, true).type())
                .isEqualTo("memory");
        Path ours = dir.resolve("ours.yaml");
        Files.writeString(ours, "services: {}\n");
        assertThat(ConfigLoader.storeSettings(new JsonObject(), ours, true).type())
                .isEqualTo("file");
    }

    @Test
    void aVsCodeFileIsReadAsTheServices() throws Exception {
        Path file = dir.resolve("mcp.json");
        Files.writeString(file, """
                {"servers": {
                  "local": {"type": "stdio", "command": "node", "args": ["server.js"]},
                  "legacy": {"type": "sse", "url": "http://127.0.0.1:3002/events"}},
                 "inputs": []}
                """);
        GatewayConfig config =
                ConfigLoader.validate(ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS), file.toString());
        assertThat(config.services()).containsOnlyKeys("local", "legacy");
        assertThat(config.services().get("local").transport()).isEqualTo(ServiceConfig.Transport.STDIO);
        assertThat(config.services().get("legacy").transport()).isEqualTo(ServiceConfig.Transport.SSE);
    }

    @Test
    void aTypoInAFileNamesTheFile() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "services:\n  a: {command: x, enabeld: false}\n");
        JsonObject json = ConfigLoader.load(vertx, file).await(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> ConfigLoader.validate(json, file.toString()))
                .hasMessage("Config error in " + file + ": services.a.enabeld: unknown key; did you mean 'enabled'?");
    }
}
