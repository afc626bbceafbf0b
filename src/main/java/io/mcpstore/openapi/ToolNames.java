package io.mcpstore.openapi;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Tool names for operations: the {@code operationId} where there is one, else method and path ({@code GET
 * /pets/{id}} is {@code get_pets_id}), as 1–64 letters, digits, {@code _} and {@code -} (what every MCP client
 * accepts, and room for the gateway's service prefix); a name already taken gets {@code _2}, {@code _3}, ….
 */
final class ToolNames {
    static final int MAX_LENGTH = 64;

    private final Set<String> taken = new HashSet<>();

    /** A unique name for the operation. */
    String name(String operationId, String method, String path) {
        String base = operationId == null || operationId.isBlank() ? null : clean(operationId);
        if (base == null || base.isEmpty()) base = clean(method.toLowerCase(Locale.ROOT) + "_" + path);
        if (base.isEmpty()) base = method.toLowerCase(Locale.ROOT);
        String name = base;
        for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
            String suffix = "_" + n;
            name = cut(base, MAX_LENGTH - suffix.length()) + suffix;
        }
        return name;
    }

    /** Other characters become {@code _}; runs of {@code _} one; none at either end. */
    static String clean(String raw) {
        String s = raw.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("_{2,}", "_");
        s = s.replaceAll("^[_-]+|[_-]+$", "");
        return cut(s, MAX_LENGTH);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
