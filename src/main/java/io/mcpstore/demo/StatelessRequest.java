package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One 2026-07-28 request as the server sees it: what its {@code _meta} declares (client capabilities, log level),
 * and its multi round-trip state (SEP-2322). A handler asks the client something through
 * {@link RequestContext#requestClient}; the answer is taken from the request's {@code inputResponses} (and those of
 * earlier rounds, carried in the sealed {@code requestState}); an answer that is not there yet makes the request end
 * with {@code input_required}, naming everything the handler asked for, and the client retries with the answers.
 * The handler runs again from the start on every round, so it asks in the same order each time.
 */
final class StatelessRequest {
    private final JsonObject capabilities;
    private final LogLevel logLevel;
    private final JsonObject responses;
    private final boolean stateVerified;
    private final JsonObject consumed = new JsonObject();
    private final Map<String, JsonObject> missing = new LinkedHashMap<>();
    private final Map<String, Integer> keys = new LinkedHashMap<>();
    private Runnable onBlocked;

    private StatelessRequest(JsonObject capabilities, LogLevel logLevel, JsonObject responses, boolean stateVerified) {
        this.capabilities = capabilities;
        this.logLevel = logLevel;
        this.responses = responses;
        this.stateVerified = stateVerified;
    }

    /**
     * Why {@code params} is not a request of the stateless era we speak, checked in the order the revision gives:
     * a -32602 for a missing {@code _meta} key, a -32020 when {@code headerVersion} (the HTTP
     * {@code MCP-Protocol-Version}; null where there is no header) differs from the {@code _meta} one, a -32022 for a
     * version outside {@code supported}; null when it is one.
     */
    static McpException envelopeProblem(JsonObject params, List<String> supported, String headerVersion) {
        JsonObject meta = params.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
        StringBuilder absent = new StringBuilder();
        for (String key : List.of(Stateless.META_PROTOCOL_VERSION, Stateless.META_CLIENT_CAPABILITIES)) {
            if (meta.getValue(key) == null) {
                absent.append(absent.isEmpty() ? "" : ", ").append(key);
            }
        }
        if (!absent.isEmpty()) {
            return new McpException(JsonRpc.INVALID_PARAMS, "Invalid params: missing _meta keys: " + absent);
        }
        if (!(meta.getValue(Stateless.META_CLIENT_CAPABILITIES) instanceof JsonObject)) {
            return new McpException(
                    JsonRpc.INVALID_PARAMS,
                    "Invalid params: _meta " + Stateless.META_CLIENT_CAPABILITIES + " must be an object");
        }
        Object version = meta.getValue(Stateless.META_PROTOCOL_VERSION);
        if (headerVersion != null && !headerVersion.equals(version)) {
            return new McpException(
                    Stateless.HEADER_MISMATCH,
                    "Header mismatch: MCP-Protocol-Version " + headerVersion + " differs from _meta "
                            + Stateless.META_PROTOCOL_VERSION + " " + version);
        }
        if (!Stateless.VERSION.equals(version)) {
            return new McpException(
                    Stateless.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version: " + version + " (this server speaks " + String.join(", ", supported)
                            + ")",
                    new JsonObject()
                            .put("supported", new JsonArray(List.copyOf(supported)))
                            .put("requested", String.valueOf(version)));
        }
        return null;
    }

    /**
     * The request's context from its params (already checked by {@link #envelopeProblem}); {@code requestState}
     * is opened with {@code seal} and must have been issued for the same {@code method} and {@code name}.
     */
    static StatelessRequest of(String method, String name, JsonObject params, RequestStateSeal seal) {
        JsonObject meta = params.getJsonObject("_meta");
        JsonObject capabilities =
                meta.getJsonObject(Stateless.META_CLIENT_CAPABILITIES).copy();
        Object level = meta.getValue(Stateless.META_LOG_LEVEL);
        LogLevel logLevel = level == null ? null : LogLevel.parse(String.valueOf(level));
        if (level != null && logLevel == null) {
            throw McpException.invalidParams("Invalid params: unknown _meta " + Stateless.META_LOG_LEVEL + " " + level);
        }
        JsonObject responses = new JsonObject();
        boolean verified = false;
        Object state = params.getValue(Stateless.REQUEST_STATE);
        if (state != null) {
            if (!(state instanceof String s)) {
                throw McpException.invalidParams("Invalid params: requestState must be a string");
            }
            JsonObject payload = seal.open(s);
            if (!method.equals(payload.getString("m")) || !String.valueOf(name).equals(payload.getString("n"))) {
                throw McpException.invalidParams("Invalid requestState: it was issued for another request ("
                        + payload.getString("m") + " " + payload.getString("n") + ")");
            }
            responses.mergeIn(payload.getJsonObject("r", new JsonObject()));
            verified = true;
        }
        if (params.containsKey(Stateless.INPUT_RESPONSES)) {
            if (!(params.getValue(Stateless.INPUT_RESPONSES) instanceof JsonObject given)) {
                throw McpException.invalidParams("Invalid params: inputResponses must be an object");
            }
            for (Map.Entry<String, Object> entry : given) {
                if (!(entry.getValue() instanceof JsonObject)) {
                    throw McpException.invalidParams("Invalid params: inputResponses." + entry.getKey()
                            + " must be an object (the client's result)");
                }
            }
            responses.mergeIn(given.copy());
        }
        return new StatelessRequest(capabilities, logLevel, responses, verified);
    }

    JsonObject capabilities() {
        return capabilities;
    }

    boolean logs(LogLevel level) {
        return logLevel != null && level.compareTo(logLevel) >= 0;
    }

    boolean stateVerified() {
        return stateVerified;
    }

    /** A key for an input request the handler did not name: {@code elicitation_1}, {@code sampling_1}, …. */
    synchronized String nextKey(String method) {
        String capability = capabilityOf(method);
        int n = keys.merge(capability, 1, Integer::sum);
        return capability + "_" + n;
    }

    /**
     * The client's answer to {@code method} under {@code key}: right away when this or an earlier round carries it;
     * otherwise the request becomes one of this round's {@code inputRequests} and the future never completes (the
     * round ends with {@code input_required}). A client that did not declare the capability gets -32021.
     */
    CompletableFuture<JsonObject> ask(String key, String method, JsonObject params) {
        String capability = capabilityOf(method);
        if (!capabilities.containsKey(capability)) {
            return CompletableFuture.failedFuture(new McpException(
                    Stateless.MISSING_REQUIRED_CLIENT_CAPABILITY,
                    "Missing required client capability: " + capability + " (needed for " + method + ")",
                    new JsonObject().put("requiredCapabilities", new JsonObject().put(capability, new JsonObject()))));
        }
        Runnable blocked;
        synchronized (this) {
            JsonObject answer = responses.getJsonObject(key);
            if (answer != null) {
                consumed.put(key, answer);
                return CompletableFuture.completedFuture(answer);
            }
            missing.put(
                    key,
                    new JsonObject().put("method", method).put("params", params == null ? new JsonObject() : params));
            blocked = onBlocked;
        }
        if (blocked != null) {
            blocked.run();
        }
        return new CompletableFuture<>();
    }

    /**
     * Runs {@code whenBlocked} as soon as the handler waits for an answer not yet given: right away if it already
     * does (everything it asked while it ran synchronously is then in the same round), else at its next question.
     */
    void onBlocked(Runnable whenBlocked) {
        boolean now;
        synchronized (this) {
            onBlocked = whenBlocked;
            now = !missing.isEmpty();
        }
        if (now) {
            whenBlocked.run();
        }
    }

    /** The {@code input_required} result of this round, its state sealed for {@code method} and {@code name}. */
    synchronized JsonObject inputRequired(String method, String name, RequestStateSeal seal) {
        JsonObject requests = new JsonObject();
        missing.forEach(requests::put);
        JsonObject state = new JsonObject().put("m", method).put("n", name).put("r", consumed.copy());
        return new JsonObject()
                .put(Stateless.RESULT_TYPE, Stateless.INPUT_REQUIRED)
                .put(Stateless.INPUT_REQUESTS, requests)
                .put(Stateless.REQUEST_STATE, seal.seal(state));
    }

    static String capabilityOf(String method) {
        return switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> throw new IllegalArgumentException("not a request a server may send a client: " + method);
        };
    }
}
