package io.mcpstore.upstream;

import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The gateway as a client of one upstream that speaks the stateless 2026-07-28 revision: the per-request {@code _meta}
 * envelope (protocol version, client info, client capabilities, log level) and the SEP-2243 headers of each POST
 * ({@code Mcp-Method}, {@code Mcp-Name}, and {@code Mcp-Param-*} for tool parameters the upstream's own schema marks
 * {@code x-mcp-header}). Tools whose {@code x-mcp-header} annotations are invalid are left out of the catalog, as the
 * revision requires of clients.
 */
final class StatelessClient {
    /** A tool parameter mirrored into a header: the argument's name and the header's suffix. */
    private record ParamHeader(String argument, String header) {}

    private final JsonObject clientInfo;
    private final String service;
    private final Logger log;
    /** By the upstream's own tool name; rebuilt on every tools/list. */
    private Map<String, List<ParamHeader>> paramHeaders = Map.of();

    StatelessClient(JsonObject clientInfo, String service, Logger log) {
        this.clientInfo = clientInfo;
        this.service = service;
        this.log = log;
    }

    /**
     * {@code params} (not changed) with the request envelope in {@code _meta}, beside what it already holds (a
     * progress token). {@code capabilities}: the calling client's, or null for the gateway's own.
     */
    JsonObject envelope(JsonObject params, JsonObject capabilities, String logLevel) {
        JsonObject out = params == null ? new JsonObject() : new JsonObject(new LinkedHashMap<>(params.getMap()));
        JsonObject meta = out.getValue("_meta") instanceof JsonObject m
                ? new JsonObject(new LinkedHashMap<>(m.getMap()))
                : new JsonObject();
        meta.put(Stateless.META_PROTOCOL_VERSION, Stateless.VERSION)
                .put(Stateless.META_CLIENT_INFO, clientInfo)
                .put(
                        Stateless.META_CLIENT_CAPABILITIES,
                        capabilities == null ? UpstreamRelay.clientCapabilities() : capabilities);
        if (logLevel != null) meta.put(Stateless.META_LOG_LEVEL, logLevel);
        else meta.remove(Stateless.META_LOG_LEVEL);
        return out.put("_meta", meta);
    }

    /** The SEP-2243 headers of one outgoing message; none for a response of ours. */
    Map<String, String> headers(JsonObject message) {
        String method = message.getString("method");
        if (method == null) return Map.of();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Stateless.HEADER_METHOD, method);
        JsonObject params = message.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        String name = switch (method) {
            case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> params.getString("name");
            case McpMethods.RESOURCES_READ, McpMethods.RESOURCES_SUBSCRIBE, McpMethods.RESOURCES_UNSUBSCRIBE ->
                params.getString("uri");
            case Stateless.TASKS_GET, Stateless.TASKS_UPDATE, Stateless.TASKS_CANCEL -> params.getString("taskId");
            default -> null;
        };
        if (name != null) headers.put(Stateless.HEADER_NAME, headerValue(name));
        if (McpMethods.TOOLS_CALL.equals(method) && name != null) {
            JsonObject arguments = params.getValue("arguments") instanceof JsonObject a ? a : new JsonObject();
            for (ParamHeader p : paramHeaders.getOrDefault(name, List.of())) {
                String value = encode(arguments.getValue(p.argument()));
                if (value != null) headers.put(Stateless.HEADER_PARAM_PREFIX + p.header(), value);
            }
        }
        return headers;
    }

    /**
     * The upstream's tools without those whose {@code x-mcp-header} annotations are invalid (empty, not a header
     * token, on a parameter that is not a string, integer or boolean, or the same name twice ignoring case); remembers
     * which parameters of the others go into headers.
     */
    JsonArray tools(JsonArray tools) {
        JsonArray kept = new JsonArray();
        Map<String, List<ParamHeader>> headers = new HashMap<>();
        for (Object o : tools) {
            if (!(o instanceof JsonObject tool)) continue;
            String name = tool.getString("name");
            List<ParamHeader> found = new ArrayList<>();
            String invalid = paramHeaders(tool, found);
            if (invalid != null) {
                log.warn("service '{}': tool '{}' is left out: {}", service, name, invalid);
                continue;
            }
            kept.add(tool);
            if (!found.isEmpty() && name != null) headers.put(name, List.copyOf(found));
        }
        paramHeaders = headers;
        return kept;
    }

    /** Collects a tool's header parameters into {@code found}; the reason it is invalid, or null. */
    private static String paramHeaders(JsonObject tool, List<ParamHeader> found) {
        JsonObject schema = tool.getValue("inputSchema") instanceof JsonObject s ? s : new JsonObject();
        if (!(schema.getValue("properties") instanceof JsonObject properties)) return null;
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Object> e : properties) {
            if (!(e.getValue() instanceof JsonObject property) || !property.containsKey(Stateless.X_MCP_HEADER)) {
                continue;
            }
            Object header = property.getValue(Stateless.X_MCP_HEADER);
            String where = "parameter '" + e.getKey() + "' has " + Stateless.X_MCP_HEADER + " ";
            if (!(header instanceof String h) || h.isEmpty()) return where + "that is empty or not a string";
            if (!isToken(h)) return where + "'" + h + "', which is not an HTTP header name";
            Object type = property.getValue("type");
            if (!"string".equals(type) && !"integer".equals(type) && !"boolean".equals(type)) {
                return where + "on type " + type + " (only string, integer and boolean may be mirrored)";
            }
            if (!seen.add(h.toLowerCase(Locale.ROOT))) return where + "'" + h + "', which another parameter has";
            found.add(new ParamHeader(e.getKey(), h));
        }
        return null;
    }

    /** RFC 9110 token characters. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /** A parameter's header value: decimal numbers, {@code true}/{@code false}, text; null (or absent) → no header. */
    static String encode(Object value) {
        if (value == null) return null;
        if (value instanceof Boolean b) return b ? "true" : "false";
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return value.toString();
        }
        if (value instanceof Number n)
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        if (value instanceof String s) return headerValue(s);
        return null; // objects and arrays are never mirrored (the annotation is refused on them)
    }

    /**
     * Text as a header carries it: as is when it is visible ASCII (inner spaces allowed) without surrounding
     * whitespace, else {@code =?base64?<UTF-8 bytes in Base64>?=}.
     */
    static String headerValue(String s) {
        boolean plain = s.isEmpty() || (s.charAt(0) != ' ' && s.charAt(s.length() - 1) != ' ');
        for (int i = 0; plain && i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) plain = false;
        }
        if (plain) return s;
        return "=?base64?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
