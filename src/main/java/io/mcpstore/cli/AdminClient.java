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

/**
 * The admin API of a running gateway, as the CLI commands call it: {@code --url}, {@code --json}, and the bearer
 * credential from {@code --token}, {@code $MCPSTORE_TOKEN} or the file {@code mcpstore login} saved, in that order.
 */
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

    // The env default is never shown in help: it is a secret.
    @Option(
            names = "--token",
            description = "A token or API key to send as bearer (default: env MCPSTORE_TOKEN, else the file"
                    + " `mcpstore login` saved)",
            defaultValue = "${env:MCPSTORE_TOKEN}")
    String token;

    @Option(
            names = "--token-file",
            description = "Where `mcpstore login` keeps its token (default: $XDG_CONFIG_HOME/mcpstore/token or"
                    + " ~/.config/mcpstore/token)")
    java.nio.file.Path tokenFile;

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

    String base() {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    TokenFile tokenFile() {
        return tokenFile == null ? TokenFile.standard() : new TokenFile(tokenFile);
    }

    /** The credential to send: {@code --token}, else {@code $MCPSTORE_TOKEN} (both via the option), else the file. */
    String credential() throws IOException {
        if (token != null && !token.isBlank()) return token.trim();
        return tokenFile().read();
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) {
        String bearer;
        try {
            bearer = credential();
        } catch (IOException e) {
            throw new Failure("cannot read the token file: " + e.getMessage());
        }
        return send(method, path, contentType, body, bearer);
    }

    HttpResponse<String> send(String method, String path, String contentType, String body, String bearer) {
        String base = base();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
                .timeout(Duration.ofSeconds(120))
                .header("Accept", "application/json");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
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
                detail = problem.getString("detail", problem.getString("title", detail));
            } catch (RuntimeException ignored) {
                // not a problem document: show the body as it is
            }
            if (detail == null || detail.isBlank()) detail = "(no detail)";
            String hint = response.statusCode() == 401 && !path.equals("/auth/login")
                    ? (bearer == null
                            ? " — sign in with `mcpstore login` (or pass --token / MCPSTORE_TOKEN)"
                            : " — the token was refused; sign in again with `mcpstore login`")
                    : "";
            throw new Failure("HTTP " + response.statusCode() + ": " + detail.replace('\n', ' ') + hint);
        }
        return response;
    }

    JsonObject get(String path) {
        return new JsonObject(send("GET", path, null, null).body());
    }

    /** The answer of a GET that may be a bare array or an object holding it under {@code field}. */
    io.vertx.core.json.JsonArray list(String path, String field) {
        String body = send("GET", path, null, null).body().trim();
        if (body.startsWith("[")) return new io.vertx.core.json.JsonArray(body);
        return new JsonObject(body).getJsonArray(field, new io.vertx.core.json.JsonArray());
    }

    JsonObject post(String path, JsonObject body) {
        return new JsonObject(send("POST", path, "application/json", body == null ? "{}" : body.encode())
                .body());
    }

    JsonObject put(String path, JsonObject body) {
        return new JsonObject(
                send("PUT", path, "application/json", body.encode()).body());
    }

    JsonObject delete(String path) {
        String body = send("DELETE", path, null, null).body();
        return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
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
