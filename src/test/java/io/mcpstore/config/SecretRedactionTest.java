package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mcpstore.McpSession;
import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secrets in a service's URL (user info, query values) and in its {@code args} (after a secret-named flag, URL user
 * info) never leave the gateway: not in an API answer, an export, a revision, {@code /health/ready}, a status, an
 * error message or a log line; with a key set, the store holds them encrypted and the upstream still gets them.
 */
@Timeout(120)
class SecretRedactionTest {
    private static final String PW = "pw-7f3a";
    private static final String QUERY_SECRET = "SECRET-91c2";
    private static final List<String> SECRETS = List.of(PW, QUERY_SECRET, "ARGSECRET-1", "TOKSECRET-2", "DBPW-3");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        System.clearProperty("mcpstore.secretKey");
    }

    @Test
    void secretsInUrlsAndArgsAreRedactedInEveryAnswerErrorAndLogLine() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "services: {}\n");
        try (TestGateway gateway = TestGateway.start(new JsonObject(), StoreSettings.fromJson(null, file.toString()))) {
            // An HTTP service whose URL answers 404 (the gateway's own port): its error names the URL it posted to.
            String url = "http://user:" + PW + "@" + URI.create(gateway.url()).getAuthority() + "/nothing?api_key="
                    + QUERY_SECRET + "&v=2";
            JsonObject web = new JsonObject().put("name", "web").put("url", url);
            JsonObject tool = new JsonObject()
                    .put("name", "tool")
                    .put("command", "/nonexistent/mcp-tool")
                    .put(
                            "args",
                            new JsonArray()
                                    .add("--api-key=ARGSECRET-1")
                                    .add("--token")
                                    .add("TOKSECRET-2")
                                    .add("postgresql://app:DBPW-3@db:5432/x")
                                    .add("--verbose"));
            List<String> answers = new ArrayList<>();
            answers.add(expect(gateway, "POST", "/api/v1/services", web, 201));
            answers.add(expect(gateway, "POST", "/api/v1/services", tool, 201));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.service("web") != null
                            && gateway.service("web").getString("error") != null
                            && gateway.service("tool") != null
                            && gateway.service("tool").getString("error") != null);
            assertThat(gateway.service("web").getString("error")).contains("404");

            JsonObject shown = new JsonObject(expect(gateway, "GET", "/api/v1/services/web", null, 200));
            assertThat(shown.getJsonObject("config").getString("url"))
                    .isEqualTo("http://***@" + URI.create(gateway.url()).getAuthority() + "/nothing?api_key=***&v=***");
            JsonObject shownTool = new JsonObject(expect(gateway, "GET", "/api/v1/services/tool", null, 200));
            assertThat(shownTool.getJsonObject("config").getJsonArray("args"))
                    .containsExactly("--api-key=***", "--token", "***", "postgresql://***@db:5432/x", "--verbose");

            for (String path : List.of(
                    "/api/v1/services",
                    "/api/v1/services/web/status",
                    "/api/v1/services/tool/status",
                    "/api/v1/config",
                    "/api/v1/config/export",
                    "/api/v1/config/export?format=json",
                    "/api/v1/config/export?format=mcpServers",
                    "/api/v1/config/revisions",
                    "/api/v1/config/revisions/2",
                    "/api/v1/config/revisions/3",
                    "/api/v1/store")) {
                answers.add(path + " " + expect(gateway, "GET", path, null, 200));
            }
            answers.add(expect(gateway, "GET", "/health/ready", null, 503)); // both services are failing
            // A GET sent back as it is keeps the stored secrets: nothing changes.
            JsonObject back =
                    new JsonObject(expect(gateway, "PUT", "/api/v1/services/web", shown.getJsonObject("config"), 200));
            assertThat(back.getBoolean("changed")).as(back.encode()).isFalse();
            JsonObject backTool = new JsonObject(
                    expect(gateway, "PUT", "/api/v1/services/tool", shownTool.getJsonObject("config"), 200));
            assertThat(backTool.getBoolean("changed")).as(backTool.encode()).isFalse();
            // A bad URL is refused without echoing its secrets (the same message a hand edit logs).
            answers.add(expect(
                    gateway,
                    "POST",
                    "/api/v1/services",
                    new JsonObject().put("name", "bad").put("url", "ftp://user:" + PW + "@h/x?api_key=" + QUERY_SECRET),
                    400));

            for (String answer : answers) assertThat(answer).doesNotContain(SECRETS.toArray(String[]::new));
            List<String> lines = logs.list.stream()
                    .map(e -> e.getFormattedMessage()
                            + (e.getThrowableProxy() == null
                                    ? ""
                                    : " " + e.getThrowableProxy().getMessage()))
                    .toList();
            assertThat(lines).isNotEmpty();
            for (String line : lines) assertThat(line).doesNotContain(SECRETS.toArray(String[]::new));
        }
    }

    @Test
    void withAKeyTheStoreHoldsNoPlaintextAndTheUpstreamStillGetsItsSecrets() throws Exception {
        System.setProperty("mcpstore.secretKey", "correct horse");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("user:" + PW).getBytes());
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "services: {}\n");
        try (GuardedUpstream upstream = GuardedUpstream.start(
                        "guarded", Map.of("Authorization", basic), Map.of("api_key", QUERY_SECRET));
                TestGateway gateway =
                        TestGateway.start(new JsonObject(), StoreSettings.fromJson(null, file.toString()))) {
            String url = "http://user:" + PW + "@" + upstream.origin() + "/mcp?api_key=" + QUERY_SECRET;
            expect(
                    gateway,
                    "POST",
                    "/api/v1/services",
                    new JsonObject().put("name", "g").put("url", url),
                    201);
            gateway.awaitState("g", Duration.ofSeconds(30), "ready");
            JsonObject answer =
                    McpSession.open(gateway, "/mcp").call("g__echo", new JsonObject().put("text", "through the door"));
            assertThat(answer.encode()).contains("through the door");

            List<String> stored = new ArrayList<>(List.of(Files.readString(file)));
            try (Stream<Path> history = Files.list(dir.resolve(".gateway.yaml.revisions"))) {
                for (Path p : history.toList()) stored.add(Files.readString(p));
            }
            assertThat(stored.get(0)).contains("${enc:");
            for (String text : stored) assertThat(text).doesNotContain(PW, QUERY_SECRET);
        }
    }

    private static String expect(TestGateway gateway, String method, String path, JsonObject body, int status) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> response = gateway.send(b.build());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(status);
        return response.body();
    }
}
