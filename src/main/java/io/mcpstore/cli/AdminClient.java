package io.mcpstore.cli;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The admin API of a running gateway, as the CLI commands call it: {@code --url}, {@code --json}. */
public final class AdminClient {
    /** Thrown for an answer the user must see as an error; the message is what is printed. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    @Option(
            names = "--url",
            description = "The gateway (default: ${DEFAULT-VALUE}; env MCPSTORE_URL)",
            defaultValue = "${env:MCPSTORE_URL:-http://127.0.0.1:8080}")
    String url;

    @Option(names = "--json", description = "Print the API's JSON instead of a table")
    boolean json;

    /**
     * Made on first use: every command line builds an instance of this mixin for every subcommand, and an HTTP
     * client costs ~0.3 s of start-up (classes, a selector thread) that {@code serve} must not pay.
     */
    private HttpClient http;

    private HttpClient http() {
        if (http == null)
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http;
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
                .timeout(Duration.ofSeconds(120))
                .header("Accept", "application/json");
        if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
        else b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure("cannot reach the gateway at " + base + " (is it running? --url)");
        } catch (IOException e) {
            throw new Failure("cannot reach the gateway at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        if (response.statusCode() >= 400) {
            String detail = response.body();
            try {
                JsonObject problem = new JsonObject(response.body());
                detail = problem.getString("detail", detail);
            } catch (RuntimeException ignored) {
                // not a problem document: show the body as it is
            }
            throw new Failure("HTTP " + response.statusCode() + ": " + detail);
        }
        return response;
    }

    JsonObject get(String path) {
        return new JsonObject(send("GET", path, null, null).body());
    }

    JsonObject post(String path, JsonObject body) {
        return new JsonObject(send("POST", path, "application/json", body == null ? "{}" : body.encode())
                .body());
    }

    JsonObject delete(String path) {
        return new JsonObject(send("DELETE", path, null, null).body());
    }

    /** Prints {@code body} as JSON when asked, else runs {@code table}. */
    boolean printJson(PrintWriter out, Object body) {
        if (!json) return false;
        out.println(body instanceof JsonObject o ? o.encodePrettily() : Json.encodePrettily(body));
        return true;
    }

    static String path(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
