package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.FakeChatServer;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.config.StoreSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat lab over HTTP, against a fake OpenAI-compatible endpoint that streams an answer and asks for a call of the
 * fixture's echo tool: the tool is called through the gateway, its result goes back to the model, the streamed events
 * show all of it, and the transcript is stored — and listed again after a restart, on the file store and on
 * PostgreSQL (a fresh schema, dropped after). The API key never appears in an answer.
 */
@Timeout(180)
class ChatApiTest {
    static final String PG = System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    static final String SCHEMA =
            "mcpstore_chat_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String KEY = "sk-test-" + UUID.randomUUID();

    @TempDir
    Path dir;

    FakeChatServer model;
    final List<TestGateway> gateways = new ArrayList<>();

    @BeforeEach
    void startModel() {
        model = new FakeChatServer("fx__echo");
    }

    @AfterEach
    void stop() {
        gateways.forEach(TestGateway::close);
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

    private TestGateway gateway(StoreSettings store) {
        return gateway(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "chat")), store);
    }

    private TestGateway gateway(JsonObject config, StoreSettings store) {
        TestGateway g = TestGateway.start(config, store);
        gateways.add(g);
        g.awaitState("fx", Duration.ofSeconds(45), "ready");
        return g;
    }

    @Test
    void onTheFileStoreTheToolCallIsShownAndTheTranscriptOutlivesARestart() throws Exception {
        Path file = dir.resolve("mcpstore.yaml");
        Files.writeString(file, "services: {}\n");
        StoreSettings store = new StoreSettings("file", file.toString(), null, null);
        String id = chatWithATool(gateway(store));
        gateways.remove(0).close();
        assertThat(Files.readString(dir.resolve("mcpstore.yaml.chat").resolve(id + ".json")))
                .contains("hello from the model");
        // Started again as `serve --config FILE` starts: from what the file holds now.
        listedAgain(gateway(io.mcpstore.config.ConfigDocument.parseYaml(Files.readString(file)), store), id);
    }

    @Test
    void onPostgresTheToolCallIsShownAndTheTranscriptOutlivesARestart() {
        StoreSettings store = new StoreSettings("postgres", null, PG, SCHEMA);
        String id = chatWithATool(gateway(store));
        gateways.remove(0).close();
        listedAgain(gateway(store), id);
    }

    /** Sets the endpoint up, chats once; returns the transcript's id. */
    private String chatWithATool(TestGateway gateway) {
        Api api = new Api(gateway);
        HttpResponse<String> put = api.put(
                "/chat/settings",
                new JsonObject()
                        .put("baseUrl", model.baseUrl())
                        .put("model", "fake-1")
                        .put("apiKey", KEY));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).doesNotContain(KEY);
        JsonObject shown = Api.json(api.get("/chat/settings"));
        assertThat(shown.getBoolean("apiKeySet")).isTrue();
        assertThat(shown.getString("model")).isEqualTo("fake-1");
        assertThat(shown.encode()).doesNotContain(KEY);
        for (String path : List.of(
                "/config",
                "/config/export",
                "/config/revisions/" + Api.json(put).getLong("revision"))) {
            HttpResponse<String> r = api.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain(KEY).contains("fake-1");
        }
        assertThat(Api.json(api.get("/config/revisions")).encode()).contains("chat settings changed");
        // A blank key in a later change keeps the stored one.
        assertThat(api.put(
                                "/chat/settings",
                                new JsonObject().put("model", "fake-2").put("apiKey", ""))
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> created = api.post("/chat/transcripts", new JsonObject());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = Api.json(created).getString("id");

        HttpResponse<String> sent = api.post(
                "/chat/transcripts/" + id + "/messages", new JsonObject().put("content", "Echo something for me"));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(sent.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonObject> events = events(sent.body());
        List<String> names = events.stream().map(e -> e.getString("event")).toList();
        assertThat(names).containsSubsequence("delta", "tool_call", "tool_result", "delta", "done");
        assertThat(names).doesNotContain("error");
        JsonObject call = byName(events, "tool_call");
        assertThat(call.getString("name")).isEqualTo("fx__echo");
        assertThat(new JsonObject(call.getString("arguments")).getString("text"))
                .isEqualTo("hello from the model");
        JsonObject result = byName(events, "tool_result");
        assertThat(result.getString("result")).isEqualTo("hello from the model");
        assertThat(result.getBoolean("isError")).isFalse();
        String streamed = String.join(
                "",
                events.stream()
                        .filter(e -> e.getString("event").equals("delta"))
                        .map(e -> e.getString("text"))
                        .toList());
        assertThat(streamed).isEqualTo("Let me ask the tool." + FakeChatServer.FINAL_START + "hello from the model.");
        assertThat(sent.body()).doesNotContain(KEY);

        // The model saw the tools, got the key as a bearer, and got the tool's result back on the second turn.
        List<JsonObject> requests = model.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).getString("model")).isEqualTo("fake-2");
        assertThat(requests.get(0).getBoolean("stream")).isTrue();
        assertThat(requests.get(0).getJsonArray("tools").encode()).contains("\"fx__echo\"");
        assertThat(model.bearers()).containsOnly("Bearer " + KEY);
        JsonArray second = requests.get(1).getJsonArray("messages");
        JsonObject toolMessage = second.getJsonObject(second.size() - 1);
        assertThat(toolMessage.getString("role")).isEqualTo("tool");
        assertThat(toolMessage.getString("tool_call_id")).isEqualTo("call_1");
        assertThat(toolMessage.getString("content")).isEqualTo("hello from the model");
        assertThat(second.getJsonObject(second.size() - 2)
                        .getJsonArray("tool_calls")
                        .encode())
                .contains("fx__echo");
        return id;
    }

    private void listedAgain(TestGateway gateway, String id) {
        Api api = new Api(gateway);
        JsonArray list = Api.json(api.get("/chat/transcripts")).getJsonArray("transcripts");
        assertThat(list).hasSize(1);
        JsonObject summary = list.getJsonObject(0);
        assertThat(summary.getString("id")).isEqualTo(id);
        assertThat(summary.getString("title")).isEqualTo("Echo something for me");
        assertThat(summary.getInteger("messageCount")).isEqualTo(4);
        JsonObject transcript = Api.json(api.get("/chat/transcripts/" + id));
        JsonArray messages = transcript.getJsonArray("messages");
        assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")))
                .containsExactly("user", "assistant", "tool", "assistant");
        assertThat(messages.getJsonObject(3).getString("content"))
                .isEqualTo(FakeChatServer.FINAL_START + "hello from the model.");
        // The settings (a config revision) came back too, key still unshown.
        assertThat(Api.json(api.get("/chat/settings")).getBoolean("apiKeySet")).isTrue();
        assertThat(api.get("/chat/transcripts/" + id).body()).doesNotContain(KEY);

        assertThat(api.delete("/chat/transcripts/" + id).statusCode()).isEqualTo(200);
        assertThat(api.get("/chat/transcripts/" + id).statusCode()).isEqualTo(404);
        assertThat(Api.json(api.get("/chat/transcripts")).getJsonArray("transcripts"))
                .isEmpty();
    }

    /**
     * With security on: each principal lists, reads and deletes only its own transcripts; a viewer may not chat and
     * only an admin may change the settings; the model is offered only the tools the caller may use, and a call of
     * another is refused through the gateway's own permission check, the refusal fed back to the model.
     */
    @Test
    void transcriptsArePerPrincipalAndToolCallsHonourTheCallersPermissions() {
        JsonObject config = Upstreams.services("fx", Upstreams.fixtureStdio("--name", "chat"))
                .put("security", new JsonObject().put("enabled", true));
        TestGateway gateway = TestGateway.start(config, StoreSettings.memory());
        gateways.add(gateway);
        String admin = io.mcpstore.security.TestIdentities.keyText(gateway, "admin");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(45))
                .until(() -> as(new Api(gateway), admin, "GET", "/tools", null)
                        .body()
                        .contains("fx__echo"));
        String ada = io.mcpstore.security.TestIdentities.keyText(gateway, "operator");
        String bob = io.mcpstore.security.TestIdentities.createKey(gateway, "bob", "operator", null, List.of("fx__add"))
                .getString("key");
        String viewer = io.mcpstore.security.TestIdentities.keyText(gateway, "viewer");
        Api api = new Api(gateway);
        JsonObject settings = new JsonObject()
                .put("baseUrl", model.baseUrl())
                .put("model", "m")
                .put("apiKey", KEY);
        assertThat(as(api, ada, "PUT", "/chat/settings", settings).statusCode()).isEqualTo(403);
        assertThat(as(api, admin, "PUT", "/chat/settings", settings).statusCode())
                .isEqualTo(200);
        assertThat(as(api, viewer, "POST", "/chat/transcripts", new JsonObject())
                        .statusCode())
                .isEqualTo(403);

        String adas = Api.json(as(api, ada, "POST", "/chat/transcripts", new JsonObject()))
                .getString("id");
        String bobs = Api.json(as(api, bob, "POST", "/chat/transcripts", new JsonObject()))
                .getString("id");
        assertThat(ids(as(api, ada, "GET", "/chat/transcripts", null))).containsExactly(adas);
        assertThat(ids(as(api, bob, "GET", "/chat/transcripts", null))).containsExactly(bobs);
        assertThat(as(api, bob, "GET", "/chat/transcripts/" + adas, null).statusCode())
                .isEqualTo(404);
        assertThat(as(api, bob, "DELETE", "/chat/transcripts/" + adas, null).statusCode())
                .isEqualTo(404);
        assertThat(as(
                                api,
                                bob,
                                "POST",
                                "/chat/transcripts/" + adas + "/messages",
                                new JsonObject().put("content", "hi"))
                        .statusCode())
                .isEqualTo(404);

        HttpResponse<String> sent = as(
                api, bob, "POST", "/chat/transcripts/" + bobs + "/messages", new JsonObject().put("content", "echo"));
        List<JsonObject> events = events(sent.body());
        JsonObject refused = byName(events, "tool_result");
        assertThat(refused.getBoolean("isError")).isTrue();
        assertThat(refused.getString("error")).contains("Permission denied: tool 'fx__echo' is not allowed");
        assertThat(model.requests().get(0).getJsonArray("tools").encode())
                .contains("fx__add")
                .doesNotContain("fx__echo");
        JsonArray second = model.requests().get(1).getJsonArray("messages");
        assertThat(second.getJsonObject(second.size() - 1).getString("content")).contains("Permission denied");
        assertThat(ids(as(api, ada, "GET", "/chat/transcripts", null))).containsExactly(adas);
    }

    private static HttpResponse<String> as(Api api, String key, String method, String path, JsonObject body) {
        return api.send(
                method, path, body == null ? null : body.encode(), java.util.Map.of("Authorization", "Bearer " + key));
    }

    private static List<String> ids(HttpResponse<String> list) {
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        return Api.json(list).getJsonArray("transcripts").stream()
                .map(t -> ((JsonObject) t).getString("id"))
                .toList();
    }

    @Test
    void aBadSettingsKeyIsNamedAndAnUnsetLabSaysWhatToDo() {
        TestGateway gateway = gateway(StoreSettings.memory());
        Api api = new Api(gateway);
        HttpResponse<String> typo = api.put("/chat/settings", new JsonObject().put("baseUrll", model.baseUrl()));
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(Api.json(typo).getString("field")).isEqualTo("chat.baseUrll");
        assertThat(Api.json(typo).getString("detail")).contains("did you mean 'baseUrl'");
        HttpResponse<String> badUrl = api.put("/chat/settings", new JsonObject().put("baseUrl", "ftp://x"));
        assertThat(badUrl.statusCode()).isEqualTo(400);
        assertThat(Api.json(badUrl).getString("field")).isEqualTo("chat.baseUrl");

        String id = Api.json(api.post("/chat/transcripts", new JsonObject())).getString("id");
        HttpResponse<String> unset =
                api.post("/chat/transcripts/" + id + "/messages", new JsonObject().put("content", "hi"));
        assertThat(unset.statusCode()).isEqualTo(409);
        assertThat(Api.json(unset).getString("detail")).contains("chat.baseUrl");
        HttpResponse<String> noApp = api.post("/chat/transcripts", new JsonObject().put("app", "nope"));
        assertThat(noApp.statusCode()).isEqualTo(404);
    }

    @Test
    void anUnreachableEndpointARefusedKeyAndAMalformedStreamAreClearErrors() throws Exception {
        TestGateway gateway = gateway(StoreSettings.memory());
        Api api = new Api(gateway);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        api.put(
                "/chat/settings",
                new JsonObject()
                        .put("baseUrl", "http://127.0.0.1:" + closed + "/v1")
                        .put("model", "m")
                        .put("apiKey", KEY));
        String id = Api.json(api.post("/chat/transcripts", new JsonObject())).getString("id");
        JsonObject error = lastError(api, id);
        assertThat(error.getString("message")).contains("cannot be reached").contains(String.valueOf(closed));

        api.put("/chat/settings", new JsonObject().put("baseUrl", model.baseUrl()));
        model.mode(FakeChatServer.Mode.REFUSE_KEY);
        error = lastError(api, id);
        assertThat(error.getString("message")).contains("refused the API key (HTTP 401)");
        assertThat(error.encode()).doesNotContain(KEY);

        model.mode(FakeChatServer.Mode.MALFORMED);
        error = lastError(api, id);
        assertThat(error.getString("message")).contains("malformed").contains("not JSON");

        // An endpoint that opens its stream and then stays silent: an error after chat.timeoutMs, not a hang.
        model.mode(FakeChatServer.Mode.SILENT);
        api.put("/chat/settings", new JsonObject().put("timeoutMs", 1000));
        error = lastError(api, id);
        assertThat(error.getString("message")).contains("sent nothing for 1 s (chat.timeoutMs)");

        // Each error is kept in the transcript, after the message it answered.
        JsonArray messages = Api.json(api.get("/chat/transcripts/" + id)).getJsonArray("messages");
        assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")))
                .containsExactly("user", "error", "user", "error", "user", "error", "user", "error");
        assertThat(api.get("/chat/transcripts/" + id).body()).doesNotContain(KEY);
    }

    private static JsonObject lastError(Api api, String id) {
        HttpResponse<String> sent =
                api.post("/chat/transcripts/" + id + "/messages", new JsonObject().put("content", "hello"));
        assertThat(sent.statusCode()).isEqualTo(200);
        List<JsonObject> events = events(sent.body());
        assertThat(events.get(events.size() - 1).getString("event")).isEqualTo("done");
        return byName(events, "error");
    }

    /** The stream's events as {@code {event, ...data}}. */
    static List<JsonObject> events(String body) {
        List<JsonObject> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) name = line.substring(7);
                if (line.startsWith("data: ")) data.append(line.substring(6));
            }
            if (name != null) out.add(new JsonObject(data.toString()).put("event", name));
        }
        return out;
    }

    static JsonObject byName(List<JsonObject> events, String name) {
        return events.stream()
                .filter(e -> e.getString("event").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " event in " + events));
    }
}
