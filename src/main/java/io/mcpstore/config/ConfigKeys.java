package io.mcpstore.config;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The keys one config section knows. Anything else is a {@link ConfigException} naming the key and, when a known one
 * is close (a typo), the key meant: {@code servces: unknown key; did you mean 'services'?}. Each parser keeps its
 * section's keys in one constant beside it, so adding a key is adding one name there.
 */
public record ConfigKeys(List<String> names) {
    public ConfigKeys {
        names = List.copyOf(names);
    }

    public static ConfigKeys of(String... names) {
        return new ConfigKeys(List.of(names));
    }

    /** Fails on the first key of {@code json} that is not known; {@code section} is its path ("" at the top). */
    public void check(JsonObject json, String section) {
        for (String key : json.fieldNames()) {
            if (!names.contains(key)) throw unknown(key, section);
        }
    }

    /** The known key spelled {@code segment} in any case ({@code MAXBODYBYTES} → {@code maxBodyBytes}), or null. */
    public String canonical(String segment) {
        for (String name : names) {
            if (name.equalsIgnoreCase(segment)) return name;
        }
        return null;
    }

    /** The error for {@code key} in {@code section}, with the key meant when one is close. */
    public ConfigException unknown(String key, String section) {
        String meant = closest(key);
        String hint =
                meant != null ? "; did you mean '" + meant + "'?" : " (known keys: " + String.join(", ", names) + ")";
        return new ConfigException(section.isEmpty() ? key : section + "." + key, "unknown key" + hint);
    }

    /** The known key within a typo's reach of {@code key} (edit distance, ignoring case), or null. */
    public String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(key.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (d <= Math.max(2, name.length() / 3) && d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
