package io.mcpstore.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The built-in roles: {@code admin} (everything), {@code operator} (services and apps, no users or keys, no
 * processes), {@code viewer} (read-only admin API) and {@code client} (MCP access only).
 */
public enum Role {
    ADMIN(EnumSet.allOf(Permission.class)),
    OPERATOR(EnumSet.of(Permission.MCP, Permission.READ, Permission.CALL_TOOLS, Permission.WRITE)),
    VIEWER(EnumSet.of(Permission.READ)),
    CLIENT(EnumSet.of(Permission.MCP));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    /** The role's name in config and API answers: {@code admin}, {@code operator}, {@code viewer}, {@code client}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role called {@code id}, or null. */
    public static Role of(String id) {
        if (id == null) return null;
        for (Role r : values()) {
            if (r.id().equals(id)) return r;
        }
        return null;
    }
}
