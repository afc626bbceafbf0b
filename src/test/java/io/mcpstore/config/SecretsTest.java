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
}
