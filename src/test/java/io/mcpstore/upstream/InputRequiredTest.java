package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rounds of a 2026 upstream's input_required answers, followed for a 2025 caller, and their bounds. */
@Timeout(10)
class InputRequiredTest {
    private static JsonObject inputRequired(int requests, String state) {
        JsonObject inputs = new JsonObject();
        for (int i = 0; i < requests; i++) {
            inputs.put(
                    "k" + i,
                    new JsonObject().put("method", "elicitation/create").put("params", new JsonObject()));
        }
        JsonObject result = new JsonObject().put("resultType", "input_required").put("inputRequests", inputs);
        if (state != null) result.put("requestState", state);
        return new JsonObject().put("result", result);
    }

    private static final JsonObject DONE = new JsonObject().put("result", new JsonObject().put("content", "done"));

    @Test
    void answersGoBackWithTheStateUntouchedUntilTheResultIsComplete() {
        List<JsonObject> sent = new ArrayList<>();
        List<JsonObject> asked = new ArrayList<>();
        JsonObject params = new JsonObject().put("name", "t");
        JsonObject reply = InputRequired.follow(
                        "tools/call",
                        params,
                        inputRequired(2, "opaque-1"),
                        retry -> {
                            sent.add(retry);
                            return Future.succeededFuture(sent.size() == 1 ? inputRequired(1, null) : DONE);
                        },
                        request -> {
                            asked.add(request);
                            return Future.succeededFuture(new JsonObject().put("action", "accept"));
                        })
                .result();
        assertThat(reply).isEqualTo(DONE);
        assertThat(asked)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.getString("method")).isEqualTo("elicitation/create"));
        assertThat(sent.get(0).getString("requestState")).isEqualTo("opaque-1");
        assertThat(sent.get(0).getJsonObject("inputResponses").fieldNames()).containsExactlyInAnyOrder("k0", "k1");
        // The second round came without state: the retry carries none, and only that round's answers.
        assertThat(sent.get(1).containsKey("requestState")).isFalse();
        assertThat(sent.get(1).getJsonObject("inputResponses").fieldNames()).containsExactly("k0");
        assertThat(sent.get(1).getString("name")).isEqualTo("t");
    }

    @Test
    void anUpstreamThatNeverStopsAskingIsStopped() {
        int[] sends = {0};
        JsonObject reply = InputRequired.follow(
                        "tools/call",
                        new JsonObject(),
                        inputRequired(1, "s"),
                        retry -> {
                            sends[0]++;
                            return Future.succeededFuture(inputRequired(1, "s"));
                        },
                        request -> Future.succeededFuture(new JsonObject()))
                .result();
        assertThat(reply.getJsonObject("error").getString("message")).contains("more than " + InputRequired.MAX_ROUNDS);
        assertThat(sends[0]).isEqualTo(InputRequired.MAX_ROUNDS);
    }

    @Test
    void tooManyInputsAtOnceAreRefusedWithoutAskingTheClient() {
        List<JsonObject> asked = new ArrayList<>();
        JsonObject reply = InputRequired.follow(
                        "tools/call",
                        new JsonObject(),
                        inputRequired(InputRequired.MAX_INPUT_REQUESTS + 1, null),
                        retry -> Future.succeededFuture(DONE),
                        request -> {
                            asked.add(request);
                            return Future.succeededFuture(new JsonObject());
                        })
                .result();
        assertThat(reply.getJsonObject("error").getString("message")).contains("inputs at once");
        assertThat(asked).isEmpty();
    }

    @Test
    void aClientsRefusalFailsTheCallWithItsError() {
        JsonObject reply = InputRequired.follow(
                        "tools/call",
                        new JsonObject(),
                        inputRequired(1, null),
                        retry -> Future.succeededFuture(DONE),
                        request -> Future.failedFuture(new JsonRpcPeer.RpcError(-32601, "no elicitation here")))
                .result();
        assertThat(reply.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
        assertThat(reply.getJsonObject("error").getString("message")).isEqualTo("no elicitation here");
    }
}
