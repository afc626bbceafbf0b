package io.mcpstore.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mcpstore.McpSession;
import io.mcpstore.McpStore;
import io.mcpstore.RawHttp;
import io.mcpstore.TestGateway;
import io.mcpstore.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The Host and Origin guard on the wire (java.net.http will not let a test set Host, so these speak HTTP/1.1 on a
 * socket): loopback is decided by parsing the name, never by its prefix.
 */
@Timeout(60)
class RequestGuardTest {
    static TestGateway gateway;
    static final String INIT = McpSession.initialize("2025-11-25");

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(new JsonObject());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static int port() {
        return gateway.store().port();
    }

    static RawHttp.Response mcp(int port, String host, String extra) {
        return RawHttp.exchange(port, RawHttp.post("/mcp", host, extra, INIT));
    }

    static RawHttp.Response api(int port, String host, String extra) {
        return RawHttp.exchange(
                port, "GET /api/v1/services HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "Connection: close\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.attacker.example",
                "127.0.0.1.attacker.example",
                "localhost.attacker.example",
                "127.0.0.1evil",
                "127.0.0.256",
                "0x7f.0.0.1",
                "attacker.example"
            })
    void hostsThatOnlyLookLoopbackAreRefused(String host) {
        assertThat(mcp(port(), host + ":" + port(), "").status())
                .as("POST /mcp")
                .isEqualTo(403);
        assertThat(mcp(port(), host, "").status())
                .as("POST /mcp without a port")
                .isEqualTo(403);
        assertThat(api(port(), host, "").status()).as("GET /api/v1/services").isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "[0:0:0:0:0:0:0:1]"})
    void loopbackHostsAreAnswered(String host) {
        String withPort = host.startsWith("[") || !host.contains(":") ? host + ":" + port() : host;
        assertThat(mcp(port(), withPort, "").status()).as("POST /mcp").isEqualTo(200);
        assertThat(api(port(), host, "").status()).as("GET /api/v1/services").isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.attacker.example",
                "http://127.0.0.1.attacker.example:8080",
                "http://localhost.attacker.example",
                "null",
                "http://attacker.example"
            })
    void originsThatOnlyLookLoopbackAreRefused(String origin) {
        String header = "Origin: " + origin + "\r\n";
        assertThat(mcp(port(), "127.0.0.1", header).status()).as("POST /mcp").isEqualTo(403);
        assertThat(api(port(), "127.0.0.1", header).status())
                .as("GET /api/v1/services")
                .isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000", "http://127.0.0.1", "https://[::1]:8443", "http://127.9.9.9"})
    void loopbackOriginsAreAnswered(String origin) {
        String header = "Origin: " + origin + "\r\n";
        assertThat(mcp(port(), "127.0.0.1", header).status()).as("POST /mcp").isEqualTo(200);
        assertThat(api(port(), "127.0.0.1", header).status())
                .as("GET /api/v1/services")
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1].attacker.example", "127.0.0.1:80x", "[::1", "127.0.0.1:80:80", "a b"})
    void aMalformedHostIsABadRequest(String host) {
        assertThat(mcp(port(), host, "").status()).as("POST /mcp").isEqualTo(400);
        assertThat(api(port(), host, "").status()).as("GET /api/v1/services").isEqualTo(400);
    }

    @Test
    void aSecondHostHeaderIsABadRequest() {
        String second = "Host: attacker.example\r\n";
        assertThat(mcp(port(), "127.0.0.1", second).status()).isEqualTo(400);
        assertThat(api(port(), "127.0.0.1", second).status()).isEqualTo(400);
        assertThat(RawHttp.exchange(port(), "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n" + second + "\r\n")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void boundBeyondLoopbackTheHostIsStillChecked() {
        McpStore store = start("0.0.0.0", List.of("mcp.example.com"));
        try {
            int port = store.port();
            assertThat(mcp(port, "mcp.example.com:" + port, "").status()).isEqualTo(200);
            assertThat(mcp(port, "MCP.example.com", "").status()).isEqualTo(200);
            assertThat(mcp(port, "localhost:" + port, "").status()).isEqualTo(200);
            assertThat(mcp(port, "attacker.example", "").status()).isEqualTo(403);
            assertThat(mcp(port, "127.attacker.example", "").status()).isEqualTo(403);
            assertThat(mcp(port, "mcp.example.com.attacker.example", "").status())
                    .isEqualTo(403);
            assertThat(api(port, "attacker.example", "").status()).isEqualTo(403);
        } finally {
            close(store);
        }
    }

    @Test
    void boundBeyondLoopbackWithoutAllowedHostsOnlyLoopbackNamesAreAnsweredAndStartUpSaysSo() {
        Logger logger = (Logger) LoggerFactory.getLogger(RequestGuard.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        McpStore store = start("0.0.0.0", List.of());
        try {
            int port = store.port();
            assertThat(mcp(port, "attacker.example", "").status()).isEqualTo(403);
            assertThat(mcp(port, "127.0.0.1:" + port, "").status()).isEqualTo(200);
            List<String> warnings = log.list.stream()
                    .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("http.allowedHosts").contains("0.0.0.0");
        } finally {
            logger.detachAppender(log);
            close(store);
        }
    }

    @Test
    void boundToAConcreteAddressThatAddressIsAnAllowedHost() throws Exception {
        String address = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .map(java.net.InetAddress::getHostAddress)
                .findFirst()
                .orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(address != null, "no non-loopback IPv4 address on this machine");
        McpStore store = start(address, List.of());
        try {
            int port = store.port();
            String init = RawHttp.post("/mcp", address + ":" + port, "", INIT);
            assertThat(RawHttp.exchange(address, port, init).status()).isEqualTo(200);
            String foreign = RawHttp.post("/mcp", "attacker.example:" + port, "", INIT);
            assertThat(RawHttp.exchange(address, port, foreign).status()).isEqualTo(403);
            String page =
                    RawHttp.post("/mcp", address + ":" + port, "Origin: http://" + address + ":" + port + "\r\n", INIT);
            assertThat(RawHttp.exchange(address, port, page).status()).isEqualTo(200);
        } finally {
            close(store);
        }
    }

    private static McpStore start(String host, List<String> allowedHosts) {
        JsonObject http = new JsonObject()
                .put("host", host)
                .put("port", 0)
                .put("allowedHosts", new JsonArray(new java.util.ArrayList<>(allowedHosts)));
        try {
            // Security is on by default beyond loopback; these tests are about the host checks, ahead of it.
            JsonObject open = new JsonObject().put("enabled", false).put("allowInsecure", true);
            return McpStore.start(GatewayConfig.fromJson(
                            new JsonObject().put("http", http).put("security", open)))
                    .await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private static void close(McpStore store) {
        try {
            store.close().await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }
}
