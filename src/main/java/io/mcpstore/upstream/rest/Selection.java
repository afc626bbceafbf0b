package io.mcpstore.upstream.rest;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.io.IOException;

/**
 * The part of a JSON answer a tool shows: all of it, a JSON Pointer ({@code /data}) or a JsonPath ({@code
 * $.data[0].name}), compiled once. The answer is parsed with Jackson into plain maps, lists and values, which the
 * templates and {@code structuredContent} take as they are.
 */
final class Selection {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
            .mappingProvider(new JacksonMappingProvider(MAPPER))
            .build();

    /** An answer that holds nothing at the selection. */
    static final class Missing extends Exception {
        Missing(String message) {
            super(message, null, false, false);
        }
    }

    private final String expression;
    private final JsonPointer pointer;
    private final JsonPath path;

    Selection(String expression) {
        this.expression = expression;
        this.pointer = expression != null && !expression.startsWith("$") ? JsonPointer.compile(expression) : null;
        this.path = expression != null && expression.startsWith("$") ? JsonPath.compile(expression) : null;
    }

    boolean selects() {
        return expression != null;
    }

    /** The selected value of a JSON document; a {@link IOException} when it is not JSON. */
    Object select(byte[] json) throws IOException, Missing {
        if (expression == null) return MAPPER.readValue(json, Object.class);
        JsonNode root = MAPPER.readTree(json);
        JsonNode selected;
        if (pointer != null) {
            selected = root.at(pointer);
            if (selected.isMissingNode()) throw new Missing("the answer has nothing at " + expression);
        } else {
            try {
                selected = path.read(root, JSON_PATH);
            } catch (PathNotFoundException e) {
                throw new Missing("the answer has nothing at " + expression);
            }
        }
        return MAPPER.treeToValue(selected, Object.class);
    }
}
