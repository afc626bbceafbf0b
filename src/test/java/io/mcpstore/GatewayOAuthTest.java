package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.fixture.TsClient;
import io.mcpstore.security.TestIssuer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An external OAuth issuer's tokens over MCP: a test issuer on 127.0.0.1 publishing a JWKS, and a gateway that
 * trusts it for one audience and needs the scope {@code mcp:tools}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayOAuthTest {
    private static final String AUDIENCE = "https://mcp.example.test/mcp";
    private static final String SCOPE = "mcp:tools";

    private TestIssuer issuer;
    private TestGateway gateway;

    @BeforeAll
    void start() {
        issuer = TestIssuer.start();
        gateway = TestGateway.start(Upstreams.services("fixture", Upstreams.fixtureStdio())
                .put(
                        "security",
                        new JsonObject().put("enabled", true).put("oauth", issuer.oauthConfig(AUDIENCE, SCOPE))));
        gateway.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
        if (issuer != null) issuer.close();
    }

    @Test
    void aTokenOfTheIssuerWithTheScopeUsesMcp() {
        String token = issuer.token("agent-7", AUDIENCE, List.of("openid", SCOPE), 300);
        McpSession session = McpSession.open(gateway, "/mcp", GatewaySecurityTest.bearer(token));
        awaitEcho(session);
        assertThat(GatewaySecurityTest.text(session.call("fixture__echo", new JsonObject().put("text", "oauth"))))
                .isEqualTo("oauth");
        // The Java SDK client with the same token.
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(gateway.url())
                        .endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        try {
            client.initialize();
            McpSchema.CallToolResult result =
                    client.callTool(new McpSchema.CallToolRequest("fixture__echo", Map.of("text", "sdk")));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("sdk");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aTokenWithTooFewScopesIs403InsufficientScope() {
        String token = issuer.token("agent-7", AUDIENCE, List.of("openid"), 300);
        HttpResponse<String> refused =
                gateway.post("/mcp", McpSession.initialize("2025-11-25"), GatewaySecurityTest.bearer(token));
        assertThat(refused.statusCode()).isEqualTo(403);
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElse("");
        assertThat(challenge)
                .startsWith(
                        "Bearer resource_metadata=\"" + gateway.url() + "/.well-known/oauth-protected-resource/mcp\"")
                .contains("error=\"insufficient_scope\"")
                .contains("scope=\"" + SCOPE + "\"");
    }

    @Test
    void expiredWrongAudienceAndForeignTokensAre401() {
        for (String token : List.of(
                issuer.token("agent-7", AUDIENCE, List.of(SCOPE), -60),
                issuer.token("agent-7", "https://other.example/mcp", List.of(SCOPE), 300))) {
            HttpResponse<String> refused =
                    gateway.post("/mcp", McpSession.initialize("2025-11-25"), GatewaySecurityTest.bearer(token));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElse(""))
                    .contains("error=\"invalid_token\"");
        }
        try (TestIssuer other = TestIssuer.start()) {
            HttpResponse<String> refused = gateway.post(
                    "/mcp",
                    McpSession.initialize("2025-11-25"),
                    GatewaySecurityTest.bearer(other.token("agent-7", AUDIENCE, List.of(SCOPE), 300)));
            assertThat(refused.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void theResourceMetadataNamesTheIssuerAndItsScopes() {
        for (String path : List.of("", "/mcp")) {
            JsonObject doc = new JsonObject(
                    gateway.get("/.well-known/oauth-protected-resource" + path).body());
            assertThat(doc.getString("resource")).isEqualTo(gateway.url() + path);
            assertThat(doc.getJsonArray("authorization_servers").getList()).containsExactly(issuer.issuer());
            assertThat(doc.getJsonArray("scopes_supported").getList()).containsExactly(SCOPE);
            assertThat(doc.getJsonArray("bearer_methods_supported").getList()).containsExactly("header");
        }
    }

    @Test
    void theTypeScriptSdkClientWithAnIssuerToken() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TsClient.available(), "npm ci in src/test/node");
        String token = issuer.token("agent-ts", AUDIENCE, List.of(SCOPE), 300);
        TsClient.Outcome out = TsClient.run(
                gateway.url() + "/mcp",
                "streamable",
                "--header",
                "Authorization: Bearer " + token,
                "--call",
                "fixture__echo",
                "--args",
                "{\"text\":\"ts\"}");
        assertThat(out.exitCode()).as(out.output().encode()).isZero();
        assertThat(out.output().getJsonArray("tools").getList()).contains("fixture__echo");
    }

    private static void awaitEcho(McpSession session) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!GatewaySecurityTest.toolNames(session).contains("fixture__echo")) {
            if (System.nanoTime() > deadline) throw new AssertionError("fixture__echo never listed");
            TestGateway.sleep(100);
        }
    }
}
