package io.mcpstore.config;

/** A config that cannot be used. The message names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The dotted path of the offending key, e.g. {@code services.github.url}. */
    public String key() {
        return key;
    }
}
