package io.mcpstore.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;

/**
 * Decodes what one upstream sends, one message at a time, within the service's {@code maxMessageBytes}. That limit
 * is the only one: Jackson's defaults (a string of at most 20 MB) would refuse a valid bigger answer as "not JSON",
 * and the call would time out. A message over the limit becomes a JSON-RPC error for the call it belongs to.
 */
final class MessageDecoder {
    /** How much of a message over the limit is kept: enough to find the id of the call it answers. */
    static final int START_BYTES = 4096;

    /** A message over the limit, stopped and dropped; {@code start} is its beginning. */
    static final class TooLarge extends IOException {
        final transient byte[] start;

        TooLarge(byte[] start) {
            super("message larger than the limit", null);
            this.start = start;
        }
    }

    private final String service;
    private final int maxBytes;
    private final JsonFactory factory;

    MessageDecoder(String service, long maxBytes) {
        this.service = service;
        this.maxBytes = (int) Math.min(maxBytes, Integer.MAX_VALUE);
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(this.maxBytes)
                        .maxDocumentLength(maxBytes)
                        .build())
                .build();
    }

    int maxBytes() {
        return maxBytes;
    }

    /** The JSON value in {@code bytes[offset, offset + length)}: a JsonObject, a JsonArray or a scalar. */
    Object decode(byte[] bytes, int offset, int length) {
        try {
            return JacksonCodec.fromParser(factory.createParser(bytes, offset, length), Object.class);
        } catch (IOException e) {
            throw new DecodeException(e.getMessage(), e);
        }
    }

    Object decode(String text) {
        try {
            return JacksonCodec.fromParser(factory.createParser(text), Object.class);
        } catch (IOException e) {
            throw new DecodeException(e.getMessage(), e);
        }
    }

    /**
     * The error response that stands in for a message over the limit which began with {@code start}: for the call
     * whose id the message itself names, else for {@code knownId} (the request whose HTTP response carried it), else
     * with a null id (the peer gives it to the one call in flight, if there is exactly one). Null when the message was
     * one of the server's own requests or notifications and nothing ties it to a call: then it is only logged.
     */
    JsonObject tooLarge(byte[] start, Object knownId) {
        Object own = responseId(start);
        if (own == NOT_A_RESPONSE) {
            if (knownId == null) return null;
            own = null;
        }
        return JsonRpc.error(own != null ? own : knownId, JsonRpc.INTERNAL_ERROR, tooLargeMessage());
    }

    String tooLargeMessage() {
        return "service '" + service + "' sent a message larger than its maxMessageBytes (" + maxBytes
                + " bytes); it was skipped";
    }

    private static final Object NOT_A_RESPONSE = new Object();

    /**
     * The top-level {@code id} of the message that begins with {@code start}, read as far as the cut allows; {@link
     * #NOT_A_RESPONSE} when it names a {@code method} (the server's request: its id is not one of ours).
     */
    private Object responseId(byte[] start) {
        Object id = null;
        try (JsonParser parser = factory.createParser(start)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return null;
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "method" -> {
                        return NOT_A_RESPONSE;
                    }
                    case "id" -> {
                        if (value == JsonToken.VALUE_NUMBER_INT) id = parser.getLongValue();
                        else if (value == JsonToken.VALUE_STRING) id = parser.getText();
                    }
                    case "result", "error" -> {
                        return id; // what follows is the part too large to read
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException cut) {
            // the start ends mid-value: what was read so far is all there is
        }
        return id;
    }
}
