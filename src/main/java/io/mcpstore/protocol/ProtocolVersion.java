package io.mcpstore.protocol;

import java.util.List;

/** The MCP protocol revisions the gateway speaks, newest first, and how to negotiate one. */
public final class ProtocolVersion {
    private ProtocolVersion() {}

    /** The stateless revision: no initialize, no session, per-request {@code _meta} (see {@link Stateless}). */
    public static final String V2026_07_28 = "2026-07-28";

    public static final String V2025_11_25 = "2025-11-25";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2024_11_05 = "2024-11-05";

    /** The newest session-era revision: what {@code initialize} offers and negotiates. */
    public static final String LATEST = V2025_11_25;
    /** What a Streamable HTTP request without an {@code MCP-Protocol-Version} header is taken to speak. */
    public static final String DEFAULT_HTTP = V2025_03_26;

    public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26, V2024_11_05);

    /** True for the stateless revision, which has no {@code initialize}: a request of its own carries the version. */
    public static boolean isStateless(String version) {
        return V2026_07_28.equals(version);
    }

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** The client's version when we speak it, else our latest (the client then decides whether to go on). */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }

    /** JSON-RPC batches exist only in 2025-03-26. */
    public static boolean allowsBatches(String version) {
        return V2025_03_26.equals(version);
    }
}
