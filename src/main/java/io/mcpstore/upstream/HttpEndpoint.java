package io.mcpstore.upstream;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The HTTP side both HTTP transports share: one pooled keep-alive client for one upstream, the service's headers
 * (placeholders resolved once, when the connection opens), and reading JSON-RPC out of JSON and SSE bodies within
 * the service's {@code maxMessageBytes}.
 *
 * <p>A request that belongs to a call is held under the call's id until its response ends, so that a call that ends
 * without its answer (timed out, cancelled) resets it: a server that sends headers and then nothing would otherwise
 * keep the connection, and once every pooled connection is kept so, every later call waits for one in vain.
 */
final class HttpEndpoint {
    static final String EVENT_STREAM = "text/event-stream";
    static final String JSON = "application/json";
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Each call answered with a stream holds a connection until it ends: leave room for many in flight. */
    private static final int MAX_CONNECTIONS = 64;

    /** Beyond the longest a call (or the handshake) may wait: a bound on requests that no call times out. */
    private static final long IDLE_MARGIN_MS = 5_000;
    /** The most of an error body read to show the operator. */
    private static final int ERROR_BODY_BYTES = 4096;
    /** A body we do not need is drained up to this, then its connection is closed rather than read on. */
    private static final int DRAINED_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Map<String, String> headers;
    private final MessageDecoder decoder;
    private final long idleTimeoutMs;
    /** The requests of calls still open, by call id. */
    private final Map<Long, Held> held = new java.util.HashMap<>();

    private static final class Held {
        HttpClientRequest request;
        boolean released;
    }

    private final Logger log;
    private final String service;
    /** Each URL parsed once, not on every request (the service's URL, a legacy server's message endpoint). */
    private final Map<String, java.net.URL> urls = new java.util.HashMap<>();

    /** Throws {@link io.mcpstore.config.ConfigException} when a header references an unset variable. */
    HttpEndpoint(Vertx vertx, ServiceConfig service, Logger log) {
        this.headers = withUserInfo(Placeholders.resolve(service.headers()), Placeholders.resolve(service.url()));
        this.service = service.name();
        this.log = log;
        this.decoder = new MessageDecoder(service.name(), service.maxMessageBytes());
        this.idleTimeoutMs = McpClient.handshakeTimeout(service.timeoutMs()) + IDLE_MARGIN_MS;
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

    /**
     * Opens a long-lived stream (a GET for what the server sends on its own): no call owns it and silence on it is
     * normal, so nothing bounds it but the transport closing it.
     */
    Future<HttpClientResponse> openStream(String url, Map<String, String> extra) {
        return send(HttpMethod.GET, url, extra, null, null, 0);
    }

    /**
     * Sends a request with the service's headers plus {@code extra}; completes when the response head arrives. A
     * request of call {@code call} (null for a notification or an answer of ours) is held until its response ends,
     * for {@link #release}; any request is reset once it has received nothing for longer than a call may take.
     */
    Future<HttpClientResponse> send(HttpMethod method, String url, Map<String, String> extra, Buffer body, Long call) {
        return send(method, url, extra, body, call, idleTimeoutMs);
    }

    /**
     * As {@link #send(HttpMethod, String, Map, Buffer, Long)} for a request whose answer is a stream that may stay
     * silent for long ({@code subscriptions/listen}): never reset for idleness, only by {@link #release}.
     */
    Future<HttpClientResponse> sendLongLived(
            HttpMethod method, String url, Map<String, String> extra, Buffer body, Long call) {
        return send(method, url, extra, body, call, 0);
    }

    /** The call ended without its answer: its request, sent or still waiting for a connection, is reset. */
    void release(long call) {
        Held h = held.remove(call);
        if (h == null) return;
        h.released = true;
        if (h.request != null) h.request.reset();
    }

    private Future<HttpClientResponse> send(
            HttpMethod method, String url, Map<String, String> extra, Buffer body, Long call, long idleMs) {
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
        if (idleMs > 0) options.setIdleTimeout(idleMs);
        headers.forEach(options::putHeader);
        extra.forEach(options::putHeader);
        Held h = call == null ? null : new Held();
        if (h != null) held.put(call, h);
        Future<HttpClientResponse> sent = client.request(options).compose(request -> {
            // Failures reach the caller through the futures; a reset of ours is not worth an ERROR line.
            request.exceptionHandler(e -> log.debug("service '{}' {} {}: {}", service, method, url, e.toString()));
            if (h != null) {
                if (h.released) { // the call ended while the request waited for a connection
                    request.reset();
                    return Future.failedFuture(new java.io.IOException("the call ended before its request was sent"));
                }
                h.request = request;
                request.response().compose(HttpClientResponse::end).onComplete(ended -> {
                    if (held.get(call) == h) held.remove(call);
                });
            }
            return body == null ? request.send() : request.send(body);
        });
        if (h != null) {
            sent.onFailure(e -> {
                if (held.get(call) == h) held.remove(call);
            });
        }
        java.net.URL target = parsed;
        return target.getQuery() == null ? sent : sent.recover(e -> Future.failedFuture(withoutQuery(e, target)));
    }

    /** Vert.x names the request's URI in some failures (a timeout): its query may hold a secret. */
    private static Throwable withoutQuery(Throwable failure, java.net.URL url) {
        String message = failure.getMessage();
        if (message == null || !message.contains(url.getQuery())) return failure;
        return new java.io.IOException(message.replace(url.getQuery(), "***"), failure.getCause());
    }

    /**
     * The whole body, at most {@code maxMessageBytes}: a larger one fails with {@link MessageDecoder.TooLarge} (its
     * start) as soon as it passes the limit, and its request is reset instead of read on.
     */
    Future<Buffer> body(HttpClientResponse response) {
        return body(response, decoder.maxBytes());
    }

    private static Future<Buffer> body(HttpClientResponse response, int limit) {
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (done.future().isComplete()) return;
            if (body.length() + chunk.length() <= limit) {
                body.appendBuffer(chunk);
                return;
            }
            Buffer start = body.length() >= MessageDecoder.START_BYTES
                    ? body.getBuffer(0, MessageDecoder.START_BYTES)
                    : body.copy()
                            .appendBuffer(chunk.getBuffer(
                                    0, Math.min(chunk.length(), MessageDecoder.START_BYTES - body.length())));
            done.tryFail(new MessageDecoder.TooLarge(start.getBytes()));
            response.request().reset();
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> done.tryComplete(body));
        return done.future();
    }

    /** Reads and drops a body nobody needs (a 202's, an error's); a long one closes its connection instead. */
    static Future<Void> discard(HttpClientResponse response) {
        return body(response, DRAINED_BYTES).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    /** The error that stands in for an answer too large to read, for call {@code id} (null: as its start says). */
    JsonObject tooLarge(byte[] start, Object id) {
        return decoder.tooLarge(start, id);
    }

    /** An SSE parser of at most {@code maxMessageBytes} per event; a larger event goes to {@code tooLarge}. */
    SseParser parser(
            java.util.function.Consumer<SseParser.Event> events, java.util.function.Consumer<byte[]> tooLarge) {
        return new SseParser(events, decoder.maxBytes(), tooLarge);
    }

    /** What to do with an event too large to read: its call gets the error, or (naming none) it is logged. */
    java.util.function.Consumer<byte[]> tooLargeTo(Handler<JsonObject> inbound, Object id) {
        return start -> {
            JsonObject error = decoder.tooLarge(start, id);
            log.warn(
                    "service '{}' sent a message larger than its maxMessageBytes ({} bytes), skipped",
                    service,
                    decoder.maxBytes());
            if (error != null) inbound.handle(error);
        };
    }

    /** JSON-RPC messages in a JSON body (one object, or a batch); anything else is logged and skipped. */
    void deliverJson(Buffer body, Handler<JsonObject> inbound) {
        if (body.length() == 0) return;
        Object decoded;
        try {
            decoded = decoder.decode(body.getBytes(), 0, body.length());
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
                deliver(decoder.decode(event.data()), inbound);
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
        return body(response, ERROR_BODY_BYTES)
                .recover(e -> Future.succeededFuture(
                        e instanceof MessageDecoder.TooLarge t ? Buffer.buffer(t.start) : Buffer.buffer()))
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
