package io.mcpstore.security;

import static io.mcpstore.security.TestIdentities.createKey;
import static io.mcpstore.security.TestIdentities.op;
import static io.mcpstore.security.TestIdentities.putUser;
import static io.mcpstore.security.TestIdentities.tryOp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The authenticator of a real gateway with security on: sign-in, the gateway's JWTs, API keys, revocation. */
@Timeout(120)
class AuthenticatorTest {
    private static TestGateway gateway;
    private static TestIdentities.On<Authenticator> auth;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(new JsonObject()
                .put("services", new JsonObject())
                .put("apps", new JsonObject().put("team", new JsonObject().put("services", new JsonArray())))
                .put("security", new JsonObject().put("enabled", true)));
        auth = TestIdentities.authenticator(gateway);
        putUser(gateway, "alice", "operator", "alice-secret-1");
    }

    @AfterAll
    static void stop() {
        if (auth != null) auth.call(() -> auth.it().close());
        if (gateway != null) gateway.close();
    }

    private static Principal authenticate(String header) {
        return auth.call(() -> auth.it().authenticate(header));
    }

    private static AuthFailure refusal(String header) {
        Throwable e = auth.failure(() -> auth.it().authenticate(header));
        assertThat(e).isInstanceOf(AuthFailure.class);
        return (AuthFailure) e;
    }

    private static String login(String user, String password) {
        return auth.call(() -> auth.it().login(user, password));
    }

    @Test
    void aSignedInUserIsWhoTheTokenSays() {
        String token = login("alice", "alice-secret-1");
        Principal p = authenticate("Bearer " + token);
        assertThat(p.subject()).isEqualTo("alice");
        assertThat(p.kind()).isEqualTo(Principal.Kind.USER);
        assertThat(p.role()).isEqualTo(Role.OPERATOR);
        assertThat(p.expiresAt()).isGreaterThan(System.currentTimeMillis());
        JsonObject claims = claims(token);
        assertThat(claims.getString("iss")).isEqualTo("mcpstore");
        assertThat(claims.getValue("aud").toString()).contains("mcpstore");
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(SecurityConfig.DEFAULT_TOKEN_TTL_SECONDS);
    }

    @Test
    void withSecurityOffEveryoneIsTheAnonymousAdmin() {
        Authenticator open = Authenticators.start(TestIdentities.vertx(gateway), SecurityConfig.OFF)
                .result();
        assertThat(open.authenticate(null).result()).isSameAs(Principal.ANONYMOUS);
        assertThat(open.authenticate("Bearer whatever").result()).isSameAs(Principal.ANONYMOUS);
    }

    @Test
    void aWrongPasswordOrUnknownUserIsRefused() {
        Throwable wrong = auth.failure(() -> auth.it().login("alice", "not-her-password"));
        Throwable unknown = auth.failure(() -> auth.it().login("nobody", "alice-secret-1"));
        assertThat(wrong).isInstanceOf(AuthFailure.class).hasMessage("wrong user name or password");
        assertThat(unknown).isInstanceOf(AuthFailure.class).hasMessage("wrong user name or password");
        assertThat(((AuthFailure) wrong).status()).isEqualTo(401);
    }

    @Test
    void noCredentialOrAnotherSchemeIs401() {
        assertThat(refusal(null).status()).isEqualTo(401);
        assertThat(refusal(null).error()).isNull();
        assertThat(refusal("Basic YWxpY2U6eA==").status()).isEqualTo(401);
        assertThat(refusal("Bearer not-a-token").error()).isEqualTo("invalid_token");
    }

    @Test
    void aKeyWorksUntilItIsRevokedAndThenAtOnceNot() {
        JsonObject key = createKey(gateway, "ci", "client", List.of("team"), List.of("fx__*", "!fx__delete_*"));
        assertThat(key.getString("key")).startsWith("mcps_" + key.getString("id") + "_");
        Principal p = authenticate("Bearer " + key.getString("key"));
        assertThat(p.subject()).isEqualTo("key:" + key.getString("id"));
        assertThat(p.kind()).isEqualTo(Principal.Kind.KEY);
        assertThat(p.name()).isEqualTo("ci");
        assertThat(p.role()).isEqualTo(Role.CLIENT);
        assertThat(p.mayUse("team")).isTrue();
        assertThat(p.mayUse(null)).isFalse();
        assertThat(p.mayUseTool("fx__echo")).isTrue();
        assertThat(p.mayUseTool("fx__delete_all")).isFalse();
        // cached now; the revocation must still take effect on the next request
        assertThat(authenticate("Bearer " + key.getString("key")).subject()).isEqualTo(p.subject());

        op(gateway, new JsonObject().put("op", "key.delete").put("name", key.getString("id")));

        AuthFailure revoked = refusal("Bearer " + key.getString("key"));
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked).hasMessageContaining("revoked");
    }

    @Test
    void aKeyWithAWrongSecretIsRefused() {
        String text = createKey(gateway, "x", "viewer", null, null).getString("key");
        String forged = text.substring(0, text.length() - 4) + (text.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThat(refusal("Bearer " + forged).status()).isEqualTo(401);
        assertThat(authenticate("Bearer " + text).role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void anExpiredKeyStopsWorking() {
        String expiresAt = Instant.now().plusSeconds(3).toString();
        JsonObject key = op(
                        gateway,
                        new JsonObject()
                                .put("op", "key.create")
                                .put(
                                        "entry",
                                        new JsonObject().put("name", "short").put("expiresAt", expiresAt)))
                .getJsonObject("key");
        assertThat(key.getString("expiresAt")).isEqualTo(expiresAt);
        String header = "Bearer " + key.getString("key");
        assertThat(authenticate(header).expiresAt())
                .isEqualTo(Instant.parse(expiresAt).toEpochMilli());
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(refusal(header)).hasMessageContaining("expired"));
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = login("alice", "alice-secret-1");
        String[] parts = token.split("\\.");
        JsonObject claims = claims(token).put("sub", "admin");
        String tampered = parts[0] + "." + b64(claims.encode()) + "." + parts[2];
        AuthFailure f = refusal("Bearer " + tampered);
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.error()).isEqualTo("invalid_token");
    }

    @Test
    void aTokenForAnotherAudienceOrExpiredIsRefused() throws Exception {
        String token = login("alice", "alice-secret-1");
        JsonObject claims = claims(token);
        // re-signed as it was: accepted (so the refusals below are for the claim changed, not the signing)
        assertThat(authenticate("Bearer " + resign(claims)).subject()).isEqualTo("alice");

        AuthFailure audience = refusal("Bearer " + resign(claims.copy().put("aud", "https://elsewhere.example")));
        assertThat(audience.status()).isEqualTo(401);
        assertThat(audience).hasMessageContaining("audience");

        long past = Instant.now().minusSeconds(120).getEpochSecond();
        AuthFailure expired =
                refusal("Bearer " + resign(claims.copy().put("iat", past - 60).put("exp", past)));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired).hasMessageContaining("expired");
    }

    @Test
    void aPasswordChangeOrDeletionEndsTheUsersTokens() {
        putUser(gateway, "bob", "viewer", "bob-secret-1");
        String token = login("bob", "bob-secret-1");
        assertThat(authenticate("Bearer " + token).role()).isEqualTo(Role.VIEWER);
        putUser(gateway, "bob", "viewer", "bob-secret-2");
        assertThat(refusal("Bearer " + token)).hasMessageContaining("password changed");
        String second = login("bob", "bob-secret-2");
        assertThat(authenticate("Bearer " + second).subject()).isEqualTo("bob");
        op(gateway, new JsonObject().put("op", "user.delete").put("name", "bob"));
        assertThat(refusal("Bearer " + second)).hasMessageContaining("no longer exists");
    }

    @Test
    void theLastAdminCannotBeDeletedOrDemoted() {
        JsonObject users = TestIdentities.identities(gateway).getJsonObject("users");
        assertThat(users.getJsonObject("admin").getString("role")).isEqualTo("admin");
        JsonObject delete =
                tryOp(gateway, new JsonObject().put("op", "user.delete").put("name", "admin"));
        assertThat(delete.getJsonObject("error").getInteger("status")).isEqualTo(409);
        JsonObject demote = tryOp(
                gateway,
                new JsonObject()
                        .put("op", "user.put")
                        .put("name", "admin")
                        .put("entry", new JsonObject().put("role", "viewer")));
        assertThat(demote.getJsonObject("error").getInteger("status")).isEqualTo(409);
    }

    @Test
    void invalidEntriesNameTheirKey() {
        assertThat(field(new JsonObject()
                        .put("op", "user.put")
                        .put("name", "carol")
                        .put("entry", new JsonObject().put("role", "boss").put("password", "carol-secret"))))
                .isEqualTo("users.carol.role");
        assertThat(field(new JsonObject()
                        .put("op", "user.put")
                        .put("name", "carol")
                        .put("entry", new JsonObject().put("role", "viewer").put("password", "short"))))
                .isEqualTo("users.carol.password");
        assertThat(field(new JsonObject()
                        .put("op", "user.put")
                        .put("name", "carol")
                        .put("entry", new JsonObject().put("role", "viewer"))))
                .isEqualTo("users.carol.password");
        assertThat(field(key(new JsonObject().put("name", "k").put("role", "root"))))
                .isEqualTo("keys.role");
        assertThat(field(key(new JsonObject().put("name", "k").put("apps", new JsonArray().add("nope")))))
                .isEqualTo("keys.apps");
        assertThat(field(key(new JsonObject().put("name", "k").put("tools", new JsonArray().add("!")))))
                .isEqualTo("keys.tools");
        assertThat(field(key(new JsonObject().put("name", "k").put("expiresAt", "tomorrow"))))
                .isEqualTo("keys.expiresAt");
        assertThat(field(key(new JsonObject().put("name", "k").put("expiresAt", "2020-01-01T00:00:00Z"))))
                .isEqualTo("keys.expiresAt");
        assertThat(field(key(new JsonObject().put("role", "client")))).isEqualTo("keys.name");
        JsonObject unknown =
                tryOp(gateway, new JsonObject().put("op", "key.delete").put("name", "nosuchkey123"));
        assertThat(unknown.getJsonObject("error").getInteger("status")).isEqualTo(404);
    }

    private static JsonObject key(JsonObject entry) {
        return new JsonObject().put("op", "key.create").put("entry", entry);
    }

    private static String field(JsonObject op) {
        JsonObject error = tryOp(gateway, op).getJsonObject("error");
        assertThat(error).as("refused: " + op.encode()).isNotNull();
        assertThat(error.getInteger("status")).isEqualTo(400);
        return error.getString("field");
    }

    private static String resign(JsonObject claims) throws Exception {
        String key = TestIdentities.identities(gateway).getJsonObject("signing").getString("jwtKey");
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
        for (Map.Entry<String, Object> e : claims) {
            switch (e.getKey()) {
                case "iat", "exp" -> b.claim(e.getKey(), new Date(((Number) e.getValue()).longValue() * 1000));
                case "aud" ->
                    b.audience(
                            e.getValue() instanceof JsonArray a ? a.getList() : List.of(String.valueOf(e.getValue())));
                default -> b.claim(e.getKey(), e.getValue());
            }
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), b.build());
        jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JsonObject claims(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
