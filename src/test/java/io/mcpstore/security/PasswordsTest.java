package io.mcpstore.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PasswordsTest {
    @Test
    void aHashIsAPbkdf2PhcStringThatVerifiesOnlyItsPassword() {
        String hash = Passwords.hash("correct horse battery");
        assertThat(hash).startsWith("$pbkdf2$it=" + Passwords.ITERATIONS + "$").doesNotContain("correct horse");
        assertThat(Passwords.verify(hash, "correct horse battery")).isTrue();
        assertThat(Passwords.verify(hash, "correct horse batterY")).isFalse();
        assertThat(Passwords.verify(hash, "")).isFalse();
        assertThat(Passwords.verify(hash, null)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(Passwords.hash("same password")).isNotEqualTo(Passwords.hash("same password"));
    }

    @Test
    void malformedOrMissingHashesMatchNothing() {
        assertThat(Passwords.verify(null, "x")).isFalse();
        assertThat(Passwords.verify("not a hash", "x")).isFalse();
        assertThat(Passwords.verify("$pbkdf2$it=1$$", "x")).isFalse();
    }

    @Test
    void theVertxVariantsRunOffTheEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            String hash = vertx.getOrCreateContext()
                    .<String>executeBlocking(() -> null)
                    .compose(ignored -> Passwords.hash(vertx, "eight chars"))
                    .await(30, TimeUnit.SECONDS);
            assertThat(Passwords.verify(vertx, hash, "eight chars").await(30, TimeUnit.SECONDS))
                    .isTrue();
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void generatedPasswordsAreLongAndDiffer() {
        String a = Passwords.generate();
        assertThat(a).hasSize(24).matches("[A-Za-z0-9_-]+");
        assertThat(a).isNotEqualTo(Passwords.generate());
    }
}
