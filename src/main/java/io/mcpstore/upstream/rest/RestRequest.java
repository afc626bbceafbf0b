package io.mcpstore.upstream.rest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request a tool call makes: method, absolute URL, headers (the service's, the tool's arguments', the
 * content type; auth is added when it is sent) and body, or null.
 */
record RestRequest(HttpMethod method, String url, Map<String, String> headers, Buffer body) {
    RestRequest {
        headers = new LinkedHashMap<>(headers);
    }

    /** The same request to another URL (a redirect), with or without its body and credentials. */
    RestRequest to(HttpMethod method, String url, boolean keepBody, boolean keepCredentials) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        if (!keepBody) {
            h.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Type") || k.equalsIgnoreCase("Content-Length"));
        }
        if (!keepCredentials)
            h.keySet().removeIf(k -> k.equalsIgnoreCase("Authorization") || k.equalsIgnoreCase("Cookie"));
        return new RestRequest(method, url, h, keepBody ? body : null);
    }

    RestRequest withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new RestRequest(method, url, h, body);
    }

    /** As the dry run shows it (the caller has redacted the URL and headers already). */
    JsonObject toJson() {
        JsonObject h = new JsonObject();
        headers.forEach(h::put);
        return new JsonObject()
                .put("method", method.name())
                .put("url", url)
                .put("headers", h)
                .put("body", body == null ? null : body.toString(StandardCharsets.UTF_8));
    }
}
