package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/v1/events} over real HTTP, read as any SSE client reads it: state transitions, catalog summaries,
 * config revisions without the document, and metrics ticks with the calls made through {@code /mcp}; with security
 * on it needs a credential with READ.
 */
@Timeout(120)
class AdminEventsTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    /** One open event stream: events as {@code {event, data}}, read on a thread of its own. */
    static final class EventStream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        private final Thread reader;

        EventStream(String url, Map<String, String> headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
            headers.forEach(b::header);
            response = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            reader = new Thread(this::read, "events-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String event = "message";
                StringBuilder data = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty())
                            events.add(
                                    new JsonObject().put("event", event).put("data", new JsonObject(data.toString())));
                        event = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event: ")) event = line.substring(7);
                    else if (line.startsWith("data: ")) data.append(line.substring(6));
                }
            } catch (java.io.IOException ignored) {
                // closed
            }
        }

        /** The next event of that name whose data matches, skipping others; fails after the bound. */
        JsonObject await(String event, Predicate<JsonObject> data) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (System.nanoTime() < deadline) {
                JsonObject e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e != null && e.getString("event").equals(event) && data.test(e.getJsonObject("data")))
                    return e.getJsonObject("data");
            }
            throw new AssertionError("no '" + event + "' event that matches within " + WITHIN);
        }

        @Override
        public void close() throws Exception {
            response.body().close();
            reader.interrupt();
        }
    }

    @Test
    void theStreamCarriesStatesCatalogsRevisionsAndMetrics() throws Exception {
        try (TestGateway gateway =
                TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")))) {
            gateway.awaitState("fx", WITHIN, "ready");
            Api api = new Api(gateway);
            try (EventStream stream = new EventStream(gateway.url() + "/api/v1/events", Map.of())) {
                assertThat(stream.response.statusCode()).isEqualTo(200);
                assertThat(stream.response.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("text/event-stream");
                stream.await("metrics", d -> d.containsKey("services"));

                var added = api.post(
                        "/services",
                        Upstreams.fixtureStdio("--name", "two")
                                .put("name", "two")
                                .put("env", new JsonObject().put("SECRET_TOKEN", "hunter2")));
                assertThat(added.statusCode()).isEqualTo(201);
                long revision = Api.json(added).getLong("revision");
                JsonObject config = stream.await("config", d -> d.getLong("revision") == revision);
                assertThat(config.fieldNames()).containsExactly("revision");
                JsonObject ready = stream.await(
                        "state", d -> "two".equals(d.getString("service")) && "ready".equals(d.getString("state")));
                assertThat(ready.getString("at")).isNotBlank();
                JsonObject catalog = stream.await(
                        "catalog", d -> "two".equals(d.getString("service")) && "ready".equals(d.getString("state")));
                assertThat(catalog.getInteger("tools")).isPositive();

                try (var client = gateway.client("streamable", s -> {})) {
                    client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest(
                            "fx__echo", Map.of("text", "hi")));
                    client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest("fx__fail", Map.of()));
                }
                JsonObject metrics = stream.await(
                        "metrics",
                        d -> d.getJsonObject("services")
                                        .getJsonObject("fx", new JsonObject())
                                        .getLong("calls", 0L)
                                >= 2);
                JsonObject fx = metrics.getJsonObject("services").getJsonObject("fx");
                assertThat(fx.getLong("errors")).isEqualTo(1);
                assertThat(fx.containsKey("callsPerSecond")).isTrue();
            }
        }
    }

    @Test
    void withSecurityOnTheStreamNeedsACredential() throws Exception {
        try (TestGateway gateway = TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put("security", new JsonObject().put("enabled", true)))) {
            try (EventStream anonymous = new EventStream(gateway.url() + "/api/v1/events", Map.of())) {
                assertThat(anonymous.response.statusCode()).isEqualTo(401);
            }
            String key = io.mcpstore.security.TestIdentities.keyText(gateway, "viewer");
            try (EventStream viewer =
                    new EventStream(gateway.url() + "/api/v1/events", Map.of("Authorization", "Bearer " + key))) {
                assertThat(viewer.response.statusCode()).isEqualTo(200);
                viewer.await("metrics", d -> d.containsKey("services"));
            }
        }
    }

    /** A stream opened with a sign-in token says so and ends when the token expires (the shortest lifetime: 60 s). */
    @Test
    @Timeout(150)
    void theStreamEndsWhenTheSignInExpires() throws Exception {
        try (TestGateway gateway = TestGateway.start(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put("security", new JsonObject().put("enabled", true).put("tokenTtlSeconds", 60)))) {
            io.mcpstore.security.TestIdentities.putUser(gateway, "ada", "viewer", "ada-password-1");
            var login = new Api(gateway)
                    .post("/auth/login", new JsonObject().put("username", "ada").put("password", "ada-password-1"));
            assertThat(login.statusCode()).isEqualTo(200);
            String token = Api.json(login).getString("token");
            try (EventStream stream =
                    new EventStream(gateway.url() + "/api/v1/events", Map.of("Authorization", "Bearer " + token))) {
                assertThat(stream.response.statusCode()).isEqualTo(200);
                long deadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
                JsonObject expired = null;
                while (expired == null && System.nanoTime() < deadline) {
                    JsonObject e = stream.events.poll(500, TimeUnit.MILLISECONDS);
                    if (e != null && e.getString("event").equals("expired")) expired = e;
                }
                assertThat(expired).as("an 'expired' event").isNotNull();
                stream.reader.join(30_000);
                assertThat(stream.reader.isAlive()).as("the stream ended").isFalse();
            }
        }
    }

    /**
     * A client that stops reading is dropped once its write queue is full: the gateway does not hold an unbounded
     * backlog for it. Without the drop the stream below would never end (heartbeats keep it open).
     */
    @Test
    void aClientThatStopsReadingIsDropped() throws Exception {
        try (TestGateway gateway = TestGateway.start(Upstreams.services());
                java.net.Socket socket = new java.net.Socket()) {
            URI url = URI.create(gateway.url());
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()));
            socket.getOutputStream()
                    .write(("GET /api/v1/events HTTP/1.1\r\nHost: " + url.getHost() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

            // Far more than the socket buffers and the write queue hold, while the client reads nothing.
            var bus = gateway.store().vertx().eventBus();
            String big = "e".repeat(64 * 1024);
            for (int i = 0; i < 400; i++) {
                bus.publish(
                        io.mcpstore.bus.Addresses.UPSTREAM_STATE,
                        new JsonObject()
                                .put("service", "x")
                                .put("state", "failed")
                                .put("error", big));
            }
            // Read nothing until the gateway says it dropped the stream: reading earlier would let a slow gateway's
            // writes drain, and the client would never fall behind.
            long until = System.nanoTime() + WITHIN.toNanos();
            while (!gateway.get("/metrics").body().contains("mcpstore_events_dropped_total 1.0")) {
                if (System.nanoTime() > until)
                    throw new AssertionError("the gateway did not drop the stream within " + WITHIN);
                Thread.sleep(50);
            }
            // Now read: what was sent before the drop arrives, then the stream ends.
            socket.setSoTimeout((int) WITHIN.toMillis());
            long total = 0;
            long deadline = System.nanoTime() + WITHIN.toNanos();
            try {
                byte[] buf = new byte[64 * 1024];
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    total += n;
                    if (System.nanoTime() > deadline)
                        throw new AssertionError(
                                "still streaming after " + total + " bytes: the client was not dropped");
                }
            } catch (java.net.SocketException reset) {
                // the gateway reset the connection: dropped
            }
            assertThat(total).as("bytes before the drop").isLessThan(400L * big.length());
        }
    }
}
