package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three gateway processes on 127.0.0.1 in one cluster (serve --cluster): a service added on one node is called through
 * another, a node killed with SIGKILL hands its services to the survivors, replicas share the calls. Prints the times
 * it measures (join, config change to list_changed on another node, recovery).
 */
@Timeout(240)
class ClusterTest {
    private static final Duration BOUND = Duration.ofSeconds(40);

    /** Kept after the run (under target/), so that a failure can be read in the nodes' logs. */
    private final Path dir;

    ClusterTest() throws IOException {
        dir = Files.createDirectories(Path.of("target", "cluster-test", Long.toString(System.currentTimeMillis(), 36)));
    }

    private final List<Node> nodes = new ArrayList<>();
    /** The nodes share one PostgreSQL store: any of them may die and the config stays writable. */
    private static final String PG =
            System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");

    private final String schema = "mcpstore_cluster_" + Long.toString(System.nanoTime(), 36);

    private record Node(String mark, Process process, TestGateway gateway, long joinMs) {}

    @AfterEach
    void stopAll() throws Exception {
        for (Node n : nodes) {
            List<ProcessHandle> children = n.process().descendants().toList();
            n.process().destroy();
            if (!n.process().waitFor(15, TimeUnit.SECONDS)) n.process().destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn =
                    PgConnection.connect(vertx, PgConnectOptions.fromUri(PG)).await(10, TimeUnit.SECONDS);
            conn.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE").execute().await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL, as a crash; its stdio children (which would notice their closed stdin) are stopped too. */
    private static void kill(Node node) throws InterruptedException {
        List<ProcessHandle> children = node.process().descendants().toList();
        node.process().destroyForcibly();
        assertThat(node.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Node start(String mark, int port, List<Integer> ports) throws Exception {
        return start(mark, port, ports, "store: {type: postgres, url: \"" + PG + "\", schema: " + schema + "}");
    }

    private Node start(String mark, int port, List<Integer> ports, String store) throws Exception {
        Path config = dir.resolve(mark + ".yaml");
        StringBuilder members = new StringBuilder();
        for (int p : ports) members.append(members.length() == 0 ? "" : ", ").append("\"127.0.0.1:" + p + "\"");
        Files.writeString(config, """
                cluster:
                  name: test-%d
                  host: 127.0.0.1
                  port: %d
                  members: [%s]
                %s
                services: {}
                """.formatted(ports.get(0), port, members, store));
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        Upstreams.JAVA,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.mcpstore.Main",
                        "serve",
                        "--cluster",
                        "--config",
                        config.toString(),
                        "--port",
                        "0"))
                .redirectError(dir.resolve(mark + ".log").toFile());
        pb.environment().put("CLUSTER_TEST_NODE", mark);
        Process process = pb.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        long joinMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(line).as(mark + " started; its log: " + log(mark)).startsWith("MCPStore listening on ");
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), mark + "-stdout");
        drain.setDaemon(true);
        drain.start();
        Node node =
                new Node(mark, process, TestGateway.remote(line.substring("MCPStore listening on ".length())), joinMs);
        nodes.add(node);
        return node;
    }

    private String log(String mark) {
        try {
            return Files.readString(dir.resolve(mark + ".log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            T value;
            try {
                value = probe.get();
            } catch (RuntimeException e) {
                value = null;
            }
            if (value != null && !Boolean.FALSE.equals(value)) return value;
            if (System.nanoTime() > deadline) throw new AssertionError(what + " not within " + BOUND);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    private static HttpResponse<String> call(TestGateway g, String tool, JsonObject arguments) {
        return g.post(
                "/api/v1/tools/call",
                new JsonObject().put("name", tool).put("arguments", arguments).encode(),
                Map.of());
    }

    private static String text(HttpResponse<String> r) {
        if (r.statusCode() != 200) return null;
        JsonArray content = json(r).getJsonArray("content");
        return content == null || content.isEmpty()
                ? null
                : content.getJsonObject(0).getString("text");
    }

    private static JsonObject fixture(String name) {
        // A call the bus had already written to a node when it was killed is lost with it: it ends after the
        // service's timeout (then the caller gets a timeout error), so the timeout here is short.
        return Upstreams.fixtureStdio("--name", name).put("inheritEnv", true).put("timeoutMs", 3000);
    }

    private void addService(TestGateway via, String name, JsonObject entry) {
        HttpResponse<String> r =
                via.post("/api/v1/services", entry.copy().put("name", name).encode(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** The mark (CLUSTER_TEST_NODE) of the node whose upstream answered: the fixture's env tool says it. */
    private static String answeredBy(TestGateway via, String service) {
        String t = text(call(via, service + "__env", new JsonObject()));
        return t == null ? null : new JsonObject(t).getString("CLUSTER_TEST_NODE");
    }

    private Node holder(TestGateway via, String service) {
        JsonObject status = json(via.get("/api/v1/services/" + service + "/status"));
        JsonObject node = status.getJsonObject("node");
        if (node == null || !"ready".equals(status.getString("state"))) return null;
        return nodes.stream()
                .filter(n -> n.gateway().url().equals(node.getString("http")))
                .findFirst()
                .orElse(null);
    }

    @Test
    void anyNodeServesEveryServiceAndSurvivorsTakeOverAKilledNodesServices() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        Node n1 = start("n1", ports.get(0), ports);
        Node n2 = start("n2", ports.get(1), ports);
        Node n3 = start("n3", ports.get(2), ports);
        for (Node n : nodes) {
            n.gateway().awaitReady(BOUND);
            assertThat(n.gateway().ready().getJsonObject("cluster").getInteger("members"))
                    .isEqualTo(3);
        }
        System.out.printf(
                "cluster: join (process start to listening): n1 %d ms (first), n2 %d ms, n3 %d ms%n",
                n1.joinMs(), n2.joinMs(), n3.joinMs());

        // A client of node 3 hears of a service added through node 1.
        McpSession session = McpSession.open(n3.gateway(), "/mcp");
        long changedMs;
        try (SessionStream stream = SessionStream.open(n3.gateway().url(), "/mcp", session.id())) {
            long t0 = System.nanoTime();
            addService(n1.gateway(), "fx", fixture("fx"));
            assertThat(stream.await("notifications/tools/list_changed", BOUND.toSeconds()))
                    .isNotNull();
            changedMs = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.printf("cluster: service added on n1 to list_changed on a client of n3: %d ms%n", changedMs);
        JsonObject echoed = session.call("fx__echo", new JsonObject().put("text", "through n3"));
        assertThat(echoed.encode()).contains("through n3");

        // A second service, and who holds what.
        addService(n2.gateway(), "fy", fixture("fy"));
        Node fxHolder = await("fx placed", () -> holder(n3.gateway(), "fx"));
        Node fyHolder = await("fy placed", () -> holder(n3.gateway(), "fy"));
        JsonObject cluster = json(n2.gateway().get("/api/v1/cluster"));
        assertThat(cluster.getJsonArray("nodes")).hasSize(3);
        assertThat(cluster.encode()).contains("\"fx\"").contains("\"fy\"");

        // SIGKILL the node holding fx: a survivor runs it, calls through the survivors succeed again.
        List<Node> survivors = nodes.stream().filter(n -> n != fxHolder).toList();
        Long fyPid = fyHolder == fxHolder
                ? null
                : json(n3.gateway().get("/api/v1/services/fy/status")).getLong("pid");
        long t0 = System.nanoTime();
        kill(fxHolder);
        for (Node s : survivors) {
            await(
                    "fx answers through " + s.mark(),
                    () -> text(call(s.gateway(), "fx__echo", new JsonObject().put("text", "again"))));
        }
        long recoveredMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
                "cluster: SIGKILL of the node holding fx to fx answering through every survivor: %d ms%n", recoveredMs);
        Node newHolder = await("fx placed again", () -> holder(survivors.get(0).gateway(), "fx"));
        assertThat(newHolder).isIn(survivors);
        if (fyPid != null) {
            // fy ran on a survivor: not disturbed (same process).
            assertThat(json(survivors.get(0).gateway().get("/api/v1/services/fy/status"))
                            .getLong("pid"))
                    .isEqualTo(fyPid);
        } else {
            await("fy placed again", () -> holder(survivors.get(0).gateway(), "fy"));
        }
        for (Node s : survivors) {
            assertThat(text(call(s.gateway(), "fy__echo", new JsonObject().put("text", "fy"))))
                    .isEqualTo("fy");
        }

        // replicas: 2 on the two survivors: calls are answered by both; killing one leaves later calls answered.
        addService(survivors.get(0).gateway(), "rep", fixture("rep").put("replicas", 2));
        TestGateway via = survivors.get(1).gateway();
        Set<String> answered = new HashSet<>();
        await("rep answered by both holders", () -> {
            String by = answeredBy(via, "rep");
            if (by != null) answered.add(by);
            return answered.size() == 2;
        });
        assertThat(answered)
                .containsExactlyInAnyOrderElementsOf(
                        survivors.stream().map(Node::mark).toList());
        Node killed = survivors.get(0);
        long t1 = System.nanoTime();
        kill(killed);
        await(
                "the last node sees itself alone",
                () -> json(via.get("/health/ready")).getJsonObject("cluster").getInteger("members") == 1);
        // Once the survivor has dropped the dead node's registrations (answers in a row, the bus alternating between
        // holders otherwise), every later call is answered, by the survivor.
        int[] inARow = {0};
        await("rep answered in a row through the survivor", () -> {
            inARow[0] = survivors.get(1).mark().equals(answeredBy(via, "rep")) ? inARow[0] + 1 : 0;
            return inARow[0] >= 3;
        });
        System.out.printf(
                "cluster: SIGKILL of one of two replicas to calls answered by the other alone: %d ms%n",
                (System.nanoTime() - t1) / 1_000_000);
        for (int i = 0; i < 20; i++) {
            assertThat(answeredBy(via, "rep")).isEqualTo(survivors.get(1).mark());
        }
    }

    @Test
    void withAFileStoreTheFirstNodeOwnsTheConfigAndTheOthersChangeItThroughTheBus() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort());
        Node owner = start("o1", ports.get(0), ports, "");
        Node other = start("o2", ports.get(1), ports, "");
        other.gateway().awaitReady(BOUND);
        assertThat(json(other.gateway().get("/health/ready"))
                        .getJsonObject("cluster")
                        .getInteger("members"))
                .isEqualTo(2);
        addService(other.gateway(), "fz", fixture("fz"));
        // Written to the owner's file, not to the other node's.
        assertThat(Files.readString(dir.resolve("o1.yaml"))).contains("fz");
        assertThat(Files.readString(dir.resolve("o2.yaml"))).doesNotContain("fz");
        await(
                "fz answers through o2",
                () -> text(call(other.gateway(), "fz__echo", new JsonObject().put("text", "z"))));
        assertThat(json(other.gateway().get("/api/v1/config")).getLong("revision"))
                .isEqualTo(json(owner.gateway().get("/api/v1/config")).getLong("revision"));

        // Without its owner the config cannot change (a clear 503), and the services keep running on the survivor.
        kill(owner);
        await(
                "o2 alone",
                () -> json(other.gateway().get("/health/ready"))
                                .getJsonObject("cluster")
                                .getInteger("members")
                        == 1);
        HttpResponse<String> refused = other.gateway()
                .post("/api/v1/services", fixture("late").put("name", "late").encode(), Map.of());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("config store");
        assertThat(await(
                        "fz answers through o2 alone",
                        () -> text(call(other.gateway(), "fz__echo", new JsonObject().put("text", "z")))))
                .isEqualTo("z");
    }
}
