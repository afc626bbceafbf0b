package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A seeded fuzz of the front door: mutated JSON-RPC messages on {@code /mcp} (with and without a session, batches,
 * an app's path), on the legacy {@code /sse} + {@code /message}, mutated admin requests on {@code /api/v1}, and
 * broken HTTP framings, slow clients and idle connections on raw sockets. Asserts that every request is answered
 * within the request timeout, that no 5xx but the documented ones (501, 502, 503, 504) comes back, that
 * {@code /health/live} is still 200 at the end, and that the gateway's retained heap has not grown.
 *
 * <p>The seed is fixed; {@code -Dmcpstore.fuzz.seed=N} runs another one, {@code -Dmcpstore.fuzz.cases=N} more.
 */
@Timeout(180)
class FuzzTest {
    static final long SEED = Long.getLong("mcpstore.fuzz.seed", 20261202L);
    static final int CASES = Integer.getInteger("mcpstore.fuzz.cases", 2_400);
    static final int REQUEST_TIMEOUT_MS = 3_000;
    static final int IDLE_TIMEOUT_MS = 4_000;
    static final int MAX_BODY = 64 * 1024;
    /** How long a client waits for an answer: the request timeout, and slack for a busy machine. */
    static final int ANSWER_WITHIN_MS = REQUEST_TIMEOUT_MS + 5_000;
    /**
     * The 5xx statuses the README documents: store unreachable (503), upstream failed or timed out (502, 504), and
     * Vert.x's answer to an HTTP version other than 1.0 and 1.1 (501).
     */
    static final List<Integer> DOCUMENTED_5XX = List.of(501, 502, 503, 504);

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Map<String, AtomicLong> perTarget = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final java.util.Set<String> closedFramings = ConcurrentHashMap.newKeySet();

    @Test
    void theFrontDoorAnswersEverythingAndKeepsItsShape() throws Exception {
        JsonObject config = Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "app",
                                        new JsonObject()
                                                .put("prefix", "/app")
                                                .put("services", new JsonArray().add("fx"))))
                .put(
                        "http",
                        new JsonObject()
                                .put("maxBodyBytes", MAX_BODY)
                                .put("requestTimeoutMs", REQUEST_TIMEOUT_MS)
                                .put("idleTimeoutMs", IDLE_TIMEOUT_MS));
        try (TestGateway gateway = TestGateway.startReady(config)) {
            McpSession current = McpSession.open(gateway, "/mcp");
            McpSession batching = McpSession.open(gateway, "/mcp", "2025-03-26");
            McpSession app = McpSession.open(gateway, "/app/mcp");
            Fuzz fuzz = new Fuzz(new Random(SEED), gateway, current, batching, app);
            // Warm up the paths, then measure the heap the gateway holds.
            for (int i = 0; i < 50; i++) fuzz.wellFormed(current, "/mcp");
            long heapBefore = retainedHeap();
            long started = System.nanoTime();

            List<Runnable> cases = new ArrayList<>();
            for (int i = 0; i < CASES; i++) cases.add(fuzz.next());
            for (int i = 0; i < 6; i++) cases.add(fuzz::slowHeaders);
            for (int i = 0; i < 4; i++) cases.add(fuzz::slowBody);
            for (int i = 0; i < 4; i++) {
                boolean served = i % 2 == 0;
                cases.add(() -> fuzz.idleConnection(served));
            }
            Collections.shuffle(cases, new Random(SEED));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Runnable c : cases) {
                    done.add(pool.submit(() -> {
                        try {
                            c.run();
                        } catch (RuntimeException | AssertionError e) {
                            problems.add(String.valueOf(e));
                        }
                    }));
                }
                for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
                fuzz.close();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(current.request("tools/call", echo("after the fuzz")).encode())
                    .contains("after the fuzz");
            long heapAfter = retainedHeap();
            long growth = heapAfter - heapBefore;

            System.out.printf(
                    "FuzzTest seed=%d cases=%d in %d s; requests per target %s; statuses %s (-1: closed without"
                            + " an answer, as a slow or idle client should be); retained heap %d -> %d MiB%n",
                    SEED,
                    cases.size(),
                    seconds,
                    new TreeMap<>(perTarget),
                    new TreeMap<>(statuses),
                    heapBefore >> 20,
                    heapAfter >> 20);
            System.out.println("FuzzTest framings closed without an answer: " + closedFramings);
            assertThat(problems).as("seed " + SEED).isEmpty();
            long total = perTarget.values().stream().mapToLong(AtomicLong::get).sum();
            assertThat(total).isGreaterThanOrEqualTo(2_000);
            assertThat(growth).as("retained heap growth, seed " + SEED).isLessThan(64L << 20);
        }
    }

    /** The heap in use after a full collection: what the gateway (in this JVM) keeps. */
    static long retainedHeap() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    static JsonObject echo(String text) {
        return new JsonObject().put("name", "fx__echo").put("arguments", new JsonObject().put("text", text));
    }

    /** The generator; each case is drawn from the seeded random up front, so a seed always makes the same cases. */
    private final class Fuzz {
        private final Random random;
        private final TestGateway gateway;
        private final McpSession current;
        private final McpSession batching;
        private final McpSession app;
        private final int port;
        private final List<String> legacyEndpoints = new ArrayList<>();
        private final List<RawHttp> legacyStreams = new ArrayList<>();

        Fuzz(Random random, TestGateway gateway, McpSession current, McpSession batching, McpSession app) {
            this.random = random;
            this.gateway = gateway;
            this.current = current;
            this.batching = batching;
            this.app = app;
            this.port = gateway.store().port();
            for (int i = 0; i < 3; i++) openLegacy();
        }

        /** A legacy SSE session whose stream is drained on a thread of its own (answers land there). */
        private void openLegacy() {
            RawHttp stream = new RawHttp(port, 0);
            stream.write("GET " + (legacyEndpoints.size() % 2 == 0 ? "" : "/app")
                    + "/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
            stream.readUntil("sessionId=");
            String id = stream.readUntil("\n").trim();
            legacyEndpoints.add((legacyEndpoints.size() % 2 == 0 ? "" : "/app") + "/message?sessionId=" + id);
            legacyStreams.add(stream);
            Thread drain = new Thread(() -> {
                try {
                    stream.closedByServer();
                } catch (RuntimeException e) {
                    // the test is over
                }
            });
            drain.setDaemon(true);
            drain.start();
        }

        Runnable next() {
            int kind = random.nextInt(100);
            if (kind < 30) return streamable(current, "/mcp", "mcp");
            if (kind < 38) return streamable(app, "/app/mcp", "app/mcp");
            if (kind < 46) return batch();
            if (kind < 52) return sessionless();
            if (kind < 66) return legacy();
            if (kind < 84) return admin();
            return framing();
        }

        void wellFormed(McpSession session, String path) {
            post("warmup", path, message().encode(), session.id(), "2025-11-25", "application/json")
                    .run();
        }

        private Runnable streamable(McpSession session, String path, String target) {
            String body = random.nextInt(10) == 0
                    ? garble(mutated().encode())
                    : mutated().encode();
            String version = random.nextInt(12) == 0 ? pick("1999-01-01", "", "2025-03-26") : "2025-11-25";
            String id = random.nextInt(15) == 0 ? pick("nope", "", session.id() + "x") : session.id();
            return post(target, path, body, id, version, contentType());
        }

        private Runnable batch() {
            JsonArray batch = new JsonArray();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) batch.add(random.nextInt(8) == 0 ? randomValue(2) : mutated());
            return post("mcp batch", "/mcp", batch.encode(), batching.id(), "2025-03-26", "application/json");
        }

        private Runnable sessionless() {
            JsonObject m = random.nextBoolean() ? initialize() : mutated();
            return post("mcp no session", pick("/mcp", "/app/mcp"), m.encode(), null, null, contentType());
        }

        private Runnable legacy() {
            String endpoint = legacyEndpoints.get(random.nextInt(legacyEndpoints.size()));
            if (random.nextInt(12) == 0) endpoint = endpoint.replace("sessionId=", "sessionId=x");
            String body = random.nextInt(8) == 0
                    ? garble(mutated().encode())
                    : mutated().encode();
            if (random.nextInt(10) == 0) body = io.vertx.core.json.Json.encode(randomValue(2));
            return post("sse+message", endpoint, body, null, null, contentType());
        }

        private Runnable admin() {
            int kind = random.nextInt(10);
            String name = pick("fz1", "fz2", "nope", "fx/../fx", "%2e%2e", "a b", "x".repeat(300), "");
            return switch (kind) {
                case 0 ->
                    get(
                            "api/v1",
                            "/api/v1/" + pick("services", "tools", "apps", "config", "config/revisions", "store")
                                    + pick("", "?cursor=" + garble("abc"), "?app=" + name, "?x=%zz"));
                case 1 -> get("api/v1", "/api/v1/services/" + name + pick("", "/status"));
                case 2 -> get("api/v1", "/api/v1/config/revisions/" + pick("1", "-1", "x", "99999999999999999999"));
                case 3, 4 ->
                    send("api/v1", "POST", "/api/v1/tools/call", toolCall().encode());
                case 5 -> send("api/v1", "POST", "/api/v1/tools/batch", adminBatch());
                case 6 ->
                    send(
                            "api/v1",
                            pick("PUT", "POST"),
                            "/api/v1/services" + pick("/fz1", "/fz2", ""),
                            mutate(new JsonObject()
                                            .put("name", pick("fz1", "fz2"))
                                            .put("url", "http://127.0.0.1:1/mcp")
                                            .put("enabled", false)
                                            .put("timeoutMs", 1000))
                                    .encode());
                case 7 ->
                    send(
                            "api/v1",
                            pick("PUT", "POST"),
                            "/api/v1/apps" + pick("/fa1", ""),
                            mutate(new JsonObject()
                                            .put("name", "fa1")
                                            .put("prefix", pick("/fa1", "/..", "/mcp", "/app", "fa1"))
                                            .put("services", new JsonArray().add("fx")))
                                    .encode());
                case 8 ->
                    send(
                            "api/v1",
                            pick("DELETE", "POST", "PATCH"),
                            "/api/v1/" + pick("services/fz1", "services/fz2/restart", "apps/fa1", "services/nope/stop"),
                            pick("", "{}", "x"));
                default -> send("api/v1", pick("GET", "POST", "PUT", "DELETE"), "/api/v1/" + garble("services"), "{}");
            };
        }

        /** A request broken at the HTTP level, on a raw socket. */
        private Runnable framing() {
            String body = mutated().encode();
            int length = body.getBytes(StandardCharsets.UTF_8).length;
            String path = pick("/mcp", "/api/v1/services", "/health/live", "/message?sessionId=x", "/sse", "/");
            String request = switch (random.nextInt(12)) {
                case 0 ->
                    pick("GET", "POST", "BREW", "get", "") + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1"
                            + "\r\nConnection: close\r\n\r\n";
                case 1 ->
                    "GET " + path + " " + pick("HTTP/1.0", "HTTP/9.9", "HTTP/1", "XYZ") + "\r\nHost: "
                            + "127.0.0.1\r\nConnection: close\r\n\r\n";
                case 2 -> "GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n";
                case 3 -> RawHttp.post(path, "127.0.0.1", "Content-Length: " + (length + 1) + "\r\n", body);
                case 4 ->
                    "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                            + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                            + pick(
                                    "zz\r\n",
                                    "5\r\nab\r\n0\r\n\r\n",
                                    "-1\r\n",
                                    Integer.toHexString(length) + "\r\n" + body + "\r\n0\r\n\r\n");
                case 5 ->
                    "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9_000)
                            + "\r\nConnection: close\r\n\r\n";
                case 6 ->
                    "GET /" + "p".repeat(5_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close" + "\r\n\r\n";
                case 7 ->
                    "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header line\r\n"
                            + "Connection: close\r\n\r\n";
                case 8 -> RawHttp.post(path, pick("127.0.0.1", "127.evil.example", "[::1]", "::1", "a b"), "", body);
                case 9 ->
                    RawHttp.post(
                            path,
                            "127.0.0.1",
                            "Origin: " + pick("null", "http://127.x.y") + "\r\n" + "Expect: 100-continue\r\n",
                            body);
                case 10 ->
                    "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET " + path
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
                default -> "\u0000\u0001garbage\r\n\r\n";
            };
            return () -> {
                long t0 = System.nanoTime();
                RawHttp.Response answer;
                try (RawHttp http = new RawHttp(port, ANSWER_WITHIN_MS)) {
                    http.write(request);
                    answer = http.head();
                } catch (IllegalStateException e) {
                    problems.add("framing not answered within " + ANSWER_WITHIN_MS + " ms: " + e + ": "
                            + abbreviate(request));
                    return;
                }
                count("http framing", answer.status());
                if (answer.closedWithoutAnswer())
                    closedFramings.add(abbreviate(request).split("\r\n")[0]);
                // Framings the server cannot read as a request may be closed without an answer, but not slowly.
                if (answer.closedWithoutAnswer() && elapsedMs(t0) > ANSWER_WITHIN_MS) {
                    problems.add("framing hung: " + abbreviate(request));
                }
                check(answer.status(), abbreviate(request));
            };
        }

        void slowHeaders() {
            try (RawHttp http = new RawHttp(port, ANSWER_WITHIN_MS)) {
                http.write("POST /mcp HTTP/1.1\r\nHost: 12");
                boolean closed = http.closedByServer();
                count("slow client", closed ? -1 : 0);
                if (!closed) problems.add("a client that stalled in its headers was not closed");
            }
        }

        void slowBody() {
            try (RawHttp http = new RawHttp(port, ANSWER_WITHIN_MS)) {
                http.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: "
                        + "application/json, text/event-stream\r\nContent-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\"");
                RawHttp.Response answer = http.read();
                count("slow client", answer.status());
                if (answer.status() != 408) problems.add("a stalled body got " + answer.status() + ", not 408");
            } catch (IllegalStateException e) {
                problems.add("a stalled body was not answered: " + e);
            }
        }

        /** A connection that sends nothing, or nothing more after one request (kept alive). */
        void idleConnection(boolean served) {
            try (RawHttp http = new RawHttp(port, IDLE_TIMEOUT_MS + ANSWER_WITHIN_MS)) {
                if (served) {
                    http.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    http.read();
                }
                boolean closed = http.closedByServer();
                count("idle connection", closed ? -1 : 0);
                if (!closed) problems.add("an idle connection was not closed");
            }
        }

        void close() {
            legacyStreams.forEach(RawHttp::close);
        }

        private Runnable post(
                String target, String path, String body, String session, String version, String contentType) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                    .timeout(Duration.ofMillis(ANSWER_WITHIN_MS))
                    .header("Accept", random.nextInt(20) == 0 ? "text/html" : "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) b.header("Content-Type", contentType);
            if (session != null && !session.isEmpty()) b.header("Mcp-Session-Id", session);
            if (version != null && !version.isEmpty()) b.header("Mcp-Protocol-Version", version);
            if (random.nextInt(25) == 0) b.header("Origin", pick("http://127.attacker.example", "http://localhost"));
            HttpRequest request = b.build();
            return () -> exchange(target, request, body);
        }

        private Runnable get(String target, String path) {
            return send(target, "GET", path, null);
        }

        private Runnable send(String target, String method, String path, String body) {
            URI uri = uri(path);
            if (uri == null) return () -> count(target, 400); // not even a URI java.net.http would send
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMillis(ANSWER_WITHIN_MS))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) b.header("Content-Type", random.nextInt(10) == 0 ? "text/plain" : "application/json");
            HttpRequest request = b.build();
            return () -> exchange(target, request, body);
        }

        private URI uri(String path) {
            try {
                return URI.create(gateway.url() + path);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private void exchange(String target, HttpRequest request, String body) {
            HttpResponse<String> response;
            try {
                response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                problems.add(target + ": no answer within " + ANSWER_WITHIN_MS + " ms (" + e + ") to "
                        + request.method() + " " + request.uri() + " " + abbreviate(body));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            count(target, response.statusCode());
            check(response.statusCode(), request.method() + " " + request.uri() + " " + abbreviate(body));
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && !response.body().isEmpty()) {
                try {
                    io.vertx.core.json.Json.decodeValue(response.body());
                } catch (RuntimeException e) {
                    problems.add(target + ": a JSON answer that is not JSON: " + abbreviate(response.body()));
                }
            }
        }

        private void check(int status, String what) {
            if (status >= 500 && !DOCUMENTED_5XX.contains(status)) {
                problems.add("HTTP " + status + " for " + what);
            }
        }

        private void count(String target, int status) {
            perTarget.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
            statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        }

        // ---- messages

        private JsonObject message() {
            return switch (random.nextInt(14)) {
                case 0 -> request("ping", null);
                case 1 -> request("tools/list", random.nextBoolean() ? null : new JsonObject().put("cursor", "x"));
                case 2, 3 -> request("tools/call", echo(garble("hello")));
                case 4 ->
                    request(
                            "tools/call",
                            new JsonObject()
                                    .put("name", "fx__add")
                                    .put(
                                            "arguments",
                                            new JsonObject().put("a", 1).put("b", 2)));
                case 5 -> request("resources/list", null);
                case 6 -> request("resources/read", new JsonObject().put("uri", "fixture://x"));
                case 7 -> request("prompts/list", null);
                case 8 -> request("prompts/get", new JsonObject().put("name", "fx__p"));
                case 9 ->
                    request(
                            "completion/complete",
                            new JsonObject()
                                    .put(
                                            "ref",
                                            new JsonObject()
                                                    .put("type", "ref/prompt")
                                                    .put("name", "fx__p"))
                                    .put(
                                            "argument",
                                            new JsonObject().put("name", "a").put("value", "b")));
                case 10 -> request("logging/setLevel", new JsonObject().put("level", "info"));
                case 11 -> new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized");
                case 12 -> new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("result", new JsonObject());
                default -> request("resources/templates/list", null);
            };
        }

        private JsonObject request(String method, JsonObject params) {
            JsonObject m = new JsonObject()
                    .put("jsonrpc", "2.0")
                    .put("id", random.nextInt(1000))
                    .put("method", method);
            return params == null ? m : m.put("params", params);
        }

        private JsonObject initialize() {
            return new JsonObject(McpSession.initialize(pick("2025-11-25", "2024-11-05", "2025-03-26")));
        }

        private JsonObject toolCall() {
            return mutate(new JsonObject()
                    .put("name", pick("fx__echo", "echo", "nope", "fx__add"))
                    .put(
                            "arguments",
                            new JsonObject().put("text", "t").put("a", 1).put("b", 2)));
        }

        private String adminBatch() {
            JsonArray calls = new JsonArray();
            for (int i = random.nextInt(4); i > 0; i--) calls.add(toolCall());
            return random.nextBoolean()
                    ? calls.encode()
                    : new JsonObject().put("calls", calls).encode();
        }

        private JsonObject mutated() {
            JsonObject m = random.nextInt(6) == 0 ? initialize() : message();
            return random.nextInt(5) == 0 ? m : mutate(m);
        }

        /** One to three changes anywhere in the tree: a value of another type, a key gone, a key added. */
        private JsonObject mutate(JsonObject m) {
            JsonObject copy = m.copy();
            int changes = 1 + random.nextInt(3);
            for (int i = 0; i < changes; i++) mutateOnce(copy, 0);
            return copy;
        }

        private void mutateOnce(JsonObject o, int depth) {
            List<String> keys = new ArrayList<>(o.fieldNames());
            int what = random.nextInt(10);
            if (keys.isEmpty() || what < 2) {
                o.put(
                        pick("id", "params", "_meta", "method", "jsonrpc", "capabilities", "name", "arguments", "x"),
                        randomValue(2));
                return;
            }
            String key = keys.get(random.nextInt(keys.size()));
            Object value = o.getValue(key);
            if (value instanceof JsonObject child && depth < 4 && what < 7) {
                mutateOnce(child, depth + 1);
            } else if (what == 7) {
                o.remove(key);
            } else {
                o.put(key, randomValue(2));
            }
        }

        private Object randomValue(int depth) {
            int kind = random.nextInt(depth > 0 ? 14 : 10);
            return switch (kind) {
                case 0 -> null;
                case 1 -> random.nextBoolean();
                case 2 -> random.nextInt();
                case 3 -> pick("", "x", "2.0", "tools/call", "fx__echo", "\u0000", "\uD83D\uDE00", "é".repeat(50));
                case 4 -> pick(1e300, -0.0, 1.5, Double.MAX_VALUE);
                case 5 -> new java.math.BigInteger("123456789012345678901234567890");
                case 6 -> "s".repeat(random.nextInt(3) == 0 ? 20_000 : 10);
                case 7 -> Long.MIN_VALUE;
                case 8 -> random.nextInt(1000);
                case 9 -> "ref/prompt";
                case 10, 11 -> {
                    JsonArray a = new JsonArray();
                    for (int i = random.nextInt(4); i > 0; i--) a.add(randomValue(depth - 1));
                    yield a;
                }
                default -> {
                    JsonObject o = new JsonObject();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        o.put(
                                pick("type", "name", "uri", "progressToken", "level", "text", "ref"),
                                randomValue(depth - 1));
                    }
                    yield o;
                }
            };
        }

        /** Text with a few bytes changed, cut short, or grown: mostly no longer JSON. */
        private String garble(String text) {
            StringBuilder sb = new StringBuilder(text);
            switch (random.nextInt(5)) {
                case 0 -> sb.setLength(random.nextInt(sb.length() + 1));
                case 1 -> sb.insert(random.nextInt(sb.length() + 1), pick("\"", "{", "]", "\\", "\u0000", ",,"));
                case 2 -> {
                    if (sb.length() > 0) sb.deleteCharAt(random.nextInt(sb.length()));
                }
                case 3 -> sb.append("x".repeat(random.nextInt(3) == 0 ? MAX_BODY + 10 : 5));
                default -> sb.replace(0, Math.min(1, sb.length()), pick("[", "1", "\"", "nul"));
            }
            return sb.toString();
        }

        private String contentType() {
            return random.nextInt(15) == 0 ? pick("text/plain", "application/jsonx", "") : "application/json";
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }
    }

    static long elapsedMs(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " chars)" : s;
    }
}
