package io.mcpstore.protocol;

/**
 * The names the stateless revision (2026-07-28) adds to the wire: request {@code _meta} keys, methods, result types,
 * headers and error codes. Shared by the router (a server to 2026 clients), the upstream client (a client of 2026
 * servers) and the fixture server, so that each era's vocabulary is spelled in one place.
 */
public final class Stateless {
    private Stateless() {}

    public static final String VERSION = ProtocolVersion.V2026_07_28;

    // ---- request _meta keys
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String META_SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    /** Where a 2026 result (server/discover) may carry the server's name and version. */
    public static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    // ---- methods
    public static final String SERVER_DISCOVER = "server/discover";
    public static final String SUBSCRIPTIONS_LISTEN = "subscriptions/listen";
    public static final String NOTIFICATIONS_SUBSCRIPTIONS_ACKNOWLEDGED = "notifications/subscriptions/acknowledged";
    public static final String TASKS_GET = "tasks/get";
    public static final String TASKS_UPDATE = "tasks/update";
    public static final String TASKS_CANCEL = "tasks/cancel";

    // ---- subscriptions/listen params: {notifications: {toolsListChanged, …, resourceSubscriptions: [uri]}}
    public static final String LISTEN_NOTIFICATIONS = "notifications";
    public static final String LISTEN_TOOLS = "toolsListChanged";
    public static final String LISTEN_PROMPTS = "promptsListChanged";
    public static final String LISTEN_RESOURCES = "resourcesListChanged";
    public static final String LISTEN_RESOURCE_URIS = "resourceSubscriptions";

    // ---- server/discover result
    public static final String SUPPORTED_VERSIONS = "supportedVersions";

    // ---- results (SEP-2322 multi round-trip requests)
    public static final String RESULT_TYPE = "resultType";
    public static final String COMPLETE = "complete";
    public static final String INPUT_REQUIRED = "input_required";
    public static final String TASK = "task";
    public static final String INPUT_REQUESTS = "inputRequests";
    public static final String INPUT_RESPONSES = "inputResponses";
    public static final String REQUEST_STATE = "requestState";

    // ---- caching hints (SEP-2549)
    public static final String TTL_MS = "ttlMs";
    public static final String CACHE_SCOPE = "cacheScope";

    // ---- HTTP headers (SEP-2243)
    public static final String HEADER_METHOD = "Mcp-Method";
    public static final String HEADER_NAME = "Mcp-Name";
    public static final String HEADER_PARAM_PREFIX = "Mcp-Param-";

    // ---- JSON-RPC error codes
    public static final int HEADER_MISMATCH = -32020;
    public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
    /** 400 + {@code data: {supported: [...], requested}}: the client retries with a version from the list. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    // ---- tool input schemas (SEP-2243): a parameter mirrored into an Mcp-Param-<name> header
    public static final String X_MCP_HEADER = "x-mcp-header";
}
