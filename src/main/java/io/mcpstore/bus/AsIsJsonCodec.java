package io.mcpstore.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * JSON bodies handed over as they are inside one process, where the bus's own codec would deep-copy every one of
 * them; between nodes they travel as JSON like any other body. Used for the messages of a call (the request to the
 * upstream and its reply), whose payloads can be large: whoever sends one must not change it afterwards, and whoever
 * receives one reads it.
 */
public final class AsIsJsonCodec implements MessageCodec<JsonObject, JsonObject> {
    public static final String NAME = "mcpstore.json-as-is";

    /** Registers the codec on {@code bus}, once per Vert.x instance. */
    public static void register(EventBus bus) {
        try {
            bus.registerCodec(new AsIsJsonCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another gateway in the same Vert.x instance registered it
        }
    }

    /** Delivery options that send a body with this codec. */
    public static DeliveryOptions options() {
        return new DeliveryOptions().setCodecName(NAME);
    }

    @Override
    public void encodeToWire(Buffer buffer, JsonObject body) {
        Buffer encoded = body.toBuffer();
        buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(JsonObject body) {
        return body;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
