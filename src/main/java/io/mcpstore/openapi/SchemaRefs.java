package io.mcpstore.openapi;

import io.mcpstore.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * The document's local {@code $ref}s ({@code #/components/…}), inlined, and its schemas as JSON Schema 2020-12 (what
 * a tool's {@code inputSchema} and {@code outputSchema} are): OpenAPI 3.0's {@code nullable}, boolean {@code
 * exclusiveMinimum}/{@code exclusiveMaximum} and {@code example} become their 2020-12 spellings, {@code xml} and
 * {@code externalDocs} are dropped. A schema that refers to itself is expanded once; the inner reference becomes an
 * open schema saying so. The expansion has a budget, so that a small document cannot expand to an unbounded one.
 */
final class SchemaRefs {
    /** Nodes all the expanded schemas of one document may hold together. */
    static final int MAX_NODES = 200_000;

    private static final Set<String> SCHEMA_MAPS =
            Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
    private static final Set<String> SCHEMA_VALUES = Set.of(
            "additionalProperties",
            "items",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
            "unevaluatedProperties",
            "unevaluatedItems",
            "additionalItems");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");

    private final JsonObject document;
    private final boolean openApi30;
    private final List<String> warnings;
    private int nodes;

    SchemaRefs(JsonObject document, boolean openApi30, List<String> warnings) {
        this.document = document;
        this.openApi30 = openApi30;
        this.warnings = warnings;
    }

    /**
     * A non-schema object (path item, parameter, request body, response, media type) with its own {@code $ref}
     * followed, siblings of the reference winning (OpenAPI 3.1 lets {@code summary} and {@code description} override).
     */
    JsonObject object(Object node, String at) {
        if (!(node instanceof JsonObject o)) return null;
        JsonObject current = o;
        Deque<String> seen = new ArrayDeque<>();
        while (current.getValue("$ref") instanceof String ref) {
            if (seen.contains(ref)) throw new ConfigException("document", "$ref cycle at " + at + ": " + seen);
            seen.push(ref);
            JsonObject target = target(ref, at);
            JsonObject merged = target.copy();
            current.forEach(e -> {
                if (!e.getKey().equals("$ref")) merged.put(e.getKey(), e.getValue());
            });
            current = merged;
        }
        return current;
    }

    /** The schema at {@code at} with every reference inlined and in 2020-12 spelling; null stays null. */
    JsonObject schema(Object node, String at) {
        if (node == null) return null;
        if (node instanceof Boolean b) return b ? new JsonObject() : new JsonObject().put("not", new JsonObject());
        if (!(node instanceof JsonObject o)) throw new ConfigException("document", at + " is not a schema");
        return expand(o, at, new ArrayDeque<>());
    }

    private JsonObject expand(JsonObject schema, String at, Deque<String> path) {
        if (++nodes > MAX_NODES) {
            throw new ConfigException(
                    "document", "its schemas expand to more than " + MAX_NODES + " nodes once $refs are inlined");
        }
        JsonObject out = new JsonObject();
        if (schema.getValue("$ref") instanceof String ref) {
            if (path.contains(ref)) {
                warnings.add(at + ": recursive schema " + name(ref) + " is expanded once; deeper levels accept any"
                        + " value");
                return new JsonObject().put("description", "(recursive " + name(ref) + ", not expanded further)");
            }
            path.push(ref);
            JsonObject target = expand(target(ref, at), at, path);
            path.pop();
            out.mergeIn(target);
        }
        for (var e : schema) {
            String key = e.getKey();
            Object v = e.getValue();
            if (key.equals("$ref")) continue;
            if (SCHEMA_MAPS.contains(key) && v instanceof JsonObject map) {
                JsonObject each = new JsonObject();
                map.forEach(p -> each.put(p.getKey(), child(p.getValue(), at + "." + p.getKey(), path)));
                out.put(key, each);
            } else if (SCHEMA_VALUES.contains(key) && (v instanceof JsonObject || v instanceof Boolean)) {
                out.put(key, child(v, at + "." + key, path));
            } else if ((SCHEMA_LISTS.contains(key) || key.equals("items")) && v instanceof JsonArray list) {
                JsonArray each = new JsonArray();
                for (int i = 0; i < list.size(); i++) each.add(child(list.getValue(i), at + "." + key + i, path));
                out.put(key, each);
            } else {
                out.put(key, v);
            }
        }
        return openApi30 ? to202012(out) : dropOpenApiOnly(out);
    }

    private Object child(Object v, String at, Deque<String> path) {
        if (v instanceof JsonObject o) return expand(o, at, path);
        return v;
    }

    /** OpenAPI 3.0's schema dialect in JSON Schema 2020-12 words. */
    private static JsonObject to202012(JsonObject s) {
        if (Boolean.TRUE.equals(s.remove("nullable"))) {
            Object type = s.getValue("type");
            if (type instanceof String t) s.put("type", new JsonArray().add(t).add("null"));
            if (s.getValue("enum") instanceof JsonArray values && !values.contains(null)) values.add(null);
        }
        exclusive(s, "exclusiveMinimum", "minimum");
        exclusive(s, "exclusiveMaximum", "maximum");
        if (s.containsKey("example")) {
            Object example = s.remove("example");
            if (!s.containsKey("examples")) s.put("examples", new JsonArray().add(example));
        }
        return dropOpenApiOnly(s);
    }

    private static void exclusive(JsonObject s, String flag, String bound) {
        Object v = s.getValue(flag);
        if (!(v instanceof Boolean b)) return;
        s.remove(flag);
        if (b && s.getValue(bound) != null) s.put(flag, s.remove(bound));
    }

    private static JsonObject dropOpenApiOnly(JsonObject s) {
        s.remove("xml");
        s.remove("externalDocs");
        return s;
    }

    /** The object a local reference points at. */
    private JsonObject target(String ref, String at) {
        if (!ref.startsWith("#")) {
            throw new ConfigException("document", at + ": external $ref '" + ref + "' was not resolved");
        }
        Object found;
        try {
            String fragment = URI.create(ref).getFragment();
            found = JsonPointer.from(fragment == null ? "" : fragment).queryJson(document);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("document", at + ": $ref '" + ref + "' is not a JSON pointer: " + e.getMessage());
        }
        if (!(found instanceof JsonObject o)) {
            throw new ConfigException("document", at + ": $ref '" + ref + "' points at nothing");
        }
        return o;
    }

    private static String name(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }
}
