package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule for which parts of a service entry are secrets, as the README states it, case by case. */
class SecretsTest {
    @AfterEach
    void noKey() {
        System.clearProperty("mcpstore.secretKey");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "http://user:pw@h:1/mcp?api_key=k&v=2#top | http://***@h:1/mcp?api_key=***&v=***#top",
                "https://TOKEN@h/mcp                        | https://***@h/mcp",
                "https://h/mcp?k=${env:KEY}&x=               | https://h/mcp?k=${env:KEY}&x=",
                "https://h/mcp?bare                          | https://h/mcp?***",
                "https://h/mcp                               | https://h/mcp",
                "http://${env:U}:${env:P}@h/mcp              | http://${env:U}:${env:P}@h/mcp",
            })
    void urls(String url, String shown) {
        assertThat(Secrets.redactUrl(url)).isEqualTo(shown);
    }

    @Test
    void args() {
        List<String> given = List.of(
                "--api-key=a1",
                "--x-token=a2",
                "GITHUB_TOKEN=a3",
                "--password",
                "a4",
                "--client-secret",
                "--verbose",
                "-p",
                "8080",
                "--keyboard=us",
                "--port=1",
                "postgresql://app:a5@db/x",
                "--auth=${env:AUTH}",
                "plain");
        JsonObject shown = Secrets.redact(new JsonObject().put("command", "x").put("args", new JsonArray(given)));
        assertThat(shown.getJsonArray("args"))
                .containsExactly(
                        "--api-key=***",
                        "--x-token=***",
                        "GITHUB_TOKEN=***",
                        "--password",
                        "***",
                        "--client-secret",
                        "--verbose",
                        "-p",
                        "8080",
                        "--keyboard=us",
                        "--port=1",
                        "postgresql://***@db/x",
                        "--auth=${env:AUTH}",
                        "plain");
    }

    @Test
    void aRedactedValueSentBackKeepsTheStoredOneOnlyWhenTheRestIsUnchanged() {
        System.setProperty("mcpstore.secretKey", "k1");
        JsonObject stored = Secrets.accept(new JsonObject().put("url", "http://u:pw@h/mcp?key=s"), null, "services.s");
        assertThat(stored.getString("url")).startsWith("http://${enc:").doesNotContain("pw", "=s");
        JsonObject back = Secrets.accept(Secrets.redact(stored), stored, "services.s");
        assertThat(back.getString("url")).isEqualTo(stored.getString("url"));
        assertThatThrownBy(() -> Secrets.accept(
                        new JsonObject().put("url", "http://***@elsewhere/mcp?key=***"), stored, "services.s"))
                .hasMessageStartingWith("services.s.url: has '***' in place of a secret but differs");
        assertThat(Placeholders.resolve(back.getString("url"))).isEqualTo("http://u:pw@h/mcp?key=s");
    }

    @Test
    void aRestServiceKeepsItsQueryKeysAndAuthSecret() {
        JsonObject entry = new JsonObject()
                .put("transport", "rest")
                .put("baseUrl", "https://api.example.com/v1?token=t0")
                .put("query", new JsonObject().put("api_key", "k1").put("ref", "${env:KEY}"))
                .put(
                        "auth",
                        new JsonObject()
                                .put("type", "basic")
                                .put("username", "u")
                                .put("password", "pw"));
        JsonObject shown = Secrets.redact(entry);
        assertThat(shown.getString("baseUrl")).isEqualTo("https://api.example.com/v1?token=***");
        assertThat(shown.getJsonObject("query").getString("api_key")).isEqualTo("***");
        assertThat(shown.getJsonObject("query").getString("ref")).isEqualTo("${env:KEY}");
        assertThat(shown.getJsonObject("auth").getString("password")).isEqualTo("***");
        assertThat(shown.getJsonObject("auth").getString("username")).isEqualTo("u");

        System.setProperty("mcpstore.secretKey", "k1");
        JsonObject stored = Secrets.accept(entry, null, "services.s");
        assertThat(stored.getJsonObject("query").getString("api_key")).startsWith("${enc:");
        assertThat(stored.getJsonObject("auth").getString("password")).startsWith("${enc:");
        JsonObject back = Secrets.accept(Secrets.redact(stored), stored, "services.s");
        assertThat(back).isEqualTo(stored);
        assertThat(Placeholders.resolve(back.getJsonObject("auth").getString("password")))
                .isEqualTo("pw");
        assertThatThrownBy(() -> Secrets.accept(
                        new JsonObject()
                                .put(
                                        "auth",
                                        new JsonObject().put("type", "bearer").put("token", "***")),
                        null,
                        "services.s"))
                .hasMessageStartingWith("services.s.auth.token: is '***' (redacted) but no value is stored");
    }
}
