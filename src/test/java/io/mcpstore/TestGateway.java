package io.mcpstore;

import io.mcpstore.config.GatewayConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real gateway for a test: {@link McpStore} on 127.0.0.1 and a free port, with the services a test gives it;
 * plus the plain HTTP a user would send it. Closing it stops the gateway and every upstream it started.
 */
public final class TestGateway implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final McpStore store;
    private final String url;

    private TestGateway(McpStore store) {
        this(store, store.url());
    }

    private TestGateway(McpStore store, String url) {
        this.store = store;
        this.url = url;
    }

    /** A gateway running elsewhere (another process) at {@code url}, for the same helpers; closing it does nothing. */
    public static TestGateway remote(String url) {
        return new TestGateway(null, url);
    }

    /** Starts a gateway; {@code config} holds at least {@code services}, and may set naming, apps, catalog. */
    public static TestGateway start(JsonObject config) {
        JsonObject json = config.copy();
        JsonObject http = json.getJsonObject("http", new JsonObject());
        json.put("http", http.put("host", "127.0.0.1").put("port", http.getInteger("port", 0)));
        return new TestGateway(await(McpStore.start(GatewayConfig.fromJson(json))));
    }

    /** Starts a gateway whose config revisions live in {@code store} (a file or PostgreSQL). */
    public static TestGateway start(JsonObject config, io.mcpstore.config.StoreSettings store) {
        JsonObject json = config.copy();
        JsonObject http = json.getJsonObject("http", new JsonObject());
        json.put("http", http.put("host", "127.0.0.1").put("port", http.getInteger("port", 0)));
        return new TestGateway(await(McpStore.start(GatewayConfig.fromJson(json), "test", store)));
    }

    /** Starts a gateway and waits until every service is ready. */
    public static TestGateway startReady(JsonObject config) {
        TestGateway gateway = start(config);
        try {
            gateway.awaitReady(Duration.ofSeconds(45));
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    public McpStore store() {
        return store;
    }

    /** {@code http://127.0.0.1:PORT} */
    public String url() {
        return url;
    }

    public JsonObject ready() {
        return new JsonObject(get("/health/ready").body());
    }

    public void awaitReady(Duration within) {
        Instant deadline = Instant.now().plus(within);
        while (get("/health/ready").statusCode() != 200) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("gateway not ready within " + within + ": " + ready().encode());
            }
            sleep(50);
        }
    }

    /** The state {@code /health/ready} reports for {@code service}. */
    public String state(String service) {
        JsonArray services = ready().getJsonArray("services");
        for (Object o : services) {
            JsonObject s = (JsonObject) o;
            if (service.equals(s.getString("name"))) return s.getString("state");
        }
        return null;
    }

    public JsonObject service(String service) {
        for (Object o : ready().getJsonArray("services")) {
            JsonObject s = (JsonObject) o;
            if (service.equals(s.getString("name"))) return s;
        }
        return null;
    }

    /** Waits until {@code service} is in one of {@code states}; returns the state it reached. */
    public String awaitState(String service, Duration within, String... states) {
        Instant deadline = Instant.now().plus(within);
        while (true) {
            String state = state(service);
            if (state != null && List.of(states).contains(state)) return state; // null: not listed yet
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(service + " is " + state + ", not " + List.of(states) + " after " + within);
            }
            sleep(50);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A POST with the headers a well-behaved Streamable HTTP client sends, plus {@code extra}. */
    public HttpResponse<String> post(String path, String body, Map<String, String> extra) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        extra.forEach(b::setHeader);
        return send(b.build());
    }

    /**
     * An initialized MCP Java SDK client on this gateway, over {@code "streamable"} ({@code /mcp}) or {@code "sse"}
     * ({@code /sse}); {@code spec} declares capabilities and handlers.
     */
    public McpSyncClient client(String transport, Consumer<McpClient.SyncSpec> spec) {
        McpClientTransport t = transport.equals("sse")
                ? HttpClientSseClientTransport.builder(url())
                        .sseEndpoint("/sse")
                        .build()
                : HttpClientStreamableHttpTransport.builder(url())
                        .endpoint("/mcp")
                        .build();
        McpClient.SyncSpec s =
                McpClient.sync(t).requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(20));
        spec.accept(s);
        McpSyncClient client = s.build();
        client.initialize();
        return client;
    }

    @Override
    public void close() {
        if (store != null) await(store.close());
    }

    static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("not done within 30 s", e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
