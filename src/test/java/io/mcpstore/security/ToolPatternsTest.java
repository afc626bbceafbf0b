package io.mcpstore.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolPatternsTest {
    @Test
    void noPatternsAllowEveryTool() {
        assertThat(ToolPatterns.of(null).allows("anything")).isTrue();
        assertThat(ToolPatterns.of(List.of()).all()).isTrue();
    }

    @Test
    void globsIncludeAndExclusionsWin() {
        ToolPatterns p = ToolPatterns.of(List.of("github__*", "!github__delete_*"));
        assertThat(p.allows("github__create_issue")).isTrue();
        assertThat(p.allows("github__delete_repo")).isFalse();
        assertThat(p.allows("slack__post")).isFalse();
        assertThat(p.all()).isFalse();
    }

    @Test
    void onlyExclusionsAllowTheRest() {
        ToolPatterns p = ToolPatterns.of(List.of("!*_write"));
        assertThat(p.allows("fs_read")).isTrue();
        assertThat(p.allows("fs_write")).isFalse();
    }

    @Test
    void questionMarkIsOneCharacterAndOtherCharactersAreLiteral() {
        ToolPatterns p = ToolPatterns.of(List.of("v?.tool", "a+b"));
        assertThat(p.allows("v1.tool")).isTrue();
        assertThat(p.allows("v12.tool")).isFalse();
        assertThat(p.allows("v1xtool")).isFalse();
        assertThat(p.allows("a+b")).isTrue();
        assertThat(p.allows("aab")).isFalse();
    }

    @Test
    void patternsMatchTheWholeName() {
        ToolPatterns p = ToolPatterns.of(List.of("echo"));
        assertThat(p.allows("echo")).isTrue();
        assertThat(p.allows("fx__echo")).isFalse();
        assertThat(p.allows("echo2")).isFalse();
    }

    @Test
    void blankPatternsAreRefused() {
        assertThatThrownBy(() -> ToolPatterns.of(List.of(""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToolPatterns.of(List.of("!"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToolPatterns.of(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalPatternListsAreEqual() {
        assertThat(ToolPatterns.of(List.of("a*"))).isEqualTo(ToolPatterns.of(List.of("a*")));
        assertThat(ToolPatterns.of(List.of("a*"))).isNotEqualTo(ToolPatterns.of(List.of("b*")));
    }
}
