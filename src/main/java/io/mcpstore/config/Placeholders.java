package io.mcpstore.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${...}} references in service settings when an upstream starts, so that the stored config keeps
 * the reference (never the secret): {@code ${env:NAME}}, {@code ${env:NAME:-default}}, {@code ${java}} (this JVM's
 * executable), {@code ${mcpstore.classpath}} (the classpath this gateway runs from, for the demo server) and {@code
 * ${enc:…}} (a secret the store encrypted, see {@link SecretBox}).
 */
public final class Placeholders {
    private Placeholders() {}

    private static final Pattern REF = Pattern.compile("\\$\\{([^}]+)}");

    public static String resolve(String value) {
        return resolve(value, System::getenv);
    }

    public static String resolve(String value, Function<String, String> env) {
        if (value == null || !value.contains("${")) return value;
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(lookup(m.group(1), env)));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static Map<String, String> resolve(Map<String, String> values) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, resolve(v)));
        return out;
    }

    private static String lookup(String ref, Function<String, String> env) {
        if (ref.equals("java")) {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        if (ref.equals("mcpstore.classpath")) return System.getProperty("java.class.path");
        if (ref.startsWith("enc:")) {
            SecretBox box = SecretBox.current();
            if (box == null) throw new ConfigException("${enc:…}", "an encrypted value needs MCPSTORE_SECRET_KEY");
            return box.open(ref.substring(4), "${enc:…}");
        }
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            String dflt = null;
            int sep = name.indexOf(":-");
            if (sep >= 0) {
                dflt = name.substring(sep + 2);
                name = name.substring(0, sep);
            }
            String v = env.apply(name);
            if (v != null) return v;
            if (dflt != null) return dflt;
            throw new ConfigException("${" + ref + "}", "environment variable " + name + " is not set");
        }
        throw new ConfigException(
                "${" + ref + "}", "unknown reference (use ${env:NAME}, ${java} or ${mcpstore.classpath})");
    }
}
