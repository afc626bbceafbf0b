package io.mcpstore.upstream;

import io.mcpstore.bus.StreamPause;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP Streamable HTTP client (2025-11-25): each message is a POST answered with JSON, an SSE stream or 202; a
 * GET stream carries what the server sends on its own; the session id from the initialize response goes on every
 * later request, and the session is deleted on close.
 *
 * <p>With an upstream that speaks the stateless 2026-07-28 revision there is no session and no GET stream: every
 * POST carries the version header and the SEP-2243 headers, a 4xx answer is the request's JSON-RPC error, and a
 * broken answer stream fails only its own request.
 *
 * <p>HTTP has no connection to lose, so "lost" means: a POST's answer stream broke mid-way, the server cannot be
 * reached to reopen the GET stream, or it no longer knows our session there. A send that fails fails only that call;
 * a 404 (or 400 with a session id) fails it with {@link SessionExpiredException}.
 */
final class StreamableHttpTransport implements Transport {
    static final String SESSION_HEADER = "MCP-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final long STREAM_RETRY_MIN_MS = 500;
    private static final long STREAM_RETRY_MAX_MS = 30_000;
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final long DELETE_TIMEOUT_MS = 2_000;
    /** How often one answer may be resumed before we give up on it. */
    private static final int MAX_RESUMES = 10;

    private final Vertx vertx;
    private final ServiceConfig service;
    private final Logger log;
    private HttpEndpoint http;
    private Handler<Inbound> inbound;
    private Handler<Throwable> closed;
    private String sessionId;
    private String protocolVersion;
    private java.util.function.Function<JsonObject, Map<String, String>> requestHeaders;
    private boolean closing;
    private boolean lost;
    /** Calls whose answer is still to come on a response of ours; an abandoned one is reset, not resumed. */
    private final java.util.Set<Long> awaiting = new java.util.HashSet<>();

    // The GET stream for server-initiated messages. A generation number makes late callbacks of a stream we
    // abandoned (re-initialize, close) harmless.
    private int streamGeneration;
    private HttpClientResponse eventStream;
    private String lastEventId;
    private long streamRetryDelayMs = STREAM_RETRY_MIN_MS;
    private long streamRetryTimer = -1;

    StreamableHttpTransport(Vertx vertx, ServiceConfig service) {
        this.vertx = vertx;
        this.service = service;
        this.log = LoggerFactory.getLogger("mcpstore.upstream." + service.name());
    }

    @Override
    public Future<Void> open(Handler<Inbound> inbound, Handler<Throwable> closed) {
        this.inbound = inbound;
        this.closed = closed;
        try {
            http = new HttpEndpoint(vertx, service, log);
        } catch (RuntimeException unresolvable) {
            return Future.failedFuture(unresolvable);
        }
        // Nothing to connect yet: HTTP has no connection to open before the first message, initialize.
        return Future.succeededFuture();
    }

    @Override
    public void negotiated(String protocolVersion) {
        this.protocolVersion = protocolVersion;
    }

    @Override
    public void requestHeaders(java.util.function.Function<JsonObject, Map<String, String>> headers) {
        this.requestHeaders = headers;
    }

    private boolean stateless() {
        return ProtocolVersion.isStateless(protocolVersion);
    }

    @Override
    public Future<Void> send(JsonObject message) {
        if (http == null || closing) return Future.failedFuture(new IOException("transport is closed"));
        String method = message.getString("method");
        boolean initialize = McpMethods.INITIALIZE.equals(method);
        if (initialize) { // a new session starts; whatever we held belongs to the old one
            sessionId = null;
            protocolVersion = null;
            lastEventId = null;
            stopEventStream();
        }
        String sentSession = sessionId;
        Map<String, String> headers = headers(HttpEndpoint.JSON + ", " + HttpEndpoint.EVENT_STREAM);
        headers.put(HttpHeaders.CONTENT_TYPE.toString(), HttpEndpoint.JSON);
        boolean stateless = stateless();
        if (stateless && requestHeaders != null) headers.putAll(requestHeaders.apply(message));
        Long call = JsonRpc.isRequest(message) ? callId(message.getValue("id")) : null;
        if (call != null) awaiting.add(call);
        Future<HttpClientResponse> sent = stateless && Stateless.SUBSCRIPTIONS_LISTEN.equals(method)
                ? http.sendLongLived(HttpMethod.POST, service.url(), headers, message.toBuffer(), call)
                : http.send(HttpMethod.POST, service.url(), headers, message.toBuffer(), call);
        return sent.compose(response -> stateless && response.statusCode() / 100 != 2
                ? statelessError(response, message, call)
                : onPostResponse(response, message, sentSession, call));
    }

    @Override
    public void abandon(long id) {
        awaiting.remove(id);
        http.release(id);
    }

    private static Long callId(Object id) {
        return id instanceof Number n ? n.longValue() : null;
    }

    private Future<Void> onPostResponse(
            HttpClientResponse response, JsonObject message, String sentSession, Long call) {
        String method = message.getString("method");
        int status = response.statusCode();
        if (sentSession != null && (status == 404 || status == 400)) {
            // server-everything answers an unknown session with 400, the spec says 404: both mean "initialize again"
            HttpEndpoint.discard(response);
            return Future.failedFuture(new SessionExpiredException(
                    "the server no longer knows session " + sentSession + " (HTTP " + status + ")",
                    sessionId != null && !sessionId.equals(sentSession)));
        }
        if (status / 100 != 2) return http.unexpected("POST " + Secrets.redactUrl(service.url()), response);
        if (McpMethods.INITIALIZE.equals(method)) sessionId = response.getHeader(SESSION_HEADER);
        if (McpMethods.NOTIFICATIONS_INITIALIZED.equals(method)) openEventStream();
        if (HttpEndpoint.isEventStream(response)) {
            // The answer (and notifications before it) arrive over time; the message itself was taken.
            readAnswerStream(response, message.getValue("id"), method, null, 0);
            return Future.succeededFuture();
        }
        Object request = message.getValue("id");
        return http.body(response)
                .map(body -> {
                    if (call != null) awaiting.remove(call); // answered here, or (202) to come on the GET stream
                    http.deliverJson(body, m -> receive(m, request)); // 202 has no body: nothing delivered
                    return (Void) null;
                })
                .recover(e -> {
                    if (!(e instanceof MessageDecoder.TooLarge tooLarge)) return Future.failedFuture(e);
                    if (call != null) awaiting.remove(call);
                    http.tooLargeTo(m -> receive(m, request), request).accept(tooLarge.start);
                    return Future.succeededFuture();
                });
    }

    /**
     * A 2026-07-28 server refuses a request with a 4xx (or 5xx) and a JSON-RPC error body (404 + -32601, 400 +
     * -32020, -32021, -32022): that is the request's answer, not a broken connection. A body that is no JSON-RPC
     * error becomes one naming the status; a notification's refusal is only logged.
     */
    private Future<Void> statelessError(HttpClientResponse response, JsonObject message, Long call) {
        Object id = message.getValue("id");
        int status = response.statusCode();
        return http.body(response)
                .recover(e -> Future.succeededFuture(io.vertx.core.buffer.Buffer.buffer()))
                .map(body -> {
                    if (call != null) awaiting.remove(call);
                    if (id == null) {
                        log.debug(
                                "service '{}' refused {} with HTTP {}",
                                service.name(),
                                message.getString("method"),
                                status);
                        return null;
                    }
                    JsonObject error = null;
                    try {
                        Object decoded = io.vertx.core.json.Json.decodeValue(body);
                        if (decoded instanceof JsonObject j && j.getValue("error") instanceof JsonObject e) error = e;
                    } catch (RuntimeException notJson) {
                        // described below
                    }
                    if (error == null) {
                        String text = body.toString().strip();
                        if (text.length() > 200) text = text.substring(0, 200) + "…";
                        error = new JsonObject()
                                .put("code", status / 100 == 4 ? JsonRpc.INVALID_REQUEST : JsonRpc.INTERNAL_ERROR)
                                .put("message", "HTTP " + status + (text.isEmpty() ? "" : ": " + text));
                    }
                    receive(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error), id);
                    return null;
                });
    }

    /** Hands a message up with the id of the request whose POST it answered ({@code null}: the GET stream). */
    private void receive(JsonObject message, Object request) {
        if (!closing) inbound.handle(new Inbound(message, request));
    }

    /**
     * Reads the SSE stream that answers request {@code id}. A server may end it before the answer (2025-11-25
     * "polling"): then we resume with a GET carrying {@code Last-Event-ID}, after the {@code retry} it asked for. An
     * answer that can no longer come is delivered as a JSON-RPC error, so the call fails now rather than time out.
     */
    private void readAnswerStream(HttpClientResponse response, Object id, String method, String eventId, int resumes) {
        boolean[] answered = {id == null}; // a notification has no answer to wait for
        String key = String.valueOf(id);
        Long call = callId(id);
        Handler<JsonObject> messages = m -> {
            if (JsonRpc.isResponse(m) && key.equals(String.valueOf(m.getValue("id")))) {
                answered[0] = true;
                if (call != null) awaiting.remove(call);
            }
            receive(m, id); // everything on this stream belongs to request id
        };
        SseParser parser = http.parser(http.eventsTo(messages), http.tooLargeTo(messages, id));
        HttpEndpoint.stream(response, parser, broken -> {
            if (closing || lost || answered[0]) return;
            if (call != null && !awaiting.contains(call)) return; // abandoned: we reset it
            if (broken != null && stateless()) { // no session to lose: only this request is
                if (call != null) awaiting.remove(call);
                receive(unanswered(id, method), id);
                return;
            }
            if (broken != null) {
                lost("the answer stream of " + method + " broke: " + broken.getMessage());
                return;
            }
            String resumeFrom = parser.lastEventId() != null ? parser.lastEventId() : eventId;
            if (resumeFrom == null || resumes >= MAX_RESUMES) {
                if (call != null) awaiting.remove(call);
                receive(unanswered(id, method), id);
                return;
            }
            long delay = parser.retryMs() == null ? 1 : Math.max(1, parser.retryMs());
            // The caller's client may be told to poll too (see StreamPause).
            receive(JsonRpc.notification(StreamPause.METHOD, new JsonObject().put(StreamPause.RETRY_MS, delay)), id);
            vertx.setTimer(delay, t -> resume(id, method, resumeFrom, resumes + 1));
        });
    }

    private void resume(Object id, String method, String eventId, int resumes) {
        Long call = callId(id);
        if (closing || lost || (call != null && !awaiting.contains(call))) return;
        Map<String, String> headers = headers(HttpEndpoint.EVENT_STREAM);
        headers.put(LAST_EVENT_ID, eventId);
        http.send(HttpMethod.GET, service.url(), headers, null, call).onComplete(result -> {
            if (call != null && !awaiting.contains(call)) { // abandoned meanwhile
                if (result.succeeded()) result.result().request().reset();
                return;
            }
            if (result.succeeded()
                    && result.result().statusCode() == 200
                    && HttpEndpoint.isEventStream(result.result())) {
                readAnswerStream(result.result(), id, method, eventId, resumes);
                return;
            }
            if (result.succeeded()) HttpEndpoint.discard(result.result());
            if (call != null) awaiting.remove(call);
            receive(unanswered(id, method), id);
        });
    }

    private static JsonObject unanswered(Object id, String method) {
        return JsonRpc.error(
                id, JsonRpc.CONNECTION_CLOSED, "the server ended the stream of " + method + " without answering");
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HttpHeaders.ACCEPT.toString(), accept);
        if (sessionId != null) headers.put(SESSION_HEADER, sessionId);
        if (protocolVersion != null) headers.put(VERSION_HEADER, protocolVersion);
        return headers;
    }

    private void openEventStream() {
        if (closing || lost) return;
        int generation = ++streamGeneration;
        Map<String, String> headers = headers(HttpEndpoint.EVENT_STREAM);
        if (lastEventId != null) headers.put(LAST_EVENT_ID, lastEventId);
        http.openStream(service.url(), headers).onComplete(result -> onEventStream(generation, result));
    }

    private void onEventStream(int generation, AsyncResult<HttpClientResponse> result) {
        if (generation != streamGeneration || closing) {
            if (result.succeeded()) result.result().request().reset();
            return;
        }
        if (result.failed()) { // the server is gone, not just the stream
            lost("cannot reach it for the event stream: " + result.cause().getMessage());
            return;
        }
        HttpClientResponse response = result.result();
        int status = response.statusCode();
        if (status == 405) { // the server sends nothing on its own; fine
            HttpEndpoint.discard(response);
            log.debug("service '{}' offers no server-initiated stream (HTTP 405)", service.name());
            return;
        }
        if (sessionId != null && (status == 404 || status == 400)) {
            HttpEndpoint.discard(response);
            lost("it no longer knows session " + sessionId + " (HTTP " + status + " on GET)");
            return;
        }
        if (status != 200 || !HttpEndpoint.isEventStream(response)) {
            HttpEndpoint.discard(response);
            log.warn("service '{}' answered the event-stream GET with HTTP {}; retrying", service.name(), status);
            retryEventStream();
            return;
        }
        streamRetryDelayMs = STREAM_RETRY_MIN_MS;
        eventStream = response;
        SseParser parser =
                http.parser(http.eventsTo(m -> receive(m, null)), http.tooLargeTo(m -> receive(m, null), null));
        HttpEndpoint.stream(response, parser, broken -> {
            if (generation != streamGeneration || closing) return;
            if (parser.lastEventId() != null) lastEventId = parser.lastEventId(); // resume where we left off
            if (parser.retryMs() != null) streamRetryDelayMs = Math.max(1, parser.retryMs()); // as the server asks
            eventStream = null;
            log.debug(
                    "service '{}' event stream {}; reopening",
                    service.name(),
                    broken == null ? "ended" : "broke: " + broken.getMessage());
            retryEventStream();
        });
    }

    private void retryEventStream() {
        long delay = streamRetryDelayMs;
        streamRetryDelayMs = Math.min(streamRetryDelayMs * 2, STREAM_RETRY_MAX_MS);
        streamRetryTimer = vertx.setTimer(delay, t -> {
            streamRetryTimer = -1;
            openEventStream();
        });
    }

    private void stopEventStream() {
        streamGeneration++;
        if (streamRetryTimer >= 0) vertx.cancelTimer(streamRetryTimer);
        streamRetryTimer = -1;
        streamRetryDelayMs = STREAM_RETRY_MIN_MS;
        if (eventStream != null) eventStream.request().reset();
        eventStream = null;
    }

    private void lost(String reason) {
        if (closing || lost) return;
        lost = true;
        stopEventStream();
        closed.handle(new IOException(reason));
    }

    @Override
    public Future<Void> close() {
        if (closing) return Future.succeededFuture();
        closing = true;
        stopEventStream();
        if (http == null) return Future.succeededFuture();
        Future<Void> ended = sessionId == null ? Future.succeededFuture() : deleteSession();
        return ended.eventually(http::close);
    }

    /** Tells the server it can forget us; best effort, a server may refuse (405) or be gone. */
    private Future<Void> deleteSession() {
        Map<String, String> headers = headers(HttpEndpoint.JSON);
        return http.send(HttpMethod.DELETE, service.url(), headers, null, null)
                .compose(HttpEndpoint::discard)
                .timeout(DELETE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .recover(e -> {
                    log.debug("service '{}' session delete failed: {}", service.name(), e.getMessage());
                    return Future.succeededFuture();
                });
    }

    @Override
    public JsonObject describe() {
        JsonObject out = new JsonObject().put("url", Secrets.redactUrl(service.url()));
        if (sessionId != null) out.put("session", sessionId);
        if (protocolVersion != null) out.put("protocolVersion", protocolVersion);
        return out.put("eventStream", eventStream != null);
    }
}
