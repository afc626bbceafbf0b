package io.mcpstore.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets the store keeps, when a key is configured ({@code MCPSTORE_SECRET_KEY}, or the system
 * property {@code mcpstore.secretKey}): a literal secret ({@link Secrets} says which parts of an entry are) written
 * through the API or an import is stored as {@code ${enc:…}} (AES-256-GCM, key = SHA-256 of the configured key) and
 * decrypted only when the upstream starts; an export carries it sealed the same way. Without a key, literal values are
 * stored as given.
 */
public final class SecretBox {
    private static final String PREFIX = "${enc:";
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(digest, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The configured box, or null when no key is set. */
    public static SecretBox current() {
        String secret = System.getProperty("mcpstore.secretKey");
        if (secret == null || secret.isEmpty()) secret = System.getenv("MCPSTORE_SECRET_KEY");
        return secret == null || secret.isEmpty() ? null : new SecretBox(secret);
    }

    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX) && value.endsWith("}");
    }

    /** A literal value sealed as {@code ${enc:…}}; references ({@code ${…}}) and sealed values stay as they are. */
    public String seal(String value) {
        if (value == null || value.contains("${")) return value;
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(iv.length + sealed.length)
                    .put(iv)
                    .put(sealed)
                    .array();
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out) + "}";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value inside {@code enc:…} (the reference's body, without {@code ${}}). */
    String open(String body, String ref) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(body);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, IV_BYTES));
            return new String(cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException(ref, "cannot be decrypted with the configured MCPSTORE_SECRET_KEY");
        }
    }
}
