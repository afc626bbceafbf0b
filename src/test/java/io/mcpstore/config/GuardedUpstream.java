package io.mcpstore.config;

import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fixture's Streamable HTTP server behind a door that wants credentials: every request must carry the given
 * headers and query parameters exactly, else it gets 401 naming what was wrong. What a secret-holding upstream
 * (an API with a token in a header, a key in the URL, basic auth from the URL's user info) looks like to the gateway.
 */
public final class GuardedUpstream implements AutoCloseable {
    private final Vertx vertx;
    private final FixtureServer.Running fixture;
    private final HttpClient client;
    private final HttpServer server;

    private GuardedUpstream(Vertx vertx, FixtureServer.Running fixture, HttpClient client, HttpServer server) {
        this.vertx = vertx;
        this.fixture = fixture;
        this.client = client;
        this.server = server;
    }

    public static GuardedUpstream start(String name, Map<String, String> headers, Map<String, String> query)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        FixtureServer.Running fixture = FixtureServer.startHttp(
                        vertx, FixtureOptions.defaults().withName(name))
                .await(10, TimeUnit.SECONDS);
        HttpClient client = vertx.createHttpClient();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(req -> {
                    String refusal = refusal(req, headers, query);
                    if (refusal != null) req.response().setStatusCode(401).end(refusal);
                    else forward(req, client, fixture.port());
                })
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        return new GuardedUpstream(vertx, fixture, client, server);
    }

    /** {@code http://127.0.0.1:PORT}, to which a test adds user info, {@code /mcp} and its query. */
    public String origin() {
        return "127.0.0.1:" + server.actualPort();
    }

    private static String refusal(HttpServerRequest req, Map<String, String> headers, Map<String, String> query) {
        for (var e : headers.entrySet()) {
            if (!e.getValue().equals(req.getHeader(e.getKey()))) return "wrong or missing header " + e.getKey();
        }
        for (var e : query.entrySet()) {
            if (!e.getValue().equals(req.getParam(e.getKey()))) return "wrong or missing query parameter " + e.getKey();
        }
        return null;
    }

    private static void forward(HttpServerRequest req, HttpClient client, int port) {
        req.pause();
        RequestOptions out = new RequestOptions()
                .setMethod(req.method())
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(req.path());
        req.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host")) out.addHeader(k, v);
        });
        client.request(out).compose(request -> request.send(req)).onComplete(ar -> {
            HttpServerResponse response = req.response();
            if (ar.failed()) {
                response.setStatusCode(502).end(String.valueOf(ar.cause()));
                return;
            }
            HttpClientResponse in = ar.result();
            response.setStatusCode(in.statusCode());
            in.headers().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("transfer-encoding") && !k.equalsIgnoreCase("content-length"))
                    response.headers().add(k, v);
            });
            String length = in.getHeader("content-length");
            if (length != null) response.putHeader("content-length", length);
            else response.setChunked(true);
            in.pipeTo(response);
        });
    }

    @Override
    public void close() throws Exception {
        try {
            server.close().await(10, TimeUnit.SECONDS);
            client.close().await(10, TimeUnit.SECONDS);
            fixture.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
