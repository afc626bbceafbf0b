package io.mcpstore.protocol;

import java.util.List;

/** The MCP protocol revisions the gateway speaks, newest first, and how to negotiate one. */
public final class ProtocolVersion {
    private ProtocolVersion() {}

    public static final String V2025_11_25 = "2025-11-25";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2024_11_05 = "2024-11-05";

    public static final String LATEST = V2025_11_25;
    /** What a Streamable HTTP request without an {@code MCP-Protocol-Version} header is taken to speak. */
    public static final String DEFAULT_HTTP = V2025_03_26;

    public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26, V2024_11_05);

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
