package io.mcpstore.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens of an external OAuth issuer (a real one on 127.0.0.1, publishing a JWKS) against a real gateway. */
@Timeout(120)
class ExternalIssuerTest {
    static final String AUDIENCE = "https://mcp.example.test/mcp";
    private static TestIssuer issuer;
    private static TestGateway gateway;
    private static TestIdentities.On<Authenticator> auth;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        gateway = TestGateway.start(new JsonObject()
                .put("services", new JsonObject())
                .put(
                        "security",
                        new JsonObject().put("enabled", true).put("oauth", issuer.oauthConfig(AUDIENCE, "mcp:tools"))));
        auth = TestIdentities.authenticator(gateway);
    }

    @AfterAll
    static void stop() {
        if (auth != null) auth.call(() -> auth.it().close());
        if (gateway != null) gateway.close();
        if (issuer != null) issuer.close();
    }

    private static AuthFailure refusal(String token) {
        Throwable e = auth.failure(() -> auth.it().authenticate("Bearer " + token));
        assertThat(e).isInstanceOf(AuthFailure.class);
        return (AuthFailure) e;
    }

    @Test
    void aTokenForUsWithTheScopesIsAClient() {
        String token = issuer.token("agent-7", AUDIENCE, List.of("openid", "mcp:tools"), 300);
        Principal p = auth.call(() -> auth.it().authenticate("Bearer " + token));
        assertThat(p.subject()).isEqualTo("agent-7");
        assertThat(p.kind()).isEqualTo(Principal.Kind.OAUTH);
        assertThat(p.role()).isEqualTo(Role.CLIENT);
        assertThat(p.scopes()).containsExactlyInAnyOrder("openid", "mcp:tools");
        assertThat(p.expiresAt()).isGreaterThan(System.currentTimeMillis());
    }

    @Test
    void aTokenForAnotherAudienceIs401() {
        AuthFailure f = refusal(issuer.token("agent-7", "https://other.example/mcp", List.of("mcp:tools"), 300));
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.error()).isEqualTo("invalid_token");
        assertThat(f).hasMessageContaining("audience");
    }

    @Test
    void anExpiredTokenIs401() {
        AuthFailure f = refusal(issuer.token("agent-7", AUDIENCE, List.of("mcp:tools"), -60));
        assertThat(f.status()).isEqualTo(401);
        assertThat(f).hasMessageContaining("expired");
    }

    @Test
    void tooFewScopesIs403InsufficientScope() {
        AuthFailure f = refusal(issuer.token("agent-7", AUDIENCE, List.of("openid"), 300));
        assertThat(f.status()).isEqualTo(403);
        assertThat(f.error()).isEqualTo("insufficient_scope");
        assertThat(f).hasMessageContaining("mcp:tools");
    }

    @Test
    void aTokenSignedWithAKeyTheIssuerNeverPublishedIs401() {
        AuthFailure f = refusal(issuer.tokenWithUnpublishedKey("agent-7", AUDIENCE, List.of("mcp:tools"), 300));
        assertThat(f.status()).isEqualTo(401);
    }

    @Test
    void aRotatedKeyIsFetchedAgain() {
        auth.call(() -> auth.it().authenticate("Bearer " + issuer.token("a", AUDIENCE, List.of("mcp:tools"), 300)));
        int fetched = issuer.jwksRequests();
        issuer.rotate();
        String token = issuer.token("b", AUDIENCE, List.of("mcp:tools"), 300);
        // refetched for the new key id (at most once every 10 s, so that made-up key ids cannot flood the issuer)
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(auth.call(() -> auth.it().authenticate("Bearer " + token))
                                .subject())
                        .isEqualTo("b"));
        assertThat(issuer.jwksRequests()).isGreaterThan(fetched);
    }

    @Test
    void aTokenOfAnUntrustedIssuerIs401() throws Exception {
        try (TestIssuer other = TestIssuer.start()) {
            AuthFailure f = refusal(other.token("agent-7", AUDIENCE, List.of("mcp:tools"), 300));
            assertThat(f.status()).isEqualTo(401);
            assertThat(f).hasMessageContaining("issuer");
        }
    }
}
