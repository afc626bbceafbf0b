package io.mcpstore.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.1 / OIDC authorization server for tests: on 127.0.0.1 and a free port it publishes the JWKS of an RSA
 * key (nimbus-jose-jwt) at {@link #jwksUrl()} and its metadata at {@code /.well-known/oauth-authorization-server},
 * and signs access tokens with {@link #token}. Close it when done.
 */
public final class TestIssuer implements AutoCloseable {
    private final HttpServer server;
    private final String issuer;
    private volatile RSAKey key;
    private final AtomicInteger jwksRequests = new AtomicInteger();

    private TestIssuer(HttpServer server) {
        this.server = server;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        this.key = newKey();
    }

    public static TestIssuer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            TestIssuer issuer = new TestIssuer(server);
            server.createContext("/jwks.json", exchange -> {
                issuer.jwksRequests.incrementAndGet();
                byte[] body =
                        new JWKSet(issuer.key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.createContext("/.well-known/oauth-authorization-server", exchange -> {
                byte[] body = ("{\"issuer\":\"" + issuer.issuer + "\",\"jwks_uri\":\"" + issuer.jwksUrl()
                                + "\",\"token_endpoint\":\"" + issuer.issuer + "/token\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code iss} of its tokens: {@code http://127.0.0.1:PORT}. */
    public String issuer() {
        return issuer;
    }

    public String jwksUrl() {
        return issuer + "/jwks.json";
    }

    /** How often the JWKS was fetched. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** A {@code security.oauth} section trusting this issuer for {@code audience}, needing {@code scopes}. */
    public io.vertx.core.json.JsonObject oauthConfig(String audience, String... scopes) {
        return new io.vertx.core.json.JsonObject()
                .put("issuer", issuer)
                .put("jwksUrl", jwksUrl())
                .put("audience", audience)
                .put("scopes", new io.vertx.core.json.JsonArray(List.of(scopes)));
    }

    /** An access token for {@code sub}, meant for {@code aud}, with {@code scopes}, expiring in so many seconds. */
    public String token(String sub, String aud, List<String> scopes, long expiresInSeconds) {
        return sign(key, issuer, sub, aud, scopes, expiresInSeconds);
    }

    /** As {@link #token}, signed by a key this issuer never published. */
    public String tokenWithUnpublishedKey(String sub, String aud, List<String> scopes, long expiresInSeconds) {
        return sign(newKey(), issuer, sub, aud, scopes, expiresInSeconds);
    }

    /** A new signing key under a new key id; the JWKS publishes only the new one from now on. */
    public void rotate() {
        key = newKey();
    }

    private static String sign(RSAKey key, String iss, String sub, String aud, List<String> scopes, long expiresIn) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(iss)
                .subject(sub)
                .audience(aud)
                .issueTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plusSeconds(expiresIn)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", String.join(" ", scopes))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString())
                    .algorithm(JWSAlgorithm.RS256)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
