package io.mcpstore.router;

import java.util.List;

/**
 * One MCP endpoint: the gateway's own ({@code prefix} empty, every service) or an app's ({@code /research}, its
 * services only).
 */
record Endpoint(String prefix, String app, List<String> services) {
    Endpoint {
        services = List.copyOf(services);
    }

    String mcpPath() {
        return prefix + "/mcp";
    }
}
