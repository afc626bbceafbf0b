package io.mcpstore.demo;

import java.util.List;
import java.util.Locale;

/** Suggests values for a prompt argument or template variable from what the user has typed so far. */
@FunctionalInterface
public interface Completer {
    List<String> complete(String prefix);

    /** Suggests the candidates that start with the typed prefix, ignoring case. */
    static Completer of(List<String> candidates) {
        List<String> copy = List.copyOf(candidates);
        return prefix -> {
            String p = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT);
            return copy.stream()
                    .filter(c -> c.toLowerCase(Locale.ROOT).startsWith(p))
                    .toList();
        };
    }
}
