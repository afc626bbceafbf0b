package io.mcpstore.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which tools a key or user may see and call, by public tool name: globs ({@code github__*}, {@code *_read}; {@code *}
 * any run of characters, {@code ?} one) and exclusions ({@code !github__delete_*}). A tool is allowed when it matches
 * some inclusion (or there is none) and no exclusion. No patterns at all: every tool.
 */
public final class ToolPatterns {
    public static final ToolPatterns ALL = new ToolPatterns(List.of());

    private final List<String> patterns;
    private final List<Pattern> include = new ArrayList<>();
    private final List<Pattern> exclude = new ArrayList<>();

    private ToolPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        for (String p : patterns) {
            if (p.startsWith("!")) exclude.add(glob(p.substring(1)));
            else include.add(glob(p));
        }
    }

    /** The patterns as configured; null or empty means every tool. Blank patterns are refused. */
    public static ToolPatterns of(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) return ALL;
        for (String p : patterns) {
            if (p == null || p.isBlank() || p.equals("!")) {
                throw new IllegalArgumentException("a tool pattern may not be empty");
            }
        }
        return new ToolPatterns(patterns);
    }

    public boolean allows(String tool) {
        for (Pattern p : exclude) {
            if (p.matcher(tool).matches()) return false;
        }
        if (include.isEmpty()) return true;
        for (Pattern p : include) {
            if (p.matcher(tool).matches()) return true;
        }
        return false;
    }

    /** Whether every tool is allowed (nothing to filter). */
    public boolean all() {
        return patterns.isEmpty();
    }

    public List<String> patterns() {
        return patterns;
    }

    /** The pattern of one glob: {@code *} any run of characters, {@code ?} one, the rest literal. */
    public static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolPatterns t && t.patterns.equals(patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
