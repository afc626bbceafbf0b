package io.mcpstore.router;

import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Checks that a JSON object is a JSON-RPC 2.0 request, notification or response. */
final class JsonRpcShape {
    private JsonRpcShape() {}

    /** What is wrong with {@code m}, or {@code null} when it is a well-formed JSON-RPC message. */
    static String problem(JsonObject m) {
        if (!JsonRpc.VERSION.equals(m.getValue("jsonrpc"))) return "Invalid Request: jsonrpc must be \"2.0\"";
        Object id = m.getValue("id");
        if (m.containsKey("id") && !validId(id)) return "Invalid Request: id must be a string or an integer";
        if (m.containsKey("method")) {
            if (!(m.getValue("method") instanceof String s) || s.isEmpty()) {
                return "Invalid Request: method must be a non-empty string";
            }
            Object params = m.getValue("params");
            if (params != null && !(params instanceof JsonObject)) {
                return "Invalid Request: params must be an object";
            }
            return null;
        }
        if (m.containsKey("id") && (m.containsKey("result") || m.containsKey("error"))) return null;
        return "Invalid Request: neither a request, a notification nor a response";
    }

    /** The message's id when it is usable in an error response, else {@code null}. */
    static Object safeId(JsonObject m) {
        if (m == null) return null;
        Object id = m.getValue("id");
        return validId(id) ? id : null;
    }

    /**
     * A string or an integer, as MCP asks ("a string or integer ID"). A number that is not one — {@code 1.5}, or
     * {@code 1e400}, which no JSON parser keeps but as infinity — could not be echoed as sent, so it is refused.
     */
    private static boolean validId(Object id) {
        if (id instanceof String || id instanceof Integer || id instanceof Long || id instanceof BigInteger) {
            return true;
        }
        if (id instanceof Double || id instanceof Float || id instanceof BigDecimal) {
            double d = ((Number) id).doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p53;
        }
        return id instanceof Short || id instanceof Byte;
    }
}
