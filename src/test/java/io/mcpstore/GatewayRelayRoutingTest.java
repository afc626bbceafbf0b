package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an upstream sends on its own or during a call reaches exactly the client it belongs to: resource updates go
 * to the sessions subscribed to the URI, log messages and server→client requests to the client whose call they
 * belong to (never to another client with a call in flight), and roots/list outside a call gets the service's
 * configured roots. Real upstreams: our fixture over stdio and Streamable HTTP, and server-everything.
 */
@Timeout(120)
class GatewayRelayRoutingTest {
    static final String CONFIGURED_ROOT = "file:///srv/configured-root";
    static Vertx vertx;
    static FixtureServer.Running httpFixture;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        httpFixture = TestGateway.await(FixtureServer.startHttp(
                vertx, FixtureOptions.defaults().withName("routing-http").withSseResponses(true)));
        JsonObject everything = Upstreams.everythingStdio()
                .put(
                        "roots",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("uri", CONFIGURED_ROOT)
                                        .put("name", "configured")));
        gateway = TestGateway.startReady(Upstreams.services(
                        "everything",
                        everything,
                        "fx",
                        Upstreams.fixtureStdio("--name", "routing"),
                        "fxh",
                        Upstreams.url(httpFixture.url()),
                        "fxr",
                        Upstreams.fixtureStdio("--name", "restarted"))
                // fxr's URIs are fx's too: an app that shows only fxr makes it their owner.
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "restart",
                                        new JsonObject()
                                                .put("prefix", "/restart")
                                                .put("services", new JsonArray().add("fxr")))));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
        if (httpFixture != null) TestGateway.await(httpFixture.close());
        if (vertx != null) TestGateway.await(vertx.close());
    }

    /** A client that records the questions (elicitation) and log messages it gets, and answers with its name. */
    private record Client(McpSyncClient sdk, List<String> asked, List<String> logs) implements AutoCloseable {
        static Client open(String name) {
            List<String> asked = new CopyOnWriteArrayList<>();
            List<String> logs = new CopyOnWriteArrayList<>();
            McpSyncClient sdk = gateway.client(
                    "streamable",
                    s -> s.capabilities(McpSchema.ClientCapabilities.builder()
                                    .elicitation()
                                    .build())
                            .elicitation(request -> {
                                asked.add(request.message());
                                return new McpSchema.ElicitResult(
                                        McpSchema.ElicitResult.Action.ACCEPT, Map.of("answer", "answer of " + name));
                            })
                            .loggingConsumer(log -> logs.add(String.valueOf(log.data()))));
            return new Client(sdk, asked, logs);
        }

        CompletableFuture<String> slow(String service, int ms) {
            return CompletableFuture.supplyAsync(
                    () -> text(sdk.callTool(new McpSchema.CallToolRequest(service + "__slow", Map.of("ms", ms)))));
        }

        CompletableFuture<String> together(String service, String group, String tag, boolean related) {
            return CompletableFuture.supplyAsync(() -> text(sdk.callTool(new McpSchema.CallToolRequest(
                    service + "__together",
                    Map.of("group", group, "size", 2, "tag", tag, "related", related, "ask", true)))));
        }

        @Override
        public void close() {
            sdk.close();
        }
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    // ---- log messages and server→client requests, with two calls in flight on one upstream

    @ParameterizedTest
    @ValueSource(strings = {"fx", "fxh"})
    void eachCallsLogMessageAndQuestionReachOnlyItsOwnClient(String service) throws Exception {
        // Over stdio the messages name their request (_meta.relatedRequestId); over Streamable HTTP they travel
        // on the POST stream of their request and name nothing.
        boolean related = service.equals("fx");
        String group = UUID.randomUUID().toString();
        try (Client a = Client.open("A");
                Client b = Client.open("B")) {
            CompletableFuture<String> callA = a.together(service, group, "A", related);
            CompletableFuture<String> callB = b.together(service, group, "B", related);
            assertThat(callA.get(60, TimeUnit.SECONDS)).contains("A got").contains("answer of A");
            assertThat(callB.get(60, TimeUnit.SECONDS)).contains("B got").contains("answer of B");
            assertThat(a.asked()).containsExactly("question of A");
            assertThat(b.asked()).containsExactly("question of B");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(a.logs()).contains("log of A");
                assertThat(b.logs()).contains("log of B");
            });
            assertThat(a.logs()).doesNotContain("log of B");
            assertThat(b.logs()).doesNotContain("log of A");
        }
    }

    @Test
    void withSeveralCallsInFlightAndNothingToMatchNoClientIsAskedOrToldAnything() throws Exception {
        String group = UUID.randomUUID().toString();
        try (Client a = Client.open("A");
                Client b = Client.open("B");
                Client c = Client.open("C")) {
            // A third call stays in flight throughout, so that the one of A and B that asks last is never the only
            // call in flight (which would rightly be routed to its client).
            CompletableFuture<String> holder = c.slow("fx", 20_000);
            Thread.sleep(500); // let the holder's call reach the upstream first
            CompletableFuture<String> callA = a.together("fx", group, "A", false);
            CompletableFuture<String> callB = b.together("fx", group, "B", false);
            // The upstream gets an error for its question: it cannot know which client should answer.
            assertThat(callA.get(60, TimeUnit.SECONDS)).contains("A got error");
            assertThat(callB.get(60, TimeUnit.SECONDS)).contains("B got error");
            assertThat(a.asked()).isEmpty();
            assertThat(b.asked()).isEmpty();
            assertThat(a.logs()).noneMatch(l -> l.startsWith("log of"));
            assertThat(b.logs()).noneMatch(l -> l.startsWith("log of"));
        }
    }

    // ---- resources/subscribe

    /** Subscribes or unsubscribes; the answer may come as JSON or, when the upstream logs meanwhile, as SSE. */
    private static void subscribe(McpSession session, String method, String uri) {
        var response = session.post(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", method + " " + uri)
                .put("method", method)
                .put("params", new JsonObject().put("uri", uri))
                .encode());
        String body = response.body();
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            List<String> data =
                    body.lines().filter(l -> l.startsWith("data: {")).toList();
            body = data.get(data.size() - 1).substring(6);
        }
        JsonObject answer = new JsonObject(body);
        assertThat(answer.getJsonObject("result")).as(answer.encode()).isNotNull();
    }

    private static String updated(String uri) {
        return "\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":\"" + uri + "\"}";
    }

    @Test
    void aResourceUpdateReachesOnlyTheSessionsSubscribedToIt() throws Exception {
        McpSession a = McpSession.open(gateway, "/mcp");
        McpSession b = McpSession.open(gateway, "/mcp");
        String onlyA = "fixture://items/a1", onlyB = "fixture://items/b1", both = "fixture://items/ab1";
        try (SessionStream streamA = SessionStream.open(gateway.url(), "/mcp", a.id());
                SessionStream streamB = SessionStream.open(gateway.url(), "/mcp", b.id())) {
            subscribe(a, "resources/subscribe", onlyA);
            subscribe(a, "resources/subscribe", both);
            subscribe(b, "resources/subscribe", onlyB);
            subscribe(b, "resources/subscribe", both);
            for (String uri : List.of(onlyA, onlyB, both)) {
                assertThat(a.call("fx__touch", new JsonObject().put("uri", uri)).encode())
                        .contains("touched " + uri);
            }
            // Updates of one upstream arrive in the order it sent them: what did not come before the last did not come.
            List<String> seenA = streamA.linesUntil(updated(both), 20);
            List<String> seenB = streamB.linesUntil(updated(both), 20);
            assertThat(seenA).as("A's stream").isNotNull();
            assertThat(seenB).as("B's stream").isNotNull();
            assertThat(seenA).anyMatch(l -> l.contains(updated(onlyA))).noneMatch(l -> l.contains(updated(onlyB)));
            assertThat(seenB).anyMatch(l -> l.contains(updated(onlyB))).noneMatch(l -> l.contains(updated(onlyA)));
        }
    }

    @Test
    void aLegacySseClientGetsTheUpdatesOfItsSubscriptionOnItsStream() {
        String uri = "fixture://items/legacy3";
        List<String> updated = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = gateway.client(
                "sse", s -> s.resourcesUpdateConsumer(contents -> contents.forEach(c -> updated.add(c.uri()))))) {
            client.subscribeResource(new McpSchema.SubscribeRequest(uri));
            client.callTool(new McpSchema.CallToolRequest("fx__touch", Map.of("uri", uri)));
            // The SDK reads the resource when told it changed, and hands the contents on.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(updated).contains(uri));
        }
    }

    @Test
    void anUnsubscribedSessionGetsNoMoreUpdatesAndTheUpstreamIsUnsubscribedWithTheLastSession() throws Exception {
        McpSession a = McpSession.open(gateway, "/mcp");
        McpSession b = McpSession.open(gateway, "/mcp");
        String shared = "fixture://items/shared2", marker = "fixture://items/marker2";
        try (SessionStream streamA = SessionStream.open(gateway.url(), "/mcp", a.id());
                SessionStream streamB = SessionStream.open(gateway.url(), "/mcp", b.id())) {
            subscribe(a, "resources/subscribe", shared);
            subscribe(a, "resources/subscribe", marker);
            subscribe(b, "resources/subscribe", shared);
            subscribe(a, "resources/unsubscribe", shared);
            // B still wants it: the upstream stays subscribed.
            assertThat(subscribed(a, shared)).isEqualTo("true");
            a.call("fx__touch", new JsonObject().put("uri", shared));
            a.call("fx__touch", new JsonObject().put("uri", marker));
            List<String> seenA = streamA.linesUntil(updated(marker), 20);
            assertThat(seenA).as("A's stream").isNotNull();
            assertThat(seenA).noneMatch(l -> l.contains(updated(shared)));
            assertThat(streamB.await(updated(shared), 20)).as("B's stream").isNotNull();
        }
        // The last subscriber's session ends: the upstream is told to unsubscribe.
        assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/mcp"))
                                .header("Mcp-Session-Id", b.id())
                                .DELETE()
                                .build())
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribed(a, shared).equals("false"));
    }

    private static String subscribed(McpSession session, String uri) {
        return subscribed(session, "fx", uri);
    }

    /** What {@code <service>__subscribed} answers; the error's message while the service is down. */
    private static String subscribed(McpSession session, String service, String uri) {
        JsonObject answer = session.call(service + "__subscribed", new JsonObject().put("uri", uri));
        JsonObject result = answer.getJsonObject("result");
        if (result == null) return answer.getJsonObject("error").getString("message");
        return result.getJsonArray("content").getJsonObject(0).getString("text");
    }

    @Test
    void aRestartedUpstreamIsSubscribedAgainAndUpdatesFlowOn() throws Exception {
        McpSession a = McpSession.open(gateway, "/restart/mcp");
        String uri = "fixture://items/again";
        try (SessionStream stream = SessionStream.open(gateway.url(), "/restart/mcp", a.id())) {
            subscribe(a, "resources/subscribe", uri);
            assertThat(subscribed(a, "fxr", uri)).isEqualTo("true");
            // The child exits; the gateway starts a new one, which knows no subscriptions of its own.
            assertThat(a.call("fxr__crash", new JsonObject()).encode()).contains("error");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> subscribed(a, "fxr", uri).equals("true"));
            a.call("fxr__touch", new JsonObject().put("uri", uri));
            assertThat(stream.await(updated(uri), 20)).isNotNull();
        }
    }

    @Test
    void serverEverythingsSubscriberUpdatesReachTheSubscribedSessionOnly() throws Exception {
        McpSession a = McpSession.open(gateway, "/mcp");
        McpSession b = McpSession.open(gateway, "/mcp");
        List<String> documents = new ArrayList<>();
        for (Object r : a.request("resources/list", new JsonObject())
                .getJsonObject("result")
                .getJsonArray("resources")) {
            String uri = ((JsonObject) r).getString("uri");
            if (uri.startsWith("demo://resource/static/document/")) documents.add(uri);
        }
        assertThat(documents).hasSizeGreaterThanOrEqualTo(2);
        String first = documents.get(0), second = documents.get(1);
        try (SessionStream streamA = SessionStream.open(gateway.url(), "/mcp", a.id());
                SessionStream streamB = SessionStream.open(gateway.url(), "/mcp", b.id())) {
            subscribe(a, "resources/subscribe", first);
            subscribe(b, "resources/subscribe", second);
            assertThat(a.call("everything__toggle-subscriber-updates", new JsonObject())
                            .encode())
                    .contains("Started");
            try {
                // Every 5 s it sends an update of each subscribed URI, in the order they were subscribed.
                List<String> seenB = streamB.linesUntil(updated(second), 20);
                assertThat(seenB).as("B's stream").isNotNull();
                assertThat(seenB).noneMatch(l -> l.contains(updated(first)));
                List<String> seenA = streamA.linesUntil(updated(first), 20);
                assertThat(seenA).as("A's stream").isNotNull();
                List<String> nextA = streamA.linesUntil(updated(first), 20);
                assertThat(nextA).as("A's stream, the next round").isNotNull();
                assertThat(nextA).noneMatch(l -> l.contains(updated(second)));
            } finally {
                a.call("everything__toggle-subscriber-updates", new JsonObject());
            }
        }
    }

    // ---- roots/list

    @Test
    void anUpstreamAskingForRootsOutsideACallGetsTheConfiguredRootsAndLogsNoError() {
        // server-everything asks for roots right after initialize and keeps what it got.
        try (McpSyncClient client = gateway.client("streamable", s -> {})) {
            String roots = text(client.callTool(new McpSchema.CallToolRequest("everything__get-roots-list", Map.of())));
            assertThat(roots).contains(CONFIGURED_ROOT).contains("configured");
        }
        JsonObject status =
                new JsonObject(gateway.get("/api/v1/services/everything/status").body());
        assertThat(status.getJsonArray("stderr").encode()).doesNotContain("Failed to request roots");
    }
}
