package io.mcpstore.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Users' password hashes: PBKDF2-HMAC-SHA512 through vertx-auth-common's {@link HashingStrategy}, stored as its PHC
 * string ({@code $pbkdf2$it=…$salt$hash}). Hashing is slow by design, so the {@code Vertx} variants run it off the event
 * loop.
 */
public final class Passwords {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA512. */
    static final int ITERATIONS = 210_000;

    public static final int MIN_LENGTH = 8;

    private static final HashingStrategy STRATEGY = HashingStrategy.load();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Verified against when the user is unknown, so that a wrong name costs as long as a wrong password. */
    private static volatile String dummy;

    private Passwords() {}

    /** The PHC string of {@code password} with a fresh salt (blocking: about a tenth of a second). */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return STRATEGY.hash(
                "pbkdf2",
                Map.of("it", String.valueOf(ITERATIONS)),
                Base64.getEncoder().withoutPadding().encodeToString(salt),
                password);
    }

    /** Whether {@code password} matches {@code phc} (blocking); null or malformed hashes match nothing. */
    public static boolean verify(String phc, String password) {
        if (password == null) return false;
        if (phc == null) {
            String d = dummy;
            if (d == null) dummy = d = hash("not a password of anyone's");
            STRATEGY.verify(d, password);
            return false;
        }
        try {
            return STRATEGY.verify(phc, password);
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static Future<String> hash(Vertx vertx, String password) {
        return vertx.executeBlocking(() -> hash(password), false);
    }

    public static Future<Boolean> verify(Vertx vertx, String phc, String password) {
        return vertx.executeBlocking(() -> verify(phc, password), false);
    }

    /** A random password for the first admin: 18 random bytes, base64url (24 characters). */
    public static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
