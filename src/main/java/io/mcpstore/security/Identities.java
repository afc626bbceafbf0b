package io.mcpstore.security;

import io.mcpstore.config.ConfigException;
import io.mcpstore.config.ConfigKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The config store's {@code users} and {@code keys} sections: their shapes, their validation (every error names its
 * key), the principals they stand for, and the forms the API shows (never a hash).
 *
 * <pre>
 * users: {NAME: {role, passwordHash, apps?: [..], tools?: [..], created, changed?}}
 * keys:  {ID: {name, role, hash, apps?, tools?, created, createdBy, expiresAt?}}
 * </pre>
 */
public final class Identities {
    /** What an API call may give for a user ({@code user.put}). */
    public static final ConfigKeys USER_INPUT = ConfigKeys.of("role", "password", "apps", "tools");
    /** What an API call may give for a key ({@code key.create}). */
    public static final ConfigKeys KEY_INPUT = ConfigKeys.of("name", "role", "apps", "tools", "expiresAt");

    static final ConfigKeys USER_STORED = ConfigKeys.of("role", "passwordHash", "apps", "tools", "created", "changed");
    static final ConfigKeys KEY_STORED =
            ConfigKeys.of("name", "role", "hash", "apps", "tools", "created", "createdBy", "expiresAt");

    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
    private static final Set<String> CREDENTIALS = Set.of("passwordHash", "hash");

    private Identities() {}

    /** A user as stored. */
    public record User(String name, Role role, String passwordHash, List<String> apps, ToolPatterns tools) {
        /** The principal of a request signed with this user's JWT, which stops working at {@code expiresAt}. */
        public Principal principal(long expiresAt) {
            return new Principal(name, Principal.Kind.USER, name, role, apps, tools, Set.of(), expiresAt);
        }
    }

    /** An API key as stored; {@code expiresAt} epoch ms, 0 = never. */
    public record Key(
            String id, String name, Role role, String hash, List<String> apps, ToolPatterns tools, long expiresAt) {
        public Principal principal() {
            return new Principal("key:" + id, Principal.Kind.KEY, name, role, apps, tools, Set.of(), expiresAt);
        }

        public boolean expired(long nowMs) {
            return expiresAt > 0 && nowMs >= expiresAt;
        }
    }

    // ---- the stored sections

    /** The {@code users} section, validated; null = none. */
    public static Map<String, User> users(JsonObject users) {
        Map<String, User> out = new LinkedHashMap<>();
        if (users == null) return out;
        for (String name : users.fieldNames()) {
            String at = "users." + name;
            JsonObject e = object(users.getValue(name), at);
            USER_STORED.check(e, at);
            String hash = e.getValue("passwordHash") instanceof String s ? s : null;
            if (hash == null || !hash.startsWith("$")) {
                throw new ConfigException(at + ".passwordHash", "is required: a PHC string ($pbkdf2$…)");
            }
            out.put(name, new User(name, role(e.getValue("role"), at + ".role"), hash, apps(e, at), tools(e, at)));
        }
        return out;
    }

    /** The {@code keys} section, validated; null = none. */
    public static Map<String, Key> keys(JsonObject keys) {
        Map<String, Key> out = new LinkedHashMap<>();
        if (keys == null) return out;
        for (String id : keys.fieldNames()) {
            String at = "keys." + id;
            JsonObject e = object(keys.getValue(id), at);
            KEY_STORED.check(e, at);
            String hash = e.getValue("hash") instanceof String s ? s : null;
            if (hash == null || !hash.matches("[0-9a-f]{64}")) {
                throw new ConfigException(at + ".hash", "is required: the hex SHA-256 of the key");
            }
            String name = e.getValue("name") instanceof String s ? s : id;
            Instant expires = instant(e.getValue("expiresAt"), at + ".expiresAt");
            out.put(
                    id,
                    new Key(
                            id,
                            name,
                            role(e.getValue("role"), at + ".role"),
                            hash,
                            apps(e, at),
                            tools(e, at),
                            expires == null ? 0 : expires.toEpochMilli()));
        }
        return out;
    }

    /** Whether some user has the admin role. */
    public static boolean hasAdmin(JsonObject users) {
        return users(users).values().stream().anyMatch(u -> u.role() == Role.ADMIN);
    }

    // ---- what the API shows

    /** The users as the API lists them: {@code [{name, role, apps?, tools?, created, changed?}]}, no hashes. */
    public static JsonArray shownUsers(JsonObject users) {
        JsonArray out = new JsonArray();
        if (users != null) users.forEach(e -> out.add(shownUser(e.getKey(), (JsonObject) e.getValue())));
        return out;
    }

    /** The keys as the API lists them: {@code [{id, name, role, apps?, tools?, created, createdBy, expiresAt?}]}. */
    public static JsonArray shownKeys(JsonObject keys) {
        JsonArray out = new JsonArray();
        if (keys != null) keys.forEach(e -> out.add(shownKey(e.getKey(), (JsonObject) e.getValue())));
        return out;
    }

    public static JsonObject shownUser(String name, JsonObject entry) {
        return new JsonObject().put("name", name).mergeIn(withoutCredentials(entry));
    }

    public static JsonObject shownKey(String id, JsonObject entry) {
        return new JsonObject().put("id", id).mergeIn(withoutCredentials(entry));
    }

    /** A user or key entry without its hash; null stays null. */
    public static JsonObject withoutCredentials(JsonObject entry) {
        if (entry == null) return null;
        JsonObject out = entry.copy();
        CREDENTIALS.forEach(out::remove);
        return out;
    }

    /**
     * A config document as it may leave the gateway (API answers, revisions, exports): users and keys without their
     * hashes, no {@code signing} section. The one rule for all of them.
     */
    public static JsonObject redactDocument(JsonObject document) {
        JsonObject out = document.copy();
        out.remove("signing");
        for (String section : List.of("users", "keys")) {
            if (out.getValue(section) instanceof JsonObject entries) {
                JsonObject shown = new JsonObject();
                entries.forEach(e -> shown.put(
                        e.getKey(), e.getValue() instanceof JsonObject o ? withoutCredentials(o) : e.getValue()));
                out.put(section, shown);
            }
        }
        return out;
    }

    // ---- what an API call gives

    /**
     * The stored entry for {@code user.put} of {@code name}, without its {@code passwordHash} (the store adds it):
     * {@code old} is the stored entry or null; fields not given keep their stored values. {@code apps} are the
     * defined apps. The password, when given, must have {@link Passwords#MIN_LENGTH} characters; creating needs one.
     */
    public static JsonObject userEntry(
            String name, JsonObject given, JsonObject old, Collection<String> definedApps, Instant now) {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw new ConfigException(
                    "users.name",
                    "must be 1 to 64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit");
        }
        String at = "users." + name;
        if (given == null) throw new ConfigException(at, "must be an object");
        USER_INPUT.check(given, at);
        Object password = given.getValue("password");
        if (password != null && !(password instanceof String))
            throw new ConfigException(at + ".password", "must be a string");
        if (old == null && password == null) throw new ConfigException(at + ".password", "is required for a new user");
        if (password instanceof String p && p.length() < Passwords.MIN_LENGTH) {
            throw new ConfigException(at + ".password", "must have at least " + Passwords.MIN_LENGTH + " characters");
        }
        JsonObject entry = old == null ? new JsonObject() : withoutCredentials(old);
        Object role = given.containsKey("role") ? given.getValue("role") : entry.getValue("role");
        if (role == null) throw new ConfigException(at + ".role", "is required (admin, operator, viewer or client)");
        entry.put("role", role(role, at + ".role").id());
        limits(given, entry, definedApps, at);
        if (old == null) entry.put("created", now.toString());
        else entry.put("changed", now.toString());
        return entry;
    }

    /** The stored entry for {@code key.create}, without its {@code hash}; role defaults to {@code client}. */
    public static JsonObject keyEntry(JsonObject given, Collection<String> definedApps, String createdBy, Instant now) {
        if (given == null) throw new ConfigException("keys", "must be an object");
        KEY_INPUT.check(given, "keys");
        Object name = given.getValue("name");
        if (!(name instanceof String n) || n.isBlank() || n.length() > 200) {
            throw new ConfigException("keys.name", "is required: a name saying who or what uses the key");
        }
        JsonObject entry = new JsonObject().put("name", n);
        entry.put(
                "role",
                role(given.getValue("role", Role.CLIENT.id()), "keys.role").id());
        limits(given, entry, definedApps, "keys");
        Instant expires = instant(given.getValue("expiresAt"), "keys.expiresAt");
        if (expires != null && !expires.isAfter(now)) {
            throw new ConfigException(
                    "keys.expiresAt", "must be in the future, got '" + given.getValue("expiresAt") + "'");
        }
        entry.put("created", now.toString()).put("createdBy", createdBy);
        if (expires != null) entry.put("expiresAt", expires.toString());
        return entry;
    }

    private static void limits(JsonObject given, JsonObject entry, Collection<String> definedApps, String at) {
        if (given.containsKey("apps")) {
            List<String> apps = strings(given.getValue("apps"), at + ".apps");
            for (String app : apps == null ? List.<String>of() : apps) {
                if (!definedApps.contains(app))
                    throw new ConfigException(at + ".apps", "app '" + app + "' is not defined");
            }
            if (apps == null) entry.remove("apps");
            else entry.put("apps", new JsonArray(new ArrayList<>(apps)));
        }
        if (given.containsKey("tools")) {
            List<String> tools = strings(given.getValue("tools"), at + ".tools");
            patterns(tools, at + ".tools");
            if (tools == null || tools.isEmpty()) entry.remove("tools");
            else entry.put("tools", new JsonArray(new ArrayList<>(tools)));
        }
    }

    // ---- parts

    private static JsonObject object(Object v, String at) {
        if (v instanceof JsonObject o) return o;
        throw new ConfigException(at, "must be a map");
    }

    private static Role role(Object v, String at) {
        Role role = v instanceof String s ? Role.of(s) : null;
        if (role == null) {
            throw new ConfigException(at, "unknown role '" + v + "' (expected admin, operator, viewer or client)");
        }
        return role;
    }

    private static List<String> apps(JsonObject e, String at) {
        return strings(e.getValue("apps"), at + ".apps");
    }

    private static ToolPatterns tools(JsonObject e, String at) {
        return patterns(strings(e.getValue("tools"), at + ".tools"), at + ".tools");
    }

    private static ToolPatterns patterns(List<String> tools, String at) {
        try {
            return ToolPatterns.of(tools);
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(at, ex.getMessage());
        }
    }

    /** A list of strings; null stays null. */
    private static List<String> strings(Object v, String at) {
        if (v == null) return null;
        if (!(v instanceof JsonArray array)) throw new ConfigException(at, "must be a list of strings");
        List<String> out = new ArrayList<>();
        for (Object o : array) {
            if (!(o instanceof String s)) throw new ConfigException(at, "must be a list of strings, got '" + o + "'");
            out.add(s);
        }
        return out;
    }

    private static Instant instant(Object v, String at) {
        if (v == null) return null;
        if (v instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                // named below
            }
        }
        throw new ConfigException(at, "must be an ISO-8601 instant such as 2027-01-31T00:00:00Z, got '" + v + "'");
    }
}
