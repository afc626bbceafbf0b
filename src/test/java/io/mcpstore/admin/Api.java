package io.mcpstore.admin;

import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP to a test gateway's admin API, as curl would send it. */
final class Api {
    private final TestGateway gateway;

    Api(TestGateway gateway) {
        this.gateway = gateway;
    }

    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        headers.forEach(b::setHeader);
        return gateway.send(b.build());
    }

    HttpResponse<String> get(String path) {
        return send("GET", path, null, Map.of());
    }

    HttpResponse<String> post(String path, JsonObject body) {
        return send("POST", path, body == null ? null : body.encode(), Map.of());
    }

    HttpResponse<String> put(String path, JsonObject body) {
        return send("PUT", path, body.encode(), Map.of());
    }

    HttpResponse<String> delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    static JsonObject json(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }
}
