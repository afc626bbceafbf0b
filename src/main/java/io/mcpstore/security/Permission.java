package io.mcpstore.security;

/** What a request needs; each {@link Role} holds a fixed set of them. */
public enum Permission {
    /** Use the MCP endpoints (list and call what the principal's apps and tool patterns allow). */
    MCP,
    /** Read the admin API: services, apps, tools, config, revisions, metrics, status. */
    READ,
    /** Call tools through the admin API (the playground, batches). */
    CALL_TOOLS,
    /** Change services (HTTP, SSE, REST), apps and config; restart, stop, start; roll back and import. */
    WRITE,
    /** Create or change a stdio service: its command, args, env and cwd run on the gateway's machine. */
    PROCESSES,
    /** Manage users and API keys and read the audit log. */
    ADMINISTER
}
