package io.mcpstore.bus;

/**
 * Every event-bus address MCPStore uses. Nobody builds an address string anywhere else.
 *
 * <p>Message bodies are {@code JsonObject}s so that every address works unchanged on a clustered bus.
 */
public final class Addresses {
    private Addresses() {}

    private static final String UPSTREAM_PREFIX = "mcpstore.upstream.";
    private static final String SESSION_PREFIX = "mcpstore.session.";

    /**
     * Request-reply to the upstream serving {@code service}. Request: {@code {method, params, session?: {id,
     * capabilities}, relay?: {address, call}}} — {@code relay} names where messages that belong to the call go (see
     * {@link #router(String)}). Reply: {@code {result}} or {@code {error: {code, message, data?}}} (the upstream's
     * own JSON-RPC error, passed through). Failures carry a {@link Failures} code. A plain send of {@code {method:
     * "notifications/cancelled", relay}} cancels that call upstream.
     */
    public static String upstream(String service) {
        return UPSTREAM_PREFIX + service;
    }

    /**
     * In a cluster: the same as {@link #upstream(String)}, served only by the replica on node {@code nodeId}, so
     * that a router picks the replica ({@code '@'} is not allowed in a service name, so no two addresses meet).
     */
    public static String upstreamAt(String service, String nodeId) {
        return UPSTREAM_PREFIX + service + "@" + nodeId;
    }

    /**
     * Publish: an upstream's full catalog and state, {@code {service, state, error?, tools, resources,
     * resourceTemplates, prompts, capabilities, serverInfo}}. Sent on every state or list change.
     */
    public static final String CATALOG_CHANGED = "mcpstore.catalog.changed";

    /** Publish: ask every upstream to publish its catalog again (a router that starts late catches up). */
    public static final String CATALOG_REFRESH = "mcpstore.catalog.refresh";

    /** Publish: an upstream's state transition, {@code {service, state, error?, at, node?}} (node: in a cluster). */
    public static final String UPSTREAM_STATE = "mcpstore.upstream.state";

    /** Request-reply: the current config, {@code {revision, config}}. */
    public static final String CONFIG_GET = "mcpstore.config.get";

    /** Publish: a new config revision, {@code {revision, config}}. */
    public static final String CONFIG_CHANGED = "mcpstore.config.changed";

    /**
     * Request-reply: change the config, {@code {op, name?, entry?, baseRevision?, ...}} (see {@code
     * ConfigStoreVerticle}). Reply: {@code {revision, changed, config}} or {@code {error: {status, detail, field?}}}.
     */
    public static final String CONFIG_UPDATE = "mcpstore.config.update";

    /** Request-reply: the revision history, {@code {limit}} → {@code {revisions: [{revision, at, summary}]}}. */
    public static final String CONFIG_REVISIONS = "mcpstore.config.revisions";

    /** Request-reply: one revision, {@code {revision}} → {@code {revision, at, summary, document}} or an error. */
    public static final String CONFIG_REVISION = "mcpstore.config.revision";

    /** Request-reply: the store's health, {@code {type, state: up|down, revision, error?}}. */
    public static final String CONFIG_STATUS = "mcpstore.config.status";

    private static final String SESSIONS_NODE_PREFIX = "mcpstore.sessions.node.";
    private static final String SESSIONS_INSTANCE_PREFIX = "mcpstore.sessions.instance.";

    /**
     * Request-reply to the node that owns a 2025-era session (clustered): {@code {op: check|touch|close|forget|answer
     * |stream, id, ...}} from the node a request of the session landed on (see {@code router/SessionOwner}).
     */
    public static String sessionsNode(String nodeId) {
        return SESSIONS_NODE_PREFIX + nodeId;
    }

    /** Send: to the router instance that holds a session's GET stream for another node, {@code {op: unstream, key}}. */
    public static String sessionsInstance(String instanceTag) {
        return SESSIONS_INSTANCE_PREFIX + instanceTag;
    }

    /** Publish (clustered): a session closed on its owner node, {@code {session}}; the others forget it. */
    public static final String SESSIONS_CLOSED = "mcpstore.sessions.closed";

    /** Request-reply to this node's ServiceManager: restart one service's upstream, {@code {service}}. */
    public static final String SERVICE_RESTART = "mcpstore.service.restart";

    /**
     * Send: a message for one MCP client session, consumed by the router instance that holds its stream: {@code
     * {message}} to deliver a JSON-RPC message, {@code {close: true}} to end the session's streams.
     */
    public static String session(String sessionId) {
        return SESSION_PREFIX + sessionId;
    }

    /**
     * Publish: a notification for every session that sees one of {@code services}: {@code {services, message}}. With
     * {@code uri}, only sessions subscribed to that resource; with {@code level}, only sessions whose log level lets
     * it through.
     */
    public static final String SESSIONS_NOTIFY = "mcpstore.sessions.notify";

    /**
     * Send (no reply): one audit entry for this node's audit verticle, which writes it to the audit store. The entry
     * is built by {@code io.mcpstore.security.AuditEntry}: {@code {at, kind: admin|tool|auth, who, via, action,
     * outcome, ...}}.
     */
    public static final String AUDIT_RECORD = "mcpstore.audit.record";

    /**
     * Request-reply: audit entries, newest first: {@code {from?, to?, who?, tool?, outcome?, kind?, limit?, before?}}
     * → {@code {entries: [...], next?}} ({@code next} is the {@code before} of the next page).
     */
    public static final String AUDIT_QUERY = "mcpstore.audit.query";

    /**
     * Request-reply to the web data store (chat transcripts, see {@code io.mcpstore.webdata.WebDataVerticle}): {@code
     * {op: list|get|put|delete, owner, id?, transcript?}} → {@code {transcripts: [...]}}, {@code {transcript}} or
     * {@code {deleted}}; an unknown id fails with 404.
     */
    public static final String WEBDATA_TRANSCRIPTS = "mcpstore.webdata.transcripts";

    private static final String ROUTER_PREFIX = "mcpstore.router.";

    /**
     * One router instance, for the calls it has in flight. An upstream serving a call (named by the {@code relay}
     * it was given: {@code {address, call}}) sends {@code {call, message}} for a notification that belongs to the
     * call (progress, log), or requests {@code {call, request}} for a server→client request (sampling, elicitation,
     * roots) and gets the client's answer as the reply ({@code {result}} or {@code {error}}). Another router instance
     * that receives the client's answer forwards it here as {@code {answer}}.
     */
    public static String router(String instanceTag) {
        return ROUTER_PREFIX + instanceTag;
    }

    /** Publish: a client cancelled one of its requests, {@code {session, requestId}}; its router instance acts. */
    public static final String CALLS_CANCEL = "mcpstore.calls.cancel";

    private static final String NODE_PREFIX = "mcpstore.node.";

    /** Request-reply to this node's cluster verticle: {@code {}} → {@code {node: {id, name, http}, members}}. */
    public static final String CLUSTER_STATUS = "mcpstore.cluster.status";

    /**
     * Request-reply to this node's cluster verticle: every node of the cluster, {@code {}} → {@code {nodes: [{id, name,
     * http, labels, services: [{name, slot, state}]}]}}.
     */
    public static final String CLUSTER_NODES = "mcpstore.cluster.nodes";

    /** Publish on this node only: the cluster's members changed, {@code {members: [id...]}}. */
    public static final String CLUSTER_MEMBERS = "mcpstore.cluster.members";

    /** Request-reply to one node of a cluster, by its node id: {@code {}} → its entry of {@link #CLUSTER_NODES}. */
    public static String node(String nodeId) {
        return NODE_PREFIX + nodeId;
    }

    /** Request-reply to this node's ServiceManager: {@code {}} → {@code {services: [{name, slot, state}]}}. */
    public static final String SERVICE_HOLDINGS = "mcpstore.service.holdings";
}
