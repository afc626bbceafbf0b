package io.mcpstore.upstream.rest;

import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Template;
import io.mcpstore.config.RestConfig;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handlebars for the templates of one rest service (a request body, an answer's text), with three helpers: {@code
 * {{json x}}} writes x as JSON (a string quoted and escaped, a list as a JSON array; missing: {@code null}), {@code
 * {{default x "fallback"}}} writes x, or the fallback when x is missing or empty, and {@code {{env "NAME"}}} writes
 * variable NAME of the service's {@code env} (its {@code ${env:…}} and {@code ${enc:…}} references resolved when the
 * service starts) — never the gateway's own environment. Nothing is HTML-escaped: the output is JSON or plain text.
 */
final class Templates {
    private final Handlebars handlebars;

    Templates(Map<String, String> env) {
        Map<String, String> visible = Map.copyOf(env);
        this.handlebars = new Handlebars().with(EscapingStrategy.NOOP);
        handlebars.registerHelper(RestConfig.RIGHT_BRACE_HELPER, (context, options) -> "}");
        handlebars.registerHelper("json", (Helper<Object>) (value, options) -> new Handlebars.SafeString(json(value)));
        handlebars.registerHelper("default", (Helper<Object>) (value, options) -> {
            Object fallback = options.params.length > 0 ? options.param(0) : "";
            boolean missing = value == null || (value instanceof CharSequence s && s.isEmpty());
            return missing ? fallback : value;
        });
        handlebars.registerHelper("env", (Helper<Object>) (name, options) -> {
            String value = name == null ? null : visible.get(name.toString());
            if (value == null) {
                throw new IllegalArgumentException("the service's env has no " + name);
            }
            return value;
        });
    }

    Template compile(String text) {
        try {
            return handlebars.compileInline(RestConfig.handlebarsSource(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the config check compiled it already
        }
    }

    static String render(Template template, Object context) {
        try {
            return template.apply(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Object value) {
        return value == null ? "null" : Json.encode(value);
    }

    /** A JSON value as the template sees it: plain maps, lists, strings, numbers and booleans. */
    static Object plain(Object value) {
        if (value instanceof JsonObject object) {
            Map<String, Object> out = new LinkedHashMap<>();
            object.forEach(e -> out.put(e.getKey(), plain(e.getValue())));
            return out;
        }
        if (value instanceof JsonArray array) {
            List<Object> out = new ArrayList<>(array.size());
            array.forEach(v -> out.add(plain(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(plain(v)));
            return out;
        }
        return value;
    }
}
