package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {

    /** Each rule, the key it names and words of its message. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"services\":{\"a\":{}}}|services.a|needs 'command'",
                "{\"services\":{\"a\":{\"command\":\"x\",\"url\":\"http://h/mcp\"}}}|services.a|not both",
                "{\"services\":{\"a\":{\"url\":\"http://h/mcp\",\"transport\":\"carrier-pigeon\"}}}|services.a.transport|unknown transport",
                "{\"services\":{\"a\":{\"command\":\"x\",\"args\":\"not-a-list\"}}}|services.a.args|list of strings",
                "{\"services\":{\"a\":{\"command\":\"x\",\"env\":[1]}}}|services.a.env|map of strings",
                "{\"services\":{\"a\":{\"command\":\"x\",\"timeoutMs\":0}}}|services.a.timeoutMs|greater than 0",
                "{\"services\":{\"a\":{\"command\":\"x\",\"timeoutMs\":\"soon\"}}}|services.a.timeoutMs|whole number",
                "{\"services\":{\"bad name!\":{\"command\":\"x\"}}}|services.bad name!|service name",
                "{\"services\":{\"a\":{\"command\":\"x\",\"roots\":\"file:///w\"}}}|services.a.roots|list of {uri, name?}",
                "{\"services\":{\"a\":{\"command\":\"x\",\"roots\":[\"file:///w\"]}}}|services.a.roots[0]|must be {uri, name?}",
                "{\"services\":{\"a\":{\"command\":\"x\",\"roots\":[{\"name\":\"w\"}]}}}|services.a.roots[0].uri|is required",
                "{\"services\":{\"a\":{\"command\":\"x\",\"roots\":[{\"uri\":\"work/dir\"}]}}}|services.a.roots[0].uri|must be a URI",
                "{\"services\":{\"a\":{\"command\":\"x\",\"roots\":[{\"uri\":\"file:///a b\"}]}}}|services.a.roots[0].uri|not a valid URI",
                "{\"http\":{\"port\":70000}}|http.port|between 0 and 65535",
                "{\"naming\":{\"mode\":\"sometimes\"}}|naming.mode|unknown mode",
                "{\"naming\":{\"separator\":\"\"}}|naming.separator|1-8 characters",
                "{\"apps\":{\"r\":{\"prefix\":\"/r\",\"services\":[\"ghost\"]}}}|apps.r.services[0]|not a service",
                "{\"apps\":{\"r\":{\"prefix\":\"/mcp\",\"services\":[]}}}|apps.r.prefix|reserved",
                "{\"apps\":{\"r\":{\"prefix\":\"no-slash\",\"services\":[]}}}|apps.r.prefix|must look like",
            })
    void everyRuleNamesItsKey(String json, String key, String words) {
        assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject(json)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .hasMessageContaining(words);
    }

    /** {@code sessions}: each bad value names its key. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"sessions\":{\"idleTimeoutMs\":-1}}|sessions.idleTimeoutMs|between 0 and",
                "{\"sessions\":{\"idleTimeoutMs\":\"soon\"}}|sessions.idleTimeoutMs|whole number",
                "{\"sessions\":{\"idleTimeoutMs\":1.5}}|sessions.idleTimeoutMs|whole number",
                "{\"sessions\":{\"max\":-5}}|sessions.max|between 1 and",
                "{\"sessions\":{\"max\":0}}|sessions.max|between 1 and",
                "{\"sessions\":{\"max\":true}}|sessions.max|whole number",
                "{\"sessions\":[]}|sessions|must be a map",
            })
    void sessionLimitsNameTheirKey(String json, String key, String words) {
        everyRuleNamesItsKey(json, key, words);
    }

    @Test
    void sessionLimitsHaveDefaultsAndReadBack() {
        GatewayConfig defaults = GatewayConfig.fromJson(new JsonObject());
        assertThat(defaults.sessions()).isEqualTo(new GatewayConfig.Sessions(1_800_000, 100_000));
        GatewayConfig set =
                GatewayConfig.fromJson(new JsonObject("{\"sessions\":{\"idleTimeoutMs\":\"0\",\"max\":3}}"));
        assertThat(set.sessions()).isEqualTo(new GatewayConfig.Sessions(0, 3));
        assertThat(GatewayConfig.fromJson(set.toJson())).isEqualTo(set);
    }

    @Test
    void twoAppsCannotShareAPrefix() {
        JsonObject json = new JsonObject(
                "{\"services\":{\"a\":{\"command\":\"x\"}},\"apps\":{\"one\":{\"prefix\":\"/p\",\"services\":[\"a\"]},"
                        + "\"two\":{\"prefix\":\"/p\",\"services\":[\"a\"]}}}");
        assertThatThrownBy(() -> GatewayConfig.fromJson(json))
                .hasMessageContaining("apps.two.prefix")
                .hasMessageContaining("already used by app 'one'");
    }

    @Test
    void mcpServersEntriesArePastedAsTheyAre() {
        // The shape desktop MCP clients write, including their "type" spelling.
        JsonObject json = new JsonObject(
                "{\"services\":{\"fs\":{\"command\":\"npx\",\"args\":[\"-y\",\"pkg\"],\"env\":{\"K\":\"v\"}},"
                        + "\"web\":{\"type\":\"http\",\"url\":\"https://example.com/mcp\"},"
                        + "\"old\":{\"url\":\"http://127.0.0.1:9/sse\"}}}");
        GatewayConfig config = GatewayConfig.fromJson(json);
        assertThat(config.services().get("fs").transport()).isEqualTo(ServiceConfig.Transport.STDIO);
        assertThat(config.services().get("web").transport()).isEqualTo(ServiceConfig.Transport.STREAMABLE_HTTP);
        assertThat(config.services().get("old").transport()).isEqualTo(ServiceConfig.Transport.SSE);
    }

    @Test
    void theCanonicalFormReadsBackTheSame() {
        JsonObject json =
                new JsonObject("{\"http\":{\"port\":0},\"services\":{\"a\":{\"command\":\"x\",\"args\":[\"1\"],"
                        + "\"roots\":[{\"uri\":\"file:///work\",\"name\":\"work\"},{\"uri\":\"file:///tmp\"}]},"
                        + "\"b\":{\"url\":\"http://127.0.0.1:1/mcp\",\"headers\":{\"H\":\"v\"}}},"
                        + "\"apps\":{\"r\":{\"prefix\":\"/r\",\"services\":[\"b\"]}}}");
        GatewayConfig config = GatewayConfig.fromJson(json);
        assertThat(GatewayConfig.fromJson(config.toJson())).isEqualTo(config);
    }

    @Test
    void placeholdersResolveFromTheEnvironment() {
        assertThat(Placeholders.resolve("Bearer ${env:TOKEN}", k -> k.equals("TOKEN") ? "s3cret" : null))
                .isEqualTo("Bearer s3cret");
        assertThat(Placeholders.resolve("${env:MISSING:-fallback}", k -> null)).isEqualTo("fallback");
        assertThatThrownBy(() -> Placeholders.resolve("${env:MISSING}", k -> null))
                .hasMessageContaining("MISSING is not set");
    }
}
