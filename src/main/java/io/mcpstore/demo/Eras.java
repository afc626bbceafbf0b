package io.mcpstore.demo;

import io.mcpstore.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Which eras of MCP a server speaks: the session era (2025-11-25 and before: {@code initialize}, sessions,
 * server→client requests) and the stateless era (2026-07-28: per-request {@code _meta}, {@code server/discover},
 * {@code input_required} results, {@code subscriptions/listen}).
 */
public enum Eras {
    /** Only the session era: {@code initialize} negotiates 2025-11-25 or older (what every server spoke before). */
    V2025,
    /** Only 2026-07-28: no {@code initialize}; every request carries its own version in {@code _meta}. */
    V2026,
    /** Both, on one endpoint: a request with the 2026-07-28 envelope is served statelessly, an initialize starts a session. */
    BOTH;

    public boolean sessions() {
        return this != V2026;
    }

    public boolean stateless() {
        return this != V2025;
    }

    /** The versions a client may ask for, newest first ({@code supportedVersions} of {@code server/discover}). */
    public List<String> versions() {
        List<String> versions = new ArrayList<>();
        if (stateless()) {
            versions.add(ProtocolVersion.V2026_07_28);
        }
        if (sessions()) {
            versions.addAll(ProtocolVersion.SUPPORTED);
        }
        return List.copyOf(versions);
    }

    /** {@code 2025}, {@code 2026} or {@code both} (a command line's {@code --era}). */
    public static Eras parse(String value) {
        return switch (value == null ? "" : value) {
            case "2025", ProtocolVersion.V2025_11_25 -> V2025;
            case "2026", ProtocolVersion.V2026_07_28 -> V2026;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("--era must be 2025, 2026 or both, not '" + value + "'");
        };
    }
}
