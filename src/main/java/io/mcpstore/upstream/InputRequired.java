package io.mcpstore.upstream;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A 2026-07-28 upstream's multi round-trip request (SEP-2322) on behalf of a caller that cannot take one (a 2025-era
 * session): each {@code inputRequests} entry of an {@code input_required} result becomes a server→client request to
 * the calling client (through the relay, as a 2025 upstream's own request would), and the original request is sent
 * again, under a new JSON-RPC id, with the answers as {@code inputResponses} and the upstream's {@code requestState}
 * exactly as it came. Repeated while the upstream asks, at most {@link #MAX_ROUNDS} times.
 */
final class InputRequired {
    /** An upstream that asks for input more often than this on one request is failing, not asking. */
    static final int MAX_ROUNDS = 16;
    /** More input requests than this in one round are refused rather than put to a client all at once. */
    static final int MAX_INPUT_REQUESTS = 32;

    private InputRequired() {}

    /**
     * Follows {@code first} (a bus reply: {@code {result}} or {@code {error}}) through its rounds.
     *
     * @param params what the request went up with (its envelope included)
     * @param send sends the request again with other params; completes with the next bus reply
     * @param ask asks the calling client one server→client request ({@code {jsonrpc, id, method, params}}); completes
     *     with its result, or fails with a {@link JsonRpcPeer.RpcError}
     */
    static Future<JsonObject> follow(
            String method,
            JsonObject params,
            JsonObject first,
            Function<JsonObject, Future<JsonObject>> send,
            Function<JsonObject, Future<JsonObject>> ask) {
        return round(method, params, first, send, ask, 1);
    }

    static boolean isInputRequired(JsonObject reply) {
        return reply.getValue("result") instanceof JsonObject result
                && Stateless.INPUT_REQUIRED.equals(result.getValue(Stateless.RESULT_TYPE));
    }

    private static Future<JsonObject> round(
            String method,
            JsonObject params,
            JsonObject reply,
            Function<JsonObject, Future<JsonObject>> send,
            Function<JsonObject, Future<JsonObject>> ask,
            int round) {
        if (!isInputRequired(reply)) return Future.succeededFuture(reply);
        if (round > MAX_ROUNDS) {
            return Future.succeededFuture(error(
                    JsonRpc.INTERNAL_ERROR,
                    "the upstream asked for input more than " + MAX_ROUNDS + " times on one " + method));
        }
        JsonObject result = reply.getJsonObject("result");
        JsonObject requests = result.getValue(Stateless.INPUT_REQUESTS) instanceof JsonObject r ? r : new JsonObject();
        if (requests.isEmpty()) {
            return Future.succeededFuture(error(
                    JsonRpc.INTERNAL_ERROR,
                    "the upstream answered " + method + " input_required without inputRequests"));
        }
        if (requests.size() > MAX_INPUT_REQUESTS) {
            return Future.succeededFuture(error(
                    JsonRpc.INTERNAL_ERROR,
                    "the upstream asked " + requests.size() + " inputs at once on " + method + " (at most "
                            + MAX_INPUT_REQUESTS + " are put to a client)"));
        }
        List<String> keys = new ArrayList<>(requests.fieldNames());
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (String key : keys) {
            if (!(requests.getValue(key) instanceof JsonObject request) || request.getString("method") == null) {
                return Future.succeededFuture(
                        error(JsonRpc.INTERNAL_ERROR, "the upstream's input request '" + key + "' names no method"));
            }
            // The id only tells the relay's client a request of its own; the client's answer is matched by the bus.
            answers.add(ask.apply(
                    JsonRpc.request(round * 1000L + answers.size(), request.getString("method"), params(request))));
        }
        return Future.all(answers)
                .map(all -> {
                    JsonObject responses = new JsonObject();
                    for (int i = 0; i < keys.size(); i++)
                        responses.put(keys.get(i), answers.get(i).result());
                    return responses;
                })
                .compose(
                        responses -> {
                            JsonObject retry = retry(params, responses, result.getValue(Stateless.REQUEST_STATE));
                            return send.apply(retry).compose(next -> round(method, retry, next, send, ask, round + 1));
                        },
                        failed -> Future.succeededFuture(clientRefused(failed)));
    }

    private static JsonObject params(JsonObject request) {
        return request.getValue("params") instanceof JsonObject p ? p : new JsonObject();
    }

    /** The original params with this round's answers and the upstream's state (absent when it sent none). */
    private static JsonObject retry(JsonObject params, JsonObject responses, Object requestState) {
        Map<String, Object> map = new LinkedHashMap<>(params.getMap());
        map.put(Stateless.INPUT_RESPONSES, responses);
        if (requestState != null) map.put(Stateless.REQUEST_STATE, requestState);
        else map.remove(Stateless.REQUEST_STATE);
        return new JsonObject(map);
    }

    /** The client could not answer one of the requests: the call fails with its error. */
    private static JsonObject clientRefused(Throwable failure) {
        if (failure instanceof JsonRpcPeer.RpcError e) return error(e.code, e.getMessage());
        return error(JsonRpc.INTERNAL_ERROR, "the client did not answer the upstream's input request: " + failure);
    }

    private static JsonObject error(int code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }
}
