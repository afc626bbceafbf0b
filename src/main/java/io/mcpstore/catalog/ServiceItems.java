package io.mcpstore.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One service's items of one kind (its tools, prompts, resources or templates) in the forms views show them: under
 * the upstream's names, or renamed {@code <service><separator><name>}. Each form is built, and encoded, at most once
 * and then shared by every view built from the same catalog entry, so a view is rebuilt without copying or
 * encoding the items of services that did not change.
 *
 * <p>Lazy parts are published through volatile fields of immutable objects; a router's catalog is used on its
 * event loop only, but a view built elsewhere (a test, a benchmark) stays correct.
 */
final class ServiceItems {
    /** The items in one public form, with their JSON encoded (side by side, in one block) when first needed. */
    static final class Form {
        private record Encoded(byte[] block, int[] ends) {}

        private final String[] names;
        private final JsonObject[] items;
        private volatile Encoded encoded;

        private Form(String[] names, JsonObject[] items) {
            this.names = names;
            this.items = items;
        }

        String name(int i) {
            return names[i];
        }

        JsonObject item(int i) {
            return items[i];
        }

        /** The length of item {@code i}'s JSON. */
        int length(int i) {
            int[] ends = encoded().ends();
            return ends[i] - (i == 0 ? 0 : ends[i - 1]);
        }

        /** Copies item {@code i}'s JSON into {@code to} at {@code at}; returns the position after it. */
        int copy(int i, byte[] to, int at) {
            Encoded e = encoded();
            int start = i == 0 ? 0 : e.ends()[i - 1];
            int length = e.ends()[i] - start;
            System.arraycopy(e.block(), start, to, at, length);
            return at + length;
        }

        private Encoded encoded() {
            Encoded e = encoded;
            if (e == null) {
                e = encode(items);
                encoded = e;
            }
            return e;
        }

        /** Vert.x's own encoder, so that the bytes are those {@code JsonObject.toBuffer()} would give. */
        private static Encoded encode(JsonObject[] items) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, items.length * 256));
            int[] ends = new int[items.length];
            try (JsonGenerator gen = DatabindCodec.mapper().getFactory().createGenerator(out)) {
                gen.setRootValueSeparator(null);
                for (int i = 0; i < items.length; i++) {
                    JacksonCodec.encodeJson(items[i], gen);
                    gen.flush();
                    ends[i] = out.size();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail
            }
            return new Encoded(out.toByteArray(), ends);
        }
    }

    private record Prefixed(String separator, Form form) {}

    private final String service;
    private final Form plain;
    private volatile Prefixed prefixed;

    private ServiceItems(String service, Form plain) {
        this.service = service;
        this.plain = plain;
    }

    /** The objects of {@code published} that carry {@code key} ("name", "uri", "uriTemplate"), in order. */
    static ServiceItems of(String service, JsonArray published, String key) {
        List<String> names = new ArrayList<>(published.size());
        List<JsonObject> items = new ArrayList<>(published.size());
        for (Object o : published) {
            if (o instanceof JsonObject item && item.getString(key) != null) {
                names.add(item.getString(key));
                items.add(item);
            }
        }
        return new ServiceItems(service, new Form(names.toArray(String[]::new), items.toArray(JsonObject[]::new)));
    }

    int size() {
        return plain.items.length;
    }

    /** The name (or URI) the upstream gave item {@code i}. */
    String name(int i) {
        return plain.names[i];
    }

    Form plain() {
        return plain;
    }

    /** Every item renamed {@code <service><separator><name>}: a shallow copy, as schemas are shared and large. */
    Form prefixed(String separator) {
        Prefixed p = prefixed;
        if (p == null || !p.separator().equals(separator)) {
            int n = size();
            String[] names = new String[n];
            JsonObject[] items = new JsonObject[n];
            for (int i = 0; i < n; i++) {
                names[i] = service + separator + plain.names[i];
                items[i] = new JsonObject(new LinkedHashMap<>(plain.items[i].getMap())).put("name", names[i]);
            }
            p = new Prefixed(separator, new Form(names, items));
            prefixed = p;
        }
        return p.form();
    }
}
