package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code chat} config section: validated with errors naming the key, set from the environment like any section,
 * and its API key never in what the API shows of the config (nor in an export without a secret key).
 */
@Timeout(30)
class ChatSettingsTest {
    static final String KEY = "sk-never-shown-1234";

    @Test
    void aMisspelledOrBadKeyIsNamed() {
        assertThatThrownBy(() ->
                        GatewayConfig.fromJson(new JsonObject().put("chat", new JsonObject().put("modle", "m"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("chat.modle: unknown key; did you mean 'model'?");
        assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("caht", new JsonObject())))
                .hasMessage("caht: unknown key; did you mean 'chat'?");
        assertThatThrownBy(() -> ChatSettings.fromJson(new JsonObject().put("baseUrl", "file:///etc/passwd")))
                .hasMessageStartingWith("chat.baseUrl: must be an http:// or https:// URL");
        assertThatThrownBy(() -> ChatSettings.fromJson(new JsonObject().put("baseUrl", "https://u:p@example.com/v1")))
                .hasMessageStartingWith("chat.baseUrl: must carry no user info");
        assertThatThrownBy(() -> ChatSettings.fromJson(new JsonObject().put("maxRounds", 0)))
                .hasMessage("chat.maxRounds: must be between 1 and 32, got 0");
        assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("chat", "on")))
                .hasMessage("chat: must be a map");
    }

    @Test
    void theEnvironmentSetsTheSectionAndNamesAWrongKey() {
        JsonObject config = ConfigLoader.overlay(
                new JsonObject(),
                new JsonObject()
                        .put("MCPSTORE_CHAT_BASEURL", "http://127.0.0.1:11434/v1")
                        .put("MCPSTORE_CHAT_MODEL", "llama3")
                        .put("MCPSTORE_CHAT_APIKEY", KEY),
                "MCPSTORE_",
                "_");
        ChatSettings chat = GatewayConfig.fromJson(config).chat();
        assertThat(chat.baseUrl()).isEqualTo("http://127.0.0.1:11434/v1"); // loopback is allowed: a local model
        assertThat(chat.model()).isEqualTo("llama3");
        assertThat(chat.resolvedApiKey()).isEqualTo(KEY);
        assertThatThrownBy(() -> ConfigLoader.overlay(
                        new JsonObject(), new JsonObject().put("MCPSTORE_CHAT_MODLE", "x"), "MCPSTORE_", "_"))
                .hasMessageContaining("chat.modle: unknown key; did you mean 'model'?");
    }

    @Test
    void theKeyIsNeverInTheShownOrExportedDocumentAndAReferenceStaysAsWritten() {
        JsonObject doc = ConfigDocument.of(new JsonObject()
                .put(
                        "chat",
                        new JsonObject()
                                .put("baseUrl", "https://example.com/v1")
                                .put("model", "m")
                                .put("apiKey", KEY)));
        assertThat(doc.getJsonObject("chat").getString("apiKey")).isEqualTo(KEY); // the store keeps it
        assertThat(ConfigDocument.redactDocument(doc).encode())
                .doesNotContain(KEY)
                .contains("\"apiKey\":\"***\"");
        if (SecretBox.current() == null) {
            assertThat(ConfigDocument.exportDocument(doc).encode()).doesNotContain(KEY);
        }
        assertThat(doc.getJsonObject("chat").getString("apiKey"))
                .as("redaction copies")
                .isEqualTo(KEY);
        assertThat(GatewayConfig.fromJson(doc).chat().shown().encode())
                .doesNotContain(KEY)
                .contains("\"apiKeySet\":true");

        JsonObject ref = ConfigDocument.of(
                new JsonObject().put("chat", new JsonObject().put("apiKey", "${env:OPENAI_API_KEY}")));
        assertThat(ConfigDocument.redactDocument(ref).getJsonObject("chat").getString("apiKey"))
                .isEqualTo("${env:OPENAI_API_KEY}");
        // A config without the section keeps its canonical form: no empty chat section appears.
        assertThat(ConfigDocument.of(new JsonObject()).containsKey("chat")).isFalse();
    }
}
