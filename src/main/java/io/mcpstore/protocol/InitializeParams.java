package io.mcpstore.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The params of an {@code initialize} request, checked before a session is made of them: a session opened on
 * params of the wrong shape would fail every later request that reads them.
 *
 * @param negotiated the protocol version the gateway answers with
 * @param json the params as the client sent them (capabilities and clientInfo objects, or absent)
 */
public record InitializeParams(String negotiated, JsonObject json) {
    /** Client capabilities whose value the spec makes an object. */
    private static final List<String> OBJECT_CAPABILITIES =
            List.of("roots", "sampling", "elicitation", "experimental", "tasks");

    public InitializeParams {
        if (negotiated == null || json == null) throw new IllegalArgumentException("negotiated and json are required");
    }

    /** Checks {@code params} (a request's {@code params} value); an {@link McpException} -32602 says what is wrong. */
    public static InitializeParams from(Object params) {
        if (!(params instanceof JsonObject p)) throw McpException.invalidParams("initialize needs params: an object");
        Object version = p.getValue("protocolVersion");
        if (version != null && !(version instanceof String)) {
            throw McpException.invalidParams("initialize: protocolVersion must be a string");
        }
        Object capabilities = p.getValue("capabilities");
        if (capabilities != null && !(capabilities instanceof JsonObject)) {
            throw McpException.invalidParams("initialize: capabilities must be an object");
        }
        if (capabilities instanceof JsonObject c) {
            for (String name : OBJECT_CAPABILITIES) {
                Object value = c.getValue(name);
                if (value != null && !(value instanceof JsonObject)) {
                    throw McpException.invalidParams("initialize: capabilities." + name + " must be an object");
                }
            }
        }
        Object clientInfo = p.getValue("clientInfo");
        if (clientInfo != null && !(clientInfo instanceof JsonObject)) {
            throw McpException.invalidParams("initialize: clientInfo must be an object");
        }
        return new InitializeParams(ProtocolVersion.negotiate((String) version), p);
    }
}
