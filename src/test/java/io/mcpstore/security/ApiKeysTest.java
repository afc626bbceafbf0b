package io.mcpstore.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void aKeyHasItsIdAndA256BitSecretAndOnlyItsHashIsKept() {
        ApiKeys.Generated g = ApiKeys.generate();
        assertThat(g.id()).hasSize(ApiKeys.ID_LENGTH).matches("[a-z0-9]+");
        assertThat(g.key()).startsWith("mcps_" + g.id() + "_");
        assertThat(g.key().substring(("mcps_" + g.id() + "_").length())).hasSize(43); // 32 bytes, base64url
        assertThat(g.hash()).matches("[0-9a-f]{64}").isEqualTo(ApiKeys.hash(g.key()));
        assertThat(g.hash()).doesNotContain(g.key().substring(18));
        assertThat(ApiKeys.idOf(g.key())).isEqualTo(g.id());
    }

    @Test
    void matchesOnlyTheExactKey() {
        ApiKeys.Generated g = ApiKeys.generate();
        assertThat(ApiKeys.matches(g.key(), g.hash())).isTrue();
        assertThat(ApiKeys.matches(g.key() + "x", g.hash())).isFalse();
        assertThat(ApiKeys.matches(ApiKeys.generate().key(), g.hash())).isFalse();
        assertThat(ApiKeys.matches(g.key(), "zz")).isFalse();
        assertThat(ApiKeys.matches(null, g.hash())).isFalse();
    }

    @Test
    void keysDiffer() {
        assertThat(ApiKeys.generate().key()).isNotEqualTo(ApiKeys.generate().key());
    }

    @Test
    void textsOfAnotherShapeHaveNoId() {
        assertThat(ApiKeys.idOf("mcps_short")).isNull();
        assertThat(ApiKeys.idOf("mcps_ABCDEFGHIJKL_secret")).isNull();
        assertThat(ApiKeys.idOf("mcps_abcdefghijklXsecret")).isNull();
        assertThat(ApiKeys.idOf("ghp_abcdefghijkl_secret")).isNull();
        assertThat(ApiKeys.idOf(null)).isNull();
    }
}
