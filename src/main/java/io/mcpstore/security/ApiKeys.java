package io.mcpstore.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key texts: {@code mcps_<id>_<secret>}, a 12-character id (what lists and revocation name) and 32 random bytes
 * (base64url). Only the hex SHA-256 of the whole text is stored: a key has 256 bits of entropy, so a fast hash is
 * enough (as GitHub's and Stripe's tokens are kept), and checking one stays cheap on every call.
 */
public final class ApiKeys {
    public static final String PREFIX = "mcps_";
    public static final int ID_LENGTH = 12;

    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** A new key: its id, its text (shown once) and the hash that is stored. */
    public record Generated(String id, String key, String hash) {}

    public static Generated generate() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Generated(id.toString(), key, hash(key));
    }

    /** Whether {@code token} has the shape of one of our keys (it may still be unknown). */
    public static boolean looksLikeKey(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    /** The id of a key text, or null when it does not have the shape {@code mcps_<id>_<secret>}. */
    public static String idOf(String key) {
        if (!looksLikeKey(key) || key.length() < PREFIX.length() + ID_LENGTH + 2) return null;
        if (key.charAt(PREFIX.length() + ID_LENGTH) != '_') return null;
        String id = key.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        for (char c : id.toCharArray()) {
            if (ID_ALPHABET.indexOf(c) < 0) return null;
        }
        return id;
    }

    /** Hex SHA-256 of the whole key text. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** Whether {@code key} hashes to {@code storedHex}, compared in constant time. */
    public static boolean matches(String key, String storedHex) {
        if (key == null || storedHex == null) return false;
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(storedHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(key), stored);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
