package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.config.ConfigException;
import io.mcpstore.config.GatewayConfig;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway as a client of upstreams of either era: it negotiates (server/discover, else initialize), shows the
 * era it settled on, and lets a 2025-era client (the MCP Java SDK) use a 2026-07-28 upstream (the TypeScript SDK
 * v2 over stdio) as it would a 2025 one: sampling, elicitation and roots through {@code input_required} rounds,
 * and {@code list_changed} from the upstream's {@code subscriptions/listen}.
 */
@Timeout(120)
class UpstreamErasTest {
    /** Where {@code @modelcontextprotocol/server} 2.4.0 is installed beside {@code ts-v2-server.mjs}. */
    static final Path SDK2_DIR = Path.of(System.getProperty("mcpstore.sdk2.dir", "src/test/node"));

    static JsonObject tsV2Stdio() {
        return new JsonObject().put("command", "node").put("args", new JsonArray().add(script()));
    }

    private static String script() {
        Path script = SDK2_DIR.resolve("ts-v2-server.mjs").toAbsolutePath();
        Path sdk = SDK2_DIR.resolve("node_modules/@modelcontextprotocol/server/package.json");
        if (!Files.isRegularFile(script) || !Files.isRegularFile(sdk)) {
            throw new AssertionError("the TypeScript SDK v2 server is not installed (looked for " + script + " and "
                    + sdk.toAbsolutePath() + "): run npm ci in " + SDK2_DIR);
        }
        return script.toString();
    }

    /** The same server over HTTP, as a child process of the test; stops with the test. */
    static final class TsV2Http implements AutoCloseable {
        final Process process;
        final String url;

        TsV2Http() throws IOException {
            process = new ProcessBuilder("node", script(), "http")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (first == null || !first.startsWith("listening on ")) {
                process.destroyForcibly();
                throw new IOException("the TypeScript SDK v2 server did not start: " + first);
            }
            url = first.substring("listening on ".length());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor();
        }
    }

    /** One test's 2026 upstream: the server over stdio, or over HTTP (then started here). */
    private static final class V2Upstream implements AutoCloseable {
        final TsV2Http http;
        final JsonObject entry;

        V2Upstream(String transport) throws IOException {
            http = transport.equals("http") ? new TsV2Http() : null;
            entry = http == null ? tsV2Stdio() : Upstreams.url(http.url);
        }

        @Override
        public void close() throws InterruptedException {
            if (http != null) http.close();
        }
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static JsonObject status(TestGateway gateway, String service) {
        return new JsonObject(
                gateway.get("/api/v1/services/" + service + "/status").body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"stdio", "http"})
    void aJavaClientUsesA2026UpstreamForSamplingElicitationAndRoots(String transport) throws Exception {
        try (V2Upstream upstream = new V2Upstream(transport);
                TestGateway gateway = TestGateway.startReady(Upstreams.services("v2", upstream.entry))) {
            assertThat(gateway.service("v2").getString("era")).isEqualTo("2026-07-28");
            JsonObject status = status(gateway, "v2");
            assertThat(status.getString("era")).isEqualTo("2026-07-28");
            assertThat(status.getString("protocolVersion")).isEqualTo("2026-07-28");

            List<McpSchema.CreateMessageRequest> sampled = new CopyOnWriteArrayList<>();
            List<McpSchema.ElicitRequest> elicited = new CopyOnWriteArrayList<>();
            try (McpSyncClient client = gateway.client(
                    "streamable",
                    s -> s.capabilities(McpSchema.ClientCapabilities.builder()
                                    .sampling()
                                    .elicitation()
                                    .roots(true)
                                    .build())
                            .roots(List.of(new McpSchema.Root("file:///work/project", "project")))
                            .sampling(request -> {
                                sampled.add(request);
                                return McpSchema.CreateMessageResult.builder(
                                                McpSchema.Role.ASSISTANT, "a sampled reply", "test-model")
                                        .build();
                            })
                            .elicitation(request -> {
                                elicited.add(request);
                                return new McpSchema.ElicitResult(
                                        McpSchema.ElicitResult.Action.ACCEPT, Map.of("ok", true));
                            }))) {
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("v2__echo", Map.of("text", "hi")))))
                        .isEqualTo("echo: hi");
                assertThat(text(client.callTool(
                                new McpSchema.CallToolRequest("v2__sample", Map.of("prompt", "say hi")))))
                        .isEqualTo("sampled: a sampled reply");
                assertThat(sampled).hasSize(1);
                // The upstream's requestState came back to it untouched.
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("v2__confirm", Map.of()))))
                        .isEqualTo("confirmed: true, state asked-once");
                assertThat(elicited).hasSize(1);
                assertThat(elicited.get(0).message()).isEqualTo("Go on?");
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("v2__roots", Map.of()))))
                        .isEqualTo("roots: file:///work/project");
            }
        }
    }

    @Test
    void theCatalogEventCarriesTheEraAndTheUpstreamsCachingHints() {
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services("v2", tsV2Stdio()))) {
            List<JsonObject> events = new CopyOnWriteArrayList<>();
            gateway.store()
                    .vertx()
                    .eventBus()
                    .<JsonObject>consumer(io.mcpstore.bus.Addresses.CATALOG_CHANGED, m -> events.add(m.body()));
            gateway.store().vertx().eventBus().publish(io.mcpstore.bus.Addresses.CATALOG_REFRESH, new JsonObject());
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            JsonObject event = events.get(0);
            assertThat(event.getString("era")).isEqualTo("2026-07-28");
            assertThat(event.getJsonObject("cacheHints").getJsonObject("tools"))
                    .isEqualTo(new JsonObject().put("ttlMs", 0).put("cacheScope", "private"));
        }
    }

    @Test
    void aClientWithoutElicitationGetsAnErrorNotAHang() {
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services("v2", tsV2Stdio()));
                McpSyncClient client = gateway.client("streamable", s -> {})) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("v2__confirm", Map.of())))
                    .hasMessageContaining("elicitation");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stdio", "http"})
    void toolsAddedByA2026UpstreamReachA2025ClientAsListChanged(String transport) throws Exception {
        List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
        try (V2Upstream upstream = new V2Upstream(transport);
                TestGateway gateway = TestGateway.startReady(Upstreams.services("v2", upstream.entry));
                McpSyncClient client = gateway.client("streamable", s -> s.toolsChangeConsumer(changes::add))) {
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .doesNotContain("v2__fresh");
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("v2__add_tool", Map.of("name", "fresh")))))
                    .isEqualTo("added fresh");
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(changes)
                            .anySatisfy(tools -> assertThat(tools)
                                    .extracting(McpSchema.Tool::name)
                                    .contains("v2__fresh")));
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("v2__fresh", Map.of()))))
                    .isEqualTo("fresh works");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stdio", "http"})
    void aSubscribedResourceOfA2026UpstreamReportsItsUpdates(String transport) throws Exception {
        List<String> updates = new CopyOnWriteArrayList<>();
        try (V2Upstream upstream = new V2Upstream(transport);
                TestGateway gateway = TestGateway.startReady(Upstreams.services("v2", upstream.entry));
                McpSyncClient client = gateway.client(
                        "streamable",
                        s -> s.resourcesUpdateConsumer(contents ->
                                contents.forEach(c -> updates.add(((McpSchema.TextResourceContents) c).text()))))) {
            client.subscribeResource(new McpSchema.SubscribeRequest("mem://counter"));
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("v2__bump", Map.of()))))
                    .isEqualTo("counter 1");
            // The SDK reads the resource again when told it changed: the update went upstream → gateway → client.
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(updates).contains("1"));
        }
    }

    @Test
    void a2025ServerIsSpokenToWithASessionAfterDiscoverFails() {
        try (TestGateway gateway = TestGateway.startReady(Upstreams.services(
                        "fxstdio",
                        Upstreams.fixtureStdio("--name", "eras"),
                        "everything",
                        Upstreams.everythingStdio()));
                McpSyncClient client = gateway.client("streamable", s -> {})) {
            for (String service : List.of("fxstdio", "everything")) {
                assertThat(gateway.service(service).getString("era"))
                        .as(service)
                        .isEqualTo("2025-11-25");
                assertThat(status(gateway, service).getString("protocolVersion"))
                        .as(service)
                        .startsWith("2025-");
            }
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("fxstdio__echo", Map.of("text", "s")))))
                    .contains("s");
            assertThat(client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "e")))
                            .content()
                            .toString())
                    .contains("e");
        }
    }

    @Test
    void a2025ServerOverHttpIsSpokenToWithASession() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (EverythingServer everything = EverythingServer.start("streamableHttp")) {
            io.mcpstore.fixture.FixtureServer.Running fixture = io.mcpstore.fixture.FixtureServer.startHttp(
                            vertx, io.mcpstore.fixture.FixtureOptions.defaults())
                    .await(30, TimeUnit.SECONDS);
            try (TestGateway gateway = TestGateway.startReady(Upstreams.services(
                            "everything", Upstreams.url(everything.url("/mcp")), "fx", Upstreams.url(fixture.url())));
                    McpSyncClient client = gateway.client("streamable", s -> {})) {
                for (String service : List.of("everything", "fx")) {
                    assertThat(gateway.service(service).getString("era"))
                            .as(service)
                            .isEqualTo("2025-11-25");
                    assertThat(status(gateway, service).getString("session"))
                            .as(service)
                            .isNotBlank();
                }
                assertThat(client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "h")))
                                .content()
                                .toString())
                        .contains("h");
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("fx__echo", Map.of("text", "f")))))
                        .contains("f");
            } finally {
                fixture.close().await(30, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void protocol2025SkipsDiscover() {
        JsonObject upstream = tsV2Stdio().put("protocol", "2025").put("maxRestarts", 0);
        try (TestGateway gateway = TestGateway.start(Upstreams.services("v2", upstream))) {
            gateway.awaitState("v2", Duration.ofSeconds(30), "failed", "reconnecting");
            // The 2026-only server refuses initialize: the gateway did not try discover first.
            assertThat(gateway.service("v2").getString("error")).contains("initialize");
        }
    }

    @Test
    void anUnknownProtocolIsRefusedNamingTheKey() {
        JsonObject config =
                Upstreams.services("x", Upstreams.url("http://127.0.0.1:1/mcp").put("protocol", "2027"));
        assertThatThrownBy(() -> GatewayConfig.fromJson(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("services.x.protocol")
                .hasMessageContaining("auto, 2025 or 2026");
    }
}
