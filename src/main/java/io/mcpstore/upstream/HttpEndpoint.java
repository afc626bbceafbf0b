package io.mcpstore.upstream;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The HTTP side both HTTP transports share: one pooled keep-alive client for one upstream, the service's headers
 * (placeholders resolved once, when the connection opens), and reading JSON-RPC out of JSON and SSE bodies.
 */
final class HttpEndpoint {
    static final String EVENT_STREAM = "text/event-stream";
    static final String JSON = "application/json";
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Each call answered with a stream holds a connection until it ends: leave room for many in flight. */
    private static final int MAX_CONNECTIONS = 64;

    private final HttpClient client;
    private final Map<String, String> headers;
    private final Logger log;
    private final String service;
    /** Each URL parsed once, not on every request (the service's URL, a legacy server's message endpoint). */
    private final Map<String, java.net.URL> urls = new java.util.HashMap<>();

    /** Throws {@link io.mcpstore.config.ConfigException} when a header references an unset variable. */
    HttpEndpoint(Vertx vertx, ServiceConfig service, Logger log) {
        this.headers = withUserInfo(Placeholders.resolve(service.headers()), Placeholders.resolve(service.url()));
        this.service = service.name();
        this.log = log;
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    }

    /**
     * The service's headers, plus {@code Authorization: Basic …} from the URL's user info when it has one and the
     * headers do not authorize already (what curl and browsers do with {@code http://user:password@host/}).
     */
    private static Map<String, String> withUserInfo(Map<String, String> headers, String url) {
        String userInfo;
        try {
            userInfo = java.net.URI.create(url).getRawUserInfo();
        } catch (IllegalArgumentException notAUrl) {
            return headers; // send() names the problem, redacted
        }
        if (userInfo == null || headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"))) {
            return headers;
        }
        String decoded = java.net.URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        Map<String, String> out = new java.util.LinkedHashMap<>(headers);
        out.put(
                "Authorization",
                "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** Sends a request with the service's headers plus {@code extra}; completes when the response head arrives. */
    Future<HttpClientResponse> send(HttpMethod method, String url, Map<String, String> extra, Buffer body) {
        java.net.URL parsed = urls.get(url);
        if (parsed == null) {
            try {
                parsed = java.net.URI.create(Placeholders.resolve(url)).toURL();
            } catch (java.net.MalformedURLException | IllegalArgumentException e) {
                return Future.failedFuture(new IllegalArgumentException("not a valid URL: " + Secrets.redactUrl(url)));
            }
            urls.put(url, parsed);
        }
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(parsed);
        headers.forEach(options::putHeader);
        extra.forEach(options::putHeader);
        return client.request(options).compose(request -> body == null ? request.send() : request.send(body));
    }

    /** JSON-RPC messages in a JSON body (one object, or a batch); anything else is logged and skipped. */
    void deliverJson(Buffer body, Handler<JsonObject> inbound) {
        if (body.length() == 0) return;
        Object decoded;
        try {
            decoded = Json.decodeValue(body);
        } catch (DecodeException e) {
            log.warn("service '{}' answered with a body that is not JSON, skipped: {}", service, e.getMessage());
            return;
        }
        deliver(decoded, inbound);
    }

    /** Each event's data parsed as JSON-RPC; the priming event (empty data) and non-JSON data are skipped. */
    Consumer<SseParser.Event> eventsTo(Handler<JsonObject> inbound) {
        return event -> {
            if (event.data().isBlank()) return;
            try {
                deliver(Json.decodeValue(event.data()), inbound);
            } catch (DecodeException e) {
                log.warn("service '{}' sent an event that is not JSON, skipped: {}", service, e.getMessage());
            }
        };
    }

    private void deliver(Object decoded, Handler<JsonObject> inbound) {
        if (decoded instanceof JsonObject message) {
            inbound.handle(message);
        } else if (decoded instanceof JsonArray batch) {
            batch.stream().filter(JsonObject.class::isInstance).forEach(m -> inbound.handle((JsonObject) m));
        }
    }

    /**
     * Feeds a streaming body into {@code parser}; {@code ended} gets null when the server ended the stream and the
     * error when the connection broke.
     */
    static void stream(HttpClientResponse response, SseParser parser, Handler<Throwable> ended) {
        response.handler(parser::feed);
        response.exceptionHandler(ended);
        response.endHandler(v -> ended.handle(null));
    }

    static boolean isEventStream(HttpClientResponse response) {
        return mediaType(response).equals(EVENT_STREAM);
    }

    static boolean isJson(HttpClientResponse response) {
        return mediaType(response).equals(JSON);
    }

    private static String mediaType(HttpClientResponse response) {
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) return "";
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** An unexpected status, as an error with the start of the body for the operator. */
    Future<Void> unexpected(String what, HttpClientResponse response) {
        return response.body()
                .recover(e -> Future.succeededFuture(Buffer.buffer()))
                .compose(body -> {
                    String text = body.toString();
                    if (text.length() > 200) text = text.substring(0, 200) + "…";
                    return Future.failedFuture(what + " answered HTTP " + response.statusCode()
                            + (text.isBlank() ? "" : ": " + text.strip()));
                });
    }

    Future<Void> close() {
        return client.close();
    }
}
