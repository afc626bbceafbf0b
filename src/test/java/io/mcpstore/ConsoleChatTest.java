package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.StoreSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat lab page in a real headless Chromium, against a fake OpenAI-compatible model that streams and asks for
 * the fixture's echo tool: an admin sets the endpoint (the key field is write-only), starts a chat, types a message
 * and sends it from the keyboard; the answer shows while it is still streaming, the tool call and its result show
 * inline; after a gateway restart the chat is listed and opens again — on the file store and on PostgreSQL.
 */
@Timeout(240)
class ConsoleChatTest {
    static final Path SHOTS = ConsoleBrowserTest.SHOTS;
    static final Duration WITHIN = Duration.ofSeconds(45);
    static final String DOM = ConsoleBrowserTest.DOM;
    static final String PG = System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    static final String SCHEMA =
            "mcpstore_chatui_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String KEY = "sk-browser-" + UUID.randomUUID();

    @TempDir
    Path dir;

    FakeChatServer model;
    TestGateway gateway;

    @BeforeEach
    void startModel() {
        model = new FakeChatServer("fx__echo");
        model.holdFinal();
    }

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
        model.close();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn =
                    PgConnection.connect(vertx, PgConnectOptions.fromUri(PG)).await(10, TimeUnit.SECONDS);
            conn.query("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE").execute().await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static JsonObject services() {
        return Upstreams.services("fx", Upstreams.fixtureStdio("--name", "chat"));
    }

    @Test
    void onTheFileStoreAChatStreamsShowsItsToolCallAndIsThereAfterARestart() throws Exception {
        Path file = dir.resolve("mcpstore.yaml");
        Files.writeString(file, "services: {}\n");
        StoreSettings store = new StoreSettings("file", file.toString(), null, null);
        chat(
                store,
                ConsoleChatTest::services,
                () -> {
                    try {
                        return ConfigDocument.parseYaml(
                                Files.readString(file)); // as `serve --config FILE` starts again
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                "");
    }

    @Test
    void onPostgresAChatStreamsShowsItsToolCallAndIsThereAfterARestart() throws Exception {
        chat(
                new StoreSettings("postgres", null, PG, SCHEMA),
                ConsoleChatTest::services,
                ConsoleChatTest::services,
                "-postgres");
    }

    private void chat(StoreSettings store, Supplier<JsonObject> first, Supplier<JsonObject> again, String suffix)
            throws Exception {
        gateway = start(first.get(), store);
        try (ChromiumPage page = ChromiumPage.open(ConsoleBrowserTest.CHROMIUM, dir.resolve("profile" + suffix))) {
            page.navigate(gateway.url() + "/#/chat");
            page.await("document.querySelector('#view h2')?.textContent === 'Chat lab'", WITHIN, DOM);
            page.await("document.getElementById('chat-settings')", WITHIN, DOM);
            assertThat(page.eval("document.getElementById('chat-unset').textContent"))
                    .asString()
                    .contains("not set up");
            assertThat(page.eval("document.getElementById('chat-key').labels[0].textContent"))
                    .isEqualTo("API key");
            assertThat(page.eval("document.getElementById('chat-key').type")).isEqualTo("password");
            assertThat(page.eval("document.getElementById('chat-key-state').textContent"))
                    .isEqualTo("not set");

            // The admin fills in the endpoint; the key is typed into its field as a person would.
            page.eval("document.getElementById('chat-base-url').value = '" + model.baseUrl() + "'");
            page.eval("document.getElementById('chat-model').value = 'fake-1'");
            page.eval("document.getElementById('chat-key').focus()");
            page.type(KEY);
            page.press("Enter");
            page.await("document.getElementById('chat-key-state').textContent === 'set'", WITHIN, DOM);
            assertThat(page.eval("document.getElementById('chat-key').value")).isEqualTo("");
            assertThat(page.eval("document.getElementById('chat-unset')")).isNull();
            assertThat((String) page.eval(DOM)).doesNotContain(KEY);

            page.eval("document.getElementById('chat-new').click()");
            page.await(
                    "document.activeElement?.id === 'chat-input' && !document.getElementById('chat-input').disabled",
                    WITHIN,
                    DOM);
            page.type("Echo something for me");
            page.eval("document.getElementById('chat-send').focus()");
            page.press("Enter");

            // While the model is still streaming its final answer: the tool call, its result and the text so far.
            page.await(
                    "document.querySelector('.chat-tool .chat-result')?.textContent === 'hello from the model'",
                    WITHIN,
                    DOM);
            page.await(
                    "document.querySelector('#chat-streaming .chat-text')?.textContent === " + "'"
                            + FakeChatServer.FINAL_START + "'",
                    WITHIN,
                    DOM);
            assertThat(page.eval("document.querySelector('#chat-streaming .chat-text').getAttribute('aria-live')"))
                    .isEqualTo("polite");
            assertThat(page.eval("document.querySelector('.chat-tool .chat-tool-name').textContent"))
                    .isEqualTo("fx__echo");
            assertThat(page.eval("document.querySelector('.chat-tool .chat-args').textContent"))
                    .asString()
                    .contains("\"text\": \"hello from the model\"");
            assertThat(page.eval("document.getElementById('chat-send').disabled"))
                    .isEqualTo(true);
            model.release();
            page.await("document.getElementById('chat-status').textContent === 'Done.'", WITHIN, DOM);
            String finalText = FakeChatServer.FINAL_START + "hello from the model.";
            assertThat(page.eval("[...document.querySelectorAll('.chat-msg.assistant .chat-text')].at(-1).textContent"))
                    .isEqualTo(finalText);
            assertThat(page.eval("document.activeElement.id")).isEqualTo("chat-input");
            assertThat(page.eval("document.getElementById('chat-title').textContent"))
                    .isEqualTo("Echo something for me");
            page.await(
                    "document.querySelector('#chat-list li[data-transcript] button.link')?.textContent === 'Echo something for me'",
                    WITHIN,
                    DOM);
            assertThat((String) page.eval(DOM)).doesNotContain(KEY);
            page.screenshot(SHOTS.resolve("chat" + suffix + ".png"));

            if (suffix.isEmpty()) {
                page.screen(390, 900, "dark");
                page.await("innerWidth === 390", WITHIN, DOM);
                assertThat(page.eval("document.documentElement.scrollWidth <= innerWidth"))
                        .as("no sideways scrolling at 390 px")
                        .isEqualTo(true);
                assertThat(page.eval("getComputedStyle(document.querySelector('.chat-msg.user')).backgroundColor"))
                        .isEqualTo("rgb(22, 27, 34)");
                page.screenshot(SHOTS.resolve("chat-narrow-dark.png"));
                page.screen(1100, 900, "light");
            }

            // A restart: the chat is listed and opens again, tool call and all.
            gateway.close();
            gateway = start(again.get(), store);
            page.navigate(gateway.url() + "/#/chat");
            page.await(
                    "document.querySelector('#chat-list li[data-transcript] button.link')?.textContent === 'Echo something for me'",
                    WITHIN,
                    DOM);
            page.eval("document.querySelector('#chat-list li[data-transcript] button.link').click()");
            page.await(
                    "document.querySelector('.chat-tool .chat-result')?.textContent === 'hello from the model'",
                    WITHIN,
                    DOM);
            assertThat(page.eval("[...document.querySelectorAll('.chat-msg.assistant .chat-text')].at(-1).textContent"))
                    .isEqualTo(finalText);
            assertThat(page.eval("document.querySelector('.chat-msg.user .chat-text').textContent"))
                    .isEqualTo("Echo something for me");
            assertThat(page.eval("document.getElementById('chat-key-state').textContent"))
                    .isEqualTo("set");

            page.eval("window.confirm = () => true");
            page.eval("document.querySelector('#chat-list li[data-transcript] button.small').click()");
            page.await("document.getElementById('chat-list').textContent.includes('No chats yet.')", WITHIN, DOM);
            assertThat(page.eval("document.getElementById('chat-title').textContent"))
                    .isEqualTo("No chat open");
        }
    }

    private static TestGateway start(JsonObject config, StoreSettings store) {
        TestGateway g = TestGateway.start(config, store);
        g.awaitState("fx", Duration.ofSeconds(45), "ready");
        return g;
    }
}
