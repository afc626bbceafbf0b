package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.fixture.TsClient;
import io.mcpstore.security.Authenticator;
import io.mcpstore.security.TestIdentities;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP endpoints with security on, end to end over real HTTP: one gateway with two fixture services ({@code
 * fixture}, {@code other}) and an app {@code research} showing only {@code fixture}; keys made through the config
 * store's ops as the admin API makes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewaySecurityTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway gateway;
    private final ConcurrentLinkedQueue<JsonObject> audit = new ConcurrentLinkedQueue<>();
    private String adminKey;

    @BeforeAll
    void start() {
        JsonObject config = Upstreams.services("fixture", Upstreams.fixtureStdio(), "other", Upstreams.fixtureStdio())
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "research",
                                        new JsonObject()
                                                .put("prefix", "/research")
                                                .put("services", new JsonArray().add("fixture"))))
                .put("security", new JsonObject().put("enabled", true));
        gateway = TestGateway.start(config);
        AuditTap.attach(gateway, audit);
        adminKey = TestIdentities.keyText(gateway, "admin");
        gateway.awaitReady(Duration.ofSeconds(60));
        awaitTools(bearer(adminKey), "/mcp", "fixture__echo", "other__echo");
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
    }

    // ---- 401 on every MCP route

    @Test
    void everyMcpRouteWithoutACredentialIs401WithTheChallenge() {
        String base = gateway.url();
        for (String path : List.of("/mcp", "/research/mcp")) {
            assertChallenge(gateway.post(path, McpSession.initialize("2025-11-25"), Map.of()), path, null);
            assertChallenge(send(get(path).header("Accept", "text/event-stream")), path, null);
            assertChallenge(send(request(path).DELETE().header("Mcp-Session-Id", "x")), path, null);
        }
        assertChallenge(send(get("/sse").header("Accept", "text/event-stream")), "/mcp", null);
        assertChallenge(send(get("/research/sse").header("Accept", "text/event-stream")), "/research/mcp", null);
        assertChallenge(gateway.post("/message?sessionId=x", "{}", Map.of()), "/mcp", null);
        assertChallenge(gateway.post("/research/message?sessionId=x", "{}", Map.of()), "/research/mcp", null);
        assertThat(base).startsWith("http://127.0.0.1:");
    }

    @Test
    void aTamperedOrUnknownKeyIs401InvalidToken() {
        String key = TestIdentities.keyText(gateway, "client");
        String tampered = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertChallenge(
                gateway.post("/mcp", McpSession.initialize("2025-11-25"), bearer(tampered)), "/mcp", "invalid_token");
        assertChallenge(
                gateway.post("/mcp", McpSession.initialize("2025-11-25"), bearer("not-a-token")),
                "/mcp",
                "invalid_token");
        // The real key works: the refusals were about the credential, not the request.
        assertThat(gateway.post("/mcp", McpSession.initialize("2025-11-25"), bearer(key))
                        .statusCode())
                .isEqualTo(200);
        JsonObject refusal = awaitAudit(e -> "auth".equals(e.getString("kind"))
                && "unauthenticated".equals(e.getString("outcome"))
                && "/mcp".equals(e.getString("target")));
        assertThat(refusal.getInteger("status")).isEqualTo(401);
        assertThat(refusal.getString("remote")).isEqualTo("127.0.0.1");
        assertThat(refusal.encode()).doesNotContain(tampered).doesNotContain(key.substring(5, 20));
    }

    @Test
    void aTamperedGatewayJwtIs401AndTheRealOneWorks() throws Exception {
        TestIdentities.putUser(gateway, "jwt-user", "operator", "a long password 1");
        String token = login("jwt-user", "a long password 1");
        McpSession session = McpSession.open(gateway, "/mcp", bearer(token));
        assertThat(text(session.call("fixture__echo", new JsonObject().put("text", "jwt"))))
                .isEqualTo("jwt");
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));
        String forged = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.replace("\"operator\"", "\"admin\"").getBytes());
        String tampered = parts[0] + "." + forged + "." + parts[2];
        assertChallenge(session.post(callBody("fixture__echo"), bearer(tampered)), "/mcp", "invalid_token");
    }

    @Test
    void anExpiredKeyStopsWorking() throws Exception {
        JsonObject entry = new JsonObject()
                .put("name", "short-lived")
                .put("role", "client")
                .put("expiresAt", Instant.now().plusSeconds(2).toString());
        String key = TestIdentities.op(
                        gateway, new JsonObject().put("op", "key.create").put("entry", entry))
                .getJsonObject("key")
                .getString("key");
        McpSession session = McpSession.open(gateway, "/mcp", bearer(key));
        assertThat(text(session.call("fixture__echo", new JsonObject().put("text", "a"))))
                .isEqualTo("a");
        Thread.sleep(Duration.between(Instant.now(), Instant.parse(entry.getString("expiresAt")))
                        .toMillis()
                + 300);
        assertChallenge(session.post(callBody("fixture__echo")), "/mcp", "invalid_token");
    }

    // ---- what a principal may use

    @Test
    void aKeyLimitedToAnAppSeesOnlyThatAppAndCannotUseTheRest() {
        String key = TestIdentities.createKey(gateway, "research only", "client", List.of("research"), null)
                .getString("key");
        HttpResponse<String> own = gateway.post("/mcp", McpSession.initialize("2025-11-25"), bearer(key));
        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(own.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"insufficient_scope\"");
        assertThat(send(get("/sse").header("Accept", "text/event-stream").header("Authorization", "Bearer " + key))
                        .statusCode())
                .isEqualTo(403);

        McpSession session = McpSession.open(gateway, "/research/mcp", bearer(key));
        List<String> tools = toolNames(session);
        assertThat(tools).contains("fixture__echo").noneMatch(t -> t.startsWith("other__"));
        JsonObject other = session.call("other__echo", new JsonObject().put("text", "x"));
        assertThat(other.getJsonObject("error")).isNotNull();
        assertThat(text(session.call("fixture__echo", new JsonObject().put("text", "ok"))))
                .isEqualTo("ok");

        JsonObject denied = awaitAudit(e -> "denied".equals(e.getString("outcome"))
                && e.getString("who", "").equals("key:" + keyId(key)));
        assertThat(denied.getString("kind")).isEqualTo("auth");
        assertThat(denied.getInteger("status")).isEqualTo(403);
        JsonObject call = awaitAudit(e -> "tool".equals(e.getString("kind"))
                && "fixture__echo".equals(e.getString("tool"))
                && ("key:" + keyId(key)).equals(e.getString("who")));
        assertThat(call.getString("app")).isEqualTo("research");
        assertThat(call.getString("service")).isEqualTo("fixture");
        assertThat(call.getString("outcome")).isEqualTo("ok");
        assertThat(call.getString("via")).isEqualTo("key");
        assertThat(call.getString("role")).isEqualTo("client");
        assertThat(call.getLong("latencyMs")).isNotNull();
        assertThat(call.getInteger("argumentBytes")).isEqualTo("{\"text\":\"ok\"}".length());
        assertThat(call.containsKey("arguments")).isFalse();
    }

    @Test
    void aKeyLimitedToAnAppOverLegacySse() throws Exception {
        String key = TestIdentities.createKey(gateway, "research sse", "client", List.of("research"), null)
                .getString("key");
        try (McpSyncClient client = sdkClient("sse", "/research", key)) {
            List<String> names = client.listTools().tools().stream()
                    .map(McpSchema.Tool::name)
                    .toList();
            assertThat(names).contains("fixture__echo").noneMatch(t -> t.startsWith("other__"));
            McpSchema.CallToolResult result =
                    client.callTool(new McpSchema.CallToolRequest("fixture__echo", Map.of("text", "sse")));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("sse");
        }
    }

    @Test
    void toolPatternsDecideWhatIsListedAndCalled() throws Exception {
        String key = TestIdentities.createKey(
                        gateway, "some tools", "client", null, List.of("fixture__*", "!fixture__big"))
                .getString("key");
        McpSession session = McpSession.open(gateway, "/mcp", bearer(key));
        List<String> tools = toolNames(session);
        assertThat(tools).contains("fixture__echo", "fixture__add").doesNotContain("fixture__big");
        assertThat(tools).allMatch(t -> t.startsWith("fixture__"));
        assertThat(text(session.call("fixture__echo", new JsonObject().put("text", "p"))))
                .isEqualTo("p");
        for (String hidden : List.of("fixture__big", "other__echo")) {
            JsonObject error = session.call(hidden, new JsonObject()).getJsonObject("error");
            assertThat(error.getInteger("code")).isEqualTo(-32003);
            assertThat(error.getString("message"))
                    .isEqualTo("Permission denied: tool '" + hidden + "' is not allowed for key:" + keyId(key));
        }
        // The same over the TypeScript SDK: what a TS user of the key sees.
        if (TsClient.available()) {
            TsClient.Outcome ts = TsClient.run(
                    gateway.url() + "/mcp",
                    "streamable",
                    "--header",
                    "Authorization: Bearer " + key,
                    "--call",
                    "fixture__big",
                    "--call",
                    "fixture__echo",
                    "--args",
                    "{\"text\":\"ts\"}");
            assertThat(ts.exitCode()).as(ts.output().encode()).isZero();
            assertThat(ts.output().getJsonArray("tools").getList())
                    .contains("fixture__echo")
                    .doesNotContain("fixture__big", "other__echo");
            JsonArray calls = ts.output().getJsonArray("calls");
            assertThat(calls.getJsonObject(0).getJsonObject("error").getInteger("code"))
                    .isEqualTo(-32003);
            assertThat(calls.getJsonObject(1).encode()).contains("ts");
        }
        JsonObject denied = awaitAudit(e -> "tool".equals(e.getString("kind"))
                && "denied".equals(e.getString("outcome"))
                && "fixture__big".equals(e.getString("tool")));
        assertThat(denied.getString("who")).isEqualTo("key:" + keyId(key));
    }

    @Test
    void anAdminKeySeesEverythingAndTheListIsTheSharedOne() {
        McpSession session = McpSession.open(gateway, "/mcp", bearer(adminKey));
        assertThat(toolNames(session)).contains("fixture__big", "other__echo", "fixture__echo");
    }

    @Test
    void aViewerHasNoMcpAccess() {
        String key = TestIdentities.keyText(gateway, "viewer");
        HttpResponse<String> refused = gateway.post("/mcp", McpSession.initialize("2025-11-25"), bearer(key));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("has no MCP access");
    }

    // ---- sessions belong to their subject; revocation is immediate

    @Test
    void anotherSubjectsSessionIsNotFound() throws Exception {
        String a = TestIdentities.keyText(gateway, "client");
        String b = TestIdentities.keyText(gateway, "client");
        McpSession mine = McpSession.open(gateway, "/mcp", bearer(a));
        HttpResponse<String> theirs = mine.post(callBody("fixture__echo"), bearer(b));
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(send(get("/mcp")
                                .header("Accept", "text/event-stream")
                                .header("Mcp-Session-Id", mine.id())
                                .header("Authorization", "Bearer " + b))
                        .statusCode())
                .isEqualTo(404);
        assertThat(send(request("/mcp")
                                .DELETE()
                                .header("Mcp-Session-Id", mine.id())
                                .header("Authorization", "Bearer " + b))
                        .statusCode())
                .isEqualTo(404);
        // Still the owner's.
        assertThat(text(mine.call("fixture__echo", new JsonObject().put("text", "still"))))
                .isEqualTo("still");

        try (LegacyStream stream = LegacyStream.open(gateway.url() + "/sse", a)) {
            String endpoint = stream.endpoint();
            HttpResponse<String> foreign = gateway.post(endpoint, McpSession.initialize("2024-11-05"), bearer(b));
            assertThat(foreign.statusCode()).isEqualTo(404);
            HttpResponse<String> own = gateway.post(endpoint, McpSession.initialize("2024-11-05"), bearer(a));
            assertThat(own.statusCode()).isEqualTo(202);
            assertThat(stream.await("\"protocolVersion\"", 10)).isNotNull();
        }
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceOnItsOpenSession() {
        JsonObject created = TestIdentities.createKey(gateway, "to revoke", "client", null, null);
        String key = created.getString("key");
        McpSession session = McpSession.open(gateway, "/mcp", bearer(key));
        assertThat(text(session.call("fixture__echo", new JsonObject().put("text", "1"))))
                .isEqualTo("1");
        TestIdentities.deleteKey(gateway, created.getString("id"));
        assertChallenge(session.post(callBody("fixture__echo")), "/mcp", "invalid_token");
    }

    // ---- real SDK clients with a bearer key

    @Test
    void theJavaSdkClientWorksWithABearerKey() {
        String key = TestIdentities.keyText(gateway, "client");
        try (McpSyncClient client = sdkClient("streamable", "", key)) {
            McpSchema.CallToolResult result =
                    client.callTool(new McpSchema.CallToolRequest("fixture__echo", Map.of("text", "sdk")));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("sdk");
        }
    }

    @Test
    void theTypeScriptSdkClientWorksWithABearerKeyOnBothTransports() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TsClient.available(), "npm ci in src/test/node");
        String key = TestIdentities.keyText(gateway, "client");
        for (String[] t : List.of(new String[] {"/mcp", "streamable"}, new String[] {"/sse", "sse"})) {
            TsClient.Outcome out = TsClient.run(
                    gateway.url() + t[0],
                    t[1],
                    "--header",
                    "Authorization: Bearer " + key,
                    "--call",
                    "fixture__echo",
                    "--args",
                    "{\"text\":\"ts\"}");
            assertThat(out.exitCode()).as(out.output().encode()).isZero();
            assertThat(out.output().getJsonArray("calls").getJsonObject(0).encode())
                    .contains("\"ts\"");
        }
        TsClient.Outcome refused = TsClient.run(gateway.url() + "/mcp", "streamable");
        assertThat(refused.exitCode()).isEqualTo(1);
    }

    // ---- RFC 9728, health and metrics

    @Test
    void protectedResourceMetadataIsPublishedForTheGatewayAndEachEndpoint() {
        HttpResponse<String> root = gateway.get("/.well-known/oauth-protected-resource");
        assertThat(root.statusCode()).isEqualTo(200);
        JsonObject doc = new JsonObject(root.body());
        assertThat(doc.getString("resource")).isEqualTo(gateway.url());
        assertThat(doc.getJsonArray("bearer_methods_supported").getList()).containsExactly("header");
        assertThat(doc.containsKey("authorization_servers")).isFalse();
        for (String path : List.of("/mcp", "/research/mcp")) {
            HttpResponse<String> r = gateway.get("/.well-known/oauth-protected-resource" + path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(r.body()).getString("resource")).isEqualTo(gateway.url() + path);
        }
        assertThat(gateway.get("/.well-known/oauth-protected-resource/nowhere/mcp")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void healthShowsDetailsOnlyToACredentialThatMayRead() {
        JsonObject bare = new JsonObject(gateway.get("/health/ready").body());
        assertThat(bare.fieldNames()).containsExactly("status");
        JsonObject client = new JsonObject(send(get("/health/ready")
                        .header("Authorization", "Bearer " + TestIdentities.keyText(gateway, "client")))
                .body());
        assertThat(client.fieldNames()).containsExactly("status");
        JsonObject admin = new JsonObject(send(get("/health/ready").header("Authorization", "Bearer " + adminKey))
                .body());
        assertThat(admin.getJsonArray("services")).hasSize(2);
        assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsNeedAReadingCredential() {
        HttpResponse<String> bare = gateway.get("/metrics");
        assertThat(bare.statusCode()).isEqualTo(401);
        assertThat(bare.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer resource_metadata=");
        String client = TestIdentities.keyText(gateway, "client");
        assertThat(send(get("/metrics").header("Authorization", "Bearer " + client))
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> admin = send(get("/metrics").header("Authorization", "Bearer " + adminKey));
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("mcpstore");
    }

    // ---- helpers

    private void awaitTools(Map<String, String> auth, String path, String... names) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            McpSession session = McpSession.open(gateway, path, auth);
            if (toolNames(session).containsAll(List.of(names))) return;
            if (Instant.now().isAfter(deadline)) throw new AssertionError("tools never listed: " + List.of(names));
            TestGateway.sleep(100);
        }
    }

    static List<String> toolNames(McpSession session) {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
            JsonObject result = session.request("tools/list", params).getJsonObject("result");
            result.getJsonArray("tools").forEach(t -> names.add(((JsonObject) t).getString("name")));
            cursor = result.getString("nextCursor");
        } while (cursor != null);
        return names;
    }

    static String text(JsonObject response) {
        JsonObject result = response.getJsonObject("result");
        if (result == null) throw new AssertionError("no result: " + response.encode());
        return result.getJsonArray("content").getJsonObject(0).getString("text");
    }

    static String callBody(String tool) {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 7)
                .put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", new JsonObject().put("text", "x")))
                .encode();
    }

    static Map<String, String> bearer(String credential) {
        return Map.of("Authorization", "Bearer " + credential);
    }

    static String keyId(String key) {
        // mcps_<ID>_<secret>; the ID is 12 characters.
        return key.substring(5, 17);
    }

    /** 401 (or 403) with the RFC 9728 challenge of the endpoint at {@code mcpPath}, and {@code error} if given. */
    private void assertChallenge(HttpResponse<String> response, String mcpPath, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertThat(challenge)
                .startsWith("Bearer resource_metadata=\"" + gateway.url() + "/.well-known/oauth-protected-resource"
                        + mcpPath + "\"");
        if (error == null) assertThat(challenge).doesNotContain("error=");
        else assertThat(challenge).contains("error=\"" + error + "\"");
    }

    private JsonObject awaitAudit(java.util.function.Predicate<JsonObject> match) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            for (JsonObject e : audit) {
                if (match.test(e)) return e;
            }
            TestGateway.sleep(20);
        }
        throw new AssertionError("no such audit entry among " + audit);
    }

    /** Signs in through an authenticator of the gateway's own (the one the admin API's login uses). */
    private String login(String user, String password) {
        TestIdentities.On<Authenticator> on = TestIdentities.authenticator(gateway);
        try {
            return on.call(() -> on.it().login(user, password));
        } finally {
            on.call(() -> on.it().close());
        }
    }

    private McpSyncClient sdkClient(String transport, String prefix, String key) {
        String url = gateway.url();
        McpClientTransport t = transport.equals("sse")
                ? HttpClientSseClientTransport.builder(url)
                        .sseEndpoint(prefix + "/sse")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
                        .build()
                : HttpClientStreamableHttpTransport.builder(url)
                        .endpoint(prefix + "/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
                        .build();
        McpSyncClient client = McpClient.sync(t)
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
        client.initialize();
        return client;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A legacy {@code /sse} stream opened with a credential: its endpoint event, then its messages. */
    static final class LegacyStream implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final HttpResponse<Stream<String>> response;

        private LegacyStream(HttpResponse<Stream<String>> response) {
            this.response = response;
            Thread reader = new Thread(
                    () -> {
                        try {
                            response.body().forEach(lines::add);
                        } catch (RuntimeException ignored) {
                            // closed
                        }
                    },
                    "legacy-stream");
            reader.setDaemon(true);
            reader.start();
        }

        static LegacyStream open(String url, String key) throws Exception {
            HttpResponse<Stream<String>> response = HTTP.sendAsync(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Accept", "text/event-stream")
                                    .header("Authorization", "Bearer " + key)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS);
            if (response.statusCode() != 200) throw new AssertionError("/sse: HTTP " + response.statusCode());
            return new LegacyStream(response);
        }

        /** The POST path the endpoint event names. */
        String endpoint() throws InterruptedException {
            String line = await("/message?sessionId=", 10);
            if (line == null) throw new AssertionError("no endpoint event");
            return line.substring(line.indexOf(':') + 1).strip();
        }

        String await(String text, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(text)) return line;
            }
            return null;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }
}
