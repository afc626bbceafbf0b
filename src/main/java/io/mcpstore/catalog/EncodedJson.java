package io.mcpstore.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import io.vertx.core.shareddata.Shareable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A JSON value that is already encoded (UTF-8), placed in a {@code JsonObject} so that encoding the object copies
 * these bytes instead of walking a tree: {@code {"tools": <encoded>, "nextCursor": …}} costs the copy of the page,
 * not its serialization. Immutable; a copy of the object (the bus's local copy) shares it. Vert.x encodes JSON
 * with Jackson databind (a dependency of this project), which writes a {@link JsonSerializable} as it asks.
 */
final class EncodedJson implements Shareable, JsonSerializable {
    private final Utf8 utf8;

    EncodedJson(byte[] utf8) {
        this.utf8 = new Utf8(utf8);
    }

    int length() {
        return utf8.bytes.length;
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeRawValue(utf8);
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
            throws IOException {
        serialize(gen, serializers);
    }

    @Override
    public String toString() {
        return utf8.getValue();
    }

    /**
     * The bytes as Jackson's raw-value source: a byte-oriented generator (what {@code toBuffer} uses) copies them;
     * a character-oriented one (what {@code encode()} uses) gets them as a string.
     */
    private static final class Utf8 implements SerializableString {
        private final byte[] bytes;

        Utf8(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getValue() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return bytes;
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (buffer.length - offset < bytes.length) return -1;
            System.arraycopy(bytes, 0, buffer, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(bytes);
            return bytes.length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer out) {
            if (out.remaining() < bytes.length) return -1;
            out.put(bytes);
            return bytes.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return -1; // the generator falls back to getValue()
        }

        // Quoted forms are for names and string values, never asked of a raw value; answered correctly anyway.

        private SerializedString quoted() {
            return new SerializedString(getValue());
        }

        @Override
        public char[] asQuotedChars() {
            return quoted().asQuotedChars();
        }

        @Override
        public byte[] asQuotedUTF8() {
            return quoted().asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return quoted().appendQuotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return quoted().appendQuoted(buffer, offset);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return quoted().writeQuotedUTF8(out);
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return quoted().putQuotedUTF8(buffer);
        }
    }
}
