package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which parts of a service entry are secrets, and the one place that decides what becomes of them when the entry
 * leaves the gateway (redacted in API answers, logs and errors; sealed or left out in exports) or comes in (a
 * {@code ***} sent back keeps the stored value, an {@code ${enc:…}} must open with this gateway's key, literals are
 * sealed when a key is set).
 *
 * <p>The secret parts: every {@code env}, {@code headers} and {@code query} value; a rest service's {@code auth}
 * password, token and clientSecret; in a URL ({@code url}, {@code baseUrl}, an auth {@code tokenUrl}, or an argument
 * that is a URL) the user info and every query value; in {@code args}, the value of a secret-named option ({@code
 * --api-key=…}, {@code GITHUB_TOKEN=…}) and the argument after one given alone ({@code --token …}). A name is secret
 * when one of its words ({@code -}, {@code _} or {@code .} separated) is token, secret, password, passwd, pass, pwd,
 * passphrase, key, apikey, auth, authorization, credential(s), bearer or pat, or ends in token, secret, password or
 * apikey. A part that holds a reference ({@code ${env:…}}, {@code ${java}}, {@code ${mcpstore.classpath}}) is not a
 * secret — the secret is in the environment — and is always shown as written.
 */
public final class Secrets {
    private Secrets() {}

    /** What is shown instead of a secret; sent back, it keeps the stored value. */
    public static final String REDACTED = "***";

    private static final Pattern URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)", Pattern.DOTALL);
    private static final Pattern OPTION =
            Pattern.compile("(-{1,2}[A-Za-z0-9][A-Za-z0-9_.-]*|[A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);
    private static final Pattern FLAG = Pattern.compile("-{1,2}[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\{(env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?|java|mcpstore\\.classpath)}");
    private static final Pattern SEALED = Pattern.compile("\\$\\{enc:([^}]*)}");
    private static final Set<String> SECRET_WORDS = Set.of(
            "token",
            "secret",
            "password",
            "passwd",
            "pass",
            "pwd",
            "passphrase",
            "key",
            "apikey",
            "auth",
            "authorization",
            "credential",
            "credentials",
            "bearer",
            "pat");
    /** The entry's fields that hold a URL, and those that hold a map whose every value is a secret. */
    private static final List<String> URL_FIELDS = List.of("url", "baseUrl");

    private static final List<String> MAP_FIELDS = List.of("env", "headers", "query");
    private static final List<String> SECRET_ENDINGS = List.of("token", "secret", "password", "apikey");

    // ---- what leaves the gateway

    /** {@code url} with its user info and query values redacted (references shown as written); null stays null. */
    public static String redactUrl(String url) {
        return url == null ? null : url(url, Secrets::redactPart);
    }

    /** A service entry as the API, the logs and {@code /health/ready} may show it. */
    public static JsonObject redact(JsonObject entry) {
        return walk(entry, Secrets::redactPart);
    }

    /**
     * A service entry as an export carries it: references as written; secrets sealed with this gateway's key so that
     * an import into a gateway with the same key restores them, or — without a key — left out as {@code ***}, which an
     * import takes as "keep what is stored".
     */
    public static JsonObject export(JsonObject entry) {
        SecretBox box = SecretBox.current();
        return walk(entry, part -> {
            if (part.isEmpty() || isReference(part) || SEALED.matcher(part).find()) return part;
            return box == null ? REDACTED : box.seal(part);
        });
    }

    /** Whether an export made now carries secrets encrypted (a key is set) or left out. */
    public static boolean exportsSealed() {
        return SecretBox.current() != null;
    }

    // ---- what comes in

    /**
     * A service entry as given to the store (through the API or an import), made ready to be stored: a value with a
     * {@code ***} in place of a secret takes the stored one (it must otherwise be unchanged), every {@code ${enc:…}}
     * must open with this gateway's key, and literal secrets are sealed when a key is set. A {@link ConfigException}
     * names the key.
     *
     * @param stored the entry stored under this name now, or null
     * @param key the entry's path, {@code services.NAME}
     */
    public static JsonObject accept(JsonObject given, JsonObject stored, String key) {
        JsonObject out = given.copy();
        JsonObject old = stored == null ? new JsonObject() : stored;
        for (String field : URL_FIELDS) {
            if (out.getValue(field) instanceof String url && redactedIn(f -> url(url, f))) {
                out.put(field, restored(url, old.getValue(field) instanceof String s ? s : null, key + "." + field));
            }
        }
        if (out.getValue("auth") instanceof JsonObject auth) {
            JsonObject storedAuth = old.getValue("auth") instanceof JsonObject a ? a : new JsonObject();
            JsonObject restored = auth.copy();
            for (String field : RestConfig.Auth.SECRET_FIELDS) {
                if (!REDACTED.equals(auth.getValue(field))) continue;
                Object s = storedAuth.getValue(field);
                if (s == null) throw nothingStored(key + ".auth." + field);
                restored.put(field, s);
            }
            if (restored.getValue("tokenUrl") instanceof String url && redactedIn(f -> url(url, f))) {
                restored.put(
                        "tokenUrl",
                        restored(
                                url,
                                storedAuth.getValue("tokenUrl") instanceof String s ? s : null,
                                key + ".auth.tokenUrl"));
            }
            out.put("auth", restored);
        }
        if (out.getValue("args") instanceof JsonArray args) {
            List<String> given0 = strings(args);
            List<String> storedArgs = old.getValue("args") instanceof JsonArray a ? strings(a) : List.of();
            List<String> shownStored = args(storedArgs, Secrets::redactPart);
            JsonArray restored = new JsonArray();
            for (int i = 0; i < args.size(); i++) {
                int at = i;
                if (!redactedIn(f -> arg(given0, at, f))) {
                    restored.add(args.getValue(i));
                    continue;
                }
                String k = key + ".args[" + i + "]";
                if (i >= storedArgs.size()) throw nothingStored(k);
                if (!shownStored.get(i).equals(given0.get(i))) throw differs(k);
                restored.add(storedArgs.get(i));
            }
            out.put("args", restored);
        }
        for (String field : MAP_FIELDS) {
            if (!(out.getValue(field) instanceof JsonObject values)) continue;
            JsonObject storedValues = old.getValue(field) instanceof JsonObject o ? o : new JsonObject();
            JsonObject restored = new JsonObject();
            values.forEach(e -> {
                if (REDACTED.equals(e.getValue())) {
                    Object s = storedValues.getValue(e.getKey());
                    if (s == null) throw nothingStored(key + "." + field + "." + e.getKey());
                    restored.put(e.getKey(), s);
                } else {
                    restored.put(e.getKey(), e.getValue());
                }
            });
            out.put(field, restored);
        }
        opens(out, key);
        SecretBox box = SecretBox.current();
        return box == null ? out : walk(out, part -> part.isEmpty() || part.contains("${") ? part : box.seal(part));
    }

    /** Every {@code ${enc:…}} in the entry opens with this gateway's key, else an error naming the key and why. */
    private static void opens(JsonObject entry, String key) {
        SecretBox box = SecretBox.current();
        for (String field : List.of("command", "url", "cwd", "baseUrl")) {
            if (entry.getValue(field) instanceof String s) opens(s, box, key + "." + field);
        }
        if (entry.getValue("auth") instanceof JsonObject auth) {
            auth.forEach(e -> {
                if (e.getValue() instanceof String s) opens(s, box, key + ".auth." + e.getKey());
            });
        }
        if (entry.getValue("args") instanceof JsonArray args) {
            for (int i = 0; i < args.size(); i++) {
                if (args.getValue(i) instanceof String s) opens(s, box, key + ".args[" + i + "]");
            }
        }
        for (String field : MAP_FIELDS) {
            if (!(entry.getValue(field) instanceof JsonObject values)) continue;
            values.forEach(e -> {
                if (e.getValue() instanceof String s) opens(s, box, key + "." + field + "." + e.getKey());
            });
        }
    }

    private static void opens(String value, SecretBox box, String key) {
        Matcher m = SEALED.matcher(value);
        while (m.find()) {
            if (box == null) {
                throw new ConfigException(
                        key,
                        "is encrypted (${enc:…}) but this gateway has no MCPSTORE_SECRET_KEY: start it with the key"
                                + " of the gateway that exported it, or give the value");
            }
            try {
                box.open(m.group(1), key);
            } catch (ConfigException e) {
                throw new ConfigException(
                        key,
                        "is encrypted with a different MCPSTORE_SECRET_KEY than this gateway's: start it with the key"
                                + " of the gateway that exported it, or give the value");
            }
        }
    }

    private static String restored(String given, String stored, String key) {
        if (stored == null) throw nothingStored(key);
        if (!redactUrl(stored).equals(given)) throw differs(key);
        return stored;
    }

    private static ConfigException nothingStored(String key) {
        return new ConfigException(
                key,
                "is '" + REDACTED + "' (redacted) but no value is stored for it here: give the value, or export from a"
                        + " gateway with an MCPSTORE_SECRET_KEY and import into one with the same key");
    }

    private static ConfigException differs(String key) {
        return new ConfigException(
                key,
                "has '" + REDACTED + "' in place of a secret but differs from the stored value elsewhere: give the"
                        + " secret in full");
    }

    // ---- finding the parts

    /** A configured value (a header, a query value) as shown: a reference as written, anything else {@code ***}. */
    public static String redactValue(String part) {
        return redactPart(part);
    }

    private static String redactPart(String part) {
        return part.isEmpty() || isReference(part) ? part : REDACTED;
    }

    private static boolean isReference(String part) {
        return REFERENCE.matcher(part).find() && !SEALED.matcher(part).find();
    }

    /** The entry with {@code f} applied to each secret part of its url, args, env and headers. */
    private static JsonObject walk(JsonObject entry, UnaryOperator<String> f) {
        JsonObject out = entry.copy();
        for (String field : URL_FIELDS) {
            if (out.getValue(field) instanceof String url) out.put(field, url(url, f));
        }
        if (out.getValue("auth") instanceof JsonObject auth) {
            JsonObject changed = auth.copy();
            for (String field : RestConfig.Auth.SECRET_FIELDS) {
                if (changed.getValue(field) instanceof String s) changed.put(field, f.apply(s));
            }
            if (changed.getValue("tokenUrl") instanceof String url) changed.put("tokenUrl", url(url, f));
            out.put("auth", changed);
        }
        if (out.getValue("args") instanceof JsonArray args) {
            List<String> changed = args(strings(args), f);
            JsonArray list = new JsonArray();
            for (int i = 0; i < args.size(); i++) {
                list.add(args.getValue(i) instanceof String ? changed.get(i) : args.getValue(i));
            }
            out.put("args", list);
        }
        for (String field : MAP_FIELDS) {
            if (!(out.getValue(field) instanceof JsonObject values)) continue;
            JsonObject changed = new JsonObject();
            values.forEach(e -> changed.put(e.getKey(), e.getValue() instanceof String s ? f.apply(s) : e.getValue()));
            out.put(field, changed);
        }
        return out;
    }

    /** Whether {@code walker}, run over one value, meets a {@code ***} where a secret goes. */
    private static boolean redactedIn(Consumer<UnaryOperator<String>> walker) {
        boolean[] found = {false};
        walker.accept(part -> {
            if (part.equals(REDACTED)) found[0] = true;
            return part;
        });
        return found[0];
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v instanceof String s ? s : String.valueOf(v)));
        return out;
    }

    private static List<String> args(List<String> args, UnaryOperator<String> f) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) out.add(arg(args, i, f));
        return out;
    }

    /** {@code args[i]} with {@code f} applied to its secret parts (the argument before it decides some). */
    private static String arg(List<String> args, int i, UnaryOperator<String> f) {
        String a = args.get(i);
        if (i > 0 && isSecretFlag(args.get(i - 1)) && !a.startsWith("-")) return f.apply(a);
        Matcher option = OPTION.matcher(a);
        if (option.matches() && isSecretName(option.group(1))) return option.group(1) + "=" + f.apply(option.group(2));
        if (URL.matcher(a).matches()) return url(a, f);
        return a;
    }

    private static boolean isSecretFlag(String a) {
        return FLAG.matcher(a).matches() && isSecretName(a);
    }

    /** Whether a name (an option, a variable, a field) names a secret. */
    public static boolean isSecretName(String name) {
        String n = name.replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
        for (String word : n.split("[-_.]")) {
            if (SECRET_WORDS.contains(word)) return true;
            for (String ending : SECRET_ENDINGS) {
                if (word.endsWith(ending)) return true;
            }
        }
        return false;
    }

    /** {@code url} with {@code f} applied to its user info and to each query value (or bare query item). */
    private static String url(String url, UnaryOperator<String> f) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) return url;
        StringBuilder out = new StringBuilder(m.group(1));
        String authority = m.group(2);
        int at = authority.lastIndexOf('@');
        if (at >= 0) out.append(f.apply(authority.substring(0, at))).append(authority.substring(at));
        else out.append(authority);
        String rest = m.group(3);
        int q = rest.indexOf('?');
        if (q < 0) return out.append(rest).toString();
        int hash = rest.indexOf('#', q);
        String query = hash < 0 ? rest.substring(q + 1) : rest.substring(q + 1, hash);
        out.append(rest, 0, q + 1);
        String[] items = query.split("&", -1);
        for (int i = 0; i < items.length; i++) {
            if (i > 0) out.append('&');
            String item = items[i];
            int eq = item.indexOf('=');
            if (eq < 0) out.append(f.apply(item));
            else out.append(item, 0, eq + 1).append(f.apply(item.substring(eq + 1)));
        }
        if (hash >= 0) out.append(rest.substring(hash));
        return out.toString();
    }
}
