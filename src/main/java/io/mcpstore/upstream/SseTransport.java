package io.mcpstore.upstream;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy HTTP+SSE client (2024-11-05): one long GET stream whose first event names the URL to POST messages to;
 * everything the server says arrives as {@code message} events on that stream. The stream ending ends the
 * connection.
 */
final class SseTransport implements Transport {
    private final Vertx vertx;
    private final ServiceConfig service;
    private final Logger log;
    private HttpEndpoint http;
    private HttpClientResponse stream;
    private String postUrl;
    private boolean closing;

    SseTransport(Vertx vertx, ServiceConfig service) {
        this.vertx = vertx;
        this.service = service;
        this.log = LoggerFactory.getLogger("mcpstore.upstream." + service.name());
    }

    @Override
    public Future<Void> open(Handler<Inbound> inbound, Handler<Throwable> closed) {
        try {
            http = new HttpEndpoint(vertx, service, log);
        } catch (RuntimeException unresolvable) {
            return Future.failedFuture(unresolvable);
        }
        Promise<Void> endpointKnown = Promise.promise();
        Consumer<SseParser.Event> messages = http.eventsTo(m -> {
            if (!closing) inbound.handle(new Inbound(m, null)); // one stream for everything: the message may say
        });
        SseParser parser = http.parser(
                event -> {
                    switch (event.event()) {
                        case "endpoint" -> onEndpoint(event.data(), endpointKnown);
                        case "message" -> messages.accept(event);
                        default ->
                            log.debug("service '{}' sent an SSE event '{}', ignored", service.name(), event.event());
                    }
                },
                http.tooLargeTo(
                        m -> {
                            if (!closing) inbound.handle(new Inbound(m, null));
                        },
                        null));
        return http.openStream(service.url(), Map.of(HttpHeaders.ACCEPT.toString(), HttpEndpoint.EVENT_STREAM))
                .compose(response -> {
                    if (response.statusCode() != 200 || !HttpEndpoint.isEventStream(response)) {
                        return http.unexpected("GET " + Secrets.redactUrl(service.url()), response);
                    }
                    stream = response;
                    HttpEndpoint.stream(response, parser, broken -> {
                        String reason = broken == null
                                ? "the server ended the event stream"
                                : "the event stream broke: " + broken.getMessage();
                        // Before the endpoint arrived this fails open(); after, the connection is lost.
                        if (!endpointKnown.tryFail(reason) && !closing) closed.handle(new IOException(reason));
                    });
                    return endpointKnown.future();
                })
                .timeout(McpClient.handshakeTimeout(service.timeoutMs()), TimeUnit.MILLISECONDS);
    }

    private void onEndpoint(String endpoint, Promise<Void> endpointKnown) {
        URI base = URI.create(Placeholders.resolve(service.url()));
        URI resolved;
        try {
            resolved = base.resolve(endpoint.strip());
        } catch (IllegalArgumentException malformed) {
            endpointKnown.tryFail("it named a message endpoint that is not a URL: " + endpoint);
            return;
        }
        // Messages carry the service's headers (credentials): only to the server we connected to.
        if (!Objects.equals(base.getScheme(), resolved.getScheme())
                || !Objects.equals(base.getAuthority(), resolved.getAuthority())) {
            endpointKnown.tryFail(
                    "it named a message endpoint on another origin: " + Secrets.redactUrl(resolved.toString()));
            return;
        }
        postUrl = resolved.toString();
        endpointKnown.tryComplete();
    }

    @Override
    public Future<Void> send(JsonObject message) {
        if (postUrl == null || closing) return Future.failedFuture(new IOException("transport is not connected"));
        // The answer comes on the event stream; the POST's own response is held under the call until it ends.
        Object id = message.getValue("id");
        Long call = io.mcpstore.protocol.JsonRpc.isRequest(message) && id instanceof Number n ? n.longValue() : null;
        return http.send(
                        HttpMethod.POST,
                        postUrl,
                        Map.of(HttpHeaders.CONTENT_TYPE.toString(), HttpEndpoint.JSON),
                        message.toBuffer(),
                        call)
                .compose(response -> response.statusCode() / 100 == 2
                        ? HttpEndpoint.discard(response)
                        : http.unexpected("POST " + Secrets.redactUrl(postUrl), response));
    }

    @Override
    public void abandon(long id) {
        if (http != null) http.release(id);
    }

    @Override
    public Future<Void> close() {
        if (closing) return Future.succeededFuture();
        closing = true;
        if (stream != null) stream.request().reset();
        return http == null ? Future.succeededFuture() : http.close();
    }

    @Override
    public JsonObject describe() {
        JsonObject out = new JsonObject().put("url", Secrets.redactUrl(service.url()));
        return postUrl == null ? out : out.put("endpoint", Secrets.redactUrl(postUrl));
    }
}
