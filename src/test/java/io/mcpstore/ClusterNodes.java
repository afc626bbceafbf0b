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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gateway processes on 127.0.0.1 in one cluster (serve --cluster) for the cluster tests: starts nodes on a shared
 * PostgreSQL schema (or a file store), kills them as a crash, and stops everything on close. Each node's log is kept
 * under target/, so that a failure can be read in it.
 */
final class ClusterNodes implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(40);
    /** How long a node may take from its JVM's start to listening, on a busy machine. */
    static final Duration START_BOUND = Duration.ofSeconds(120);

    /** Kept after the run (under target/), so that a failure can be read in the nodes' logs. */
    private final Path dir;

    ClusterNodes(String run) throws IOException {
        dir = Files.createDirectories(Path.of("target", run, Long.toString(System.currentTimeMillis(), 36)));
    }

    private final List<Node> nodes = new ArrayList<>();
    /** The nodes share one PostgreSQL store: any of them may die and the config stays writable. */
    private static final String PG =
            System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");

    private final String schema = "mcpstore_cluster_" + Long.toString(System.nanoTime(), 36);

    record Node(String mark, Process process, TestGateway gateway, long joinMs) {}

    /** Stops every node started (and its stdio children), then drops the PostgreSQL schema. */
    @Override
    public void close() throws Exception {
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
    static void kill(Node node) throws InterruptedException {
        List<ProcessHandle> children = node.process().descendants().toList();
        node.process().destroyForcibly();
        assertThat(node.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Node start(String mark, int port, List<Integer> ports) throws Exception {
        return start(mark, port, ports, "store: {type: postgres, url: \"" + PG + "\", schema: " + schema + "}");
    }

    Node start(String mark, int port, List<Integer> ports, String store) throws Exception {
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
        // The first line says where it listens; the rest is drained. A node that never gets there (a saturated
        // machine) is stopped after START_BOUND rather than blocking the test in a read JUnit cannot interrupt.
        CompletableFuture<String> first = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        first.complete(out.readLine());
                        out.lines().forEach(l -> {});
                    } catch (IOException | java.io.UncheckedIOException e) {
                        first.complete(null);
                    }
                },
                mark + "-stdout");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = first.get(START_BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            line = null;
        }
        long joinMs = (System.nanoTime() - t0) / 1_000_000;
        if (line == null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(line)
                .as(mark + " listening within " + START_BOUND + "; its log: " + log(mark))
                .startsWith("MCPStore listening on ");
        Node node =
                new Node(mark, process, TestGateway.remote(line.substring("MCPStore listening on ".length())), joinMs);
        nodes.add(node);
        return node;
    }

    String log(String mark) {
        try {
            return Files.readString(dir.resolve(mark + ".log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static <T> T await(String what, Supplier<T> probe) {
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

    static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    static HttpResponse<String> call(TestGateway g, String tool, JsonObject arguments) {
        return g.post(
                "/api/v1/tools/call",
                new JsonObject().put("name", tool).put("arguments", arguments).encode(),
                Map.of());
    }

    static String text(HttpResponse<String> r) {
        if (r.statusCode() != 200) return null;
        JsonArray content = json(r).getJsonArray("content");
        return content == null || content.isEmpty()
                ? null
                : content.getJsonObject(0).getString("text");
    }

    static JsonObject fixture(String name) {
        // A call the bus had already written to a node when it was killed is lost with it: it ends after the
        // service's timeout (then the caller gets a timeout error), so the timeout here is short.
        return Upstreams.fixtureStdio("--name", name).put("inheritEnv", true).put("timeoutMs", 3000);
    }

    void addService(TestGateway via, String name, JsonObject entry) {
        HttpResponse<String> r =
                via.post("/api/v1/services", entry.copy().put("name", name).encode(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** The mark (CLUSTER_TEST_NODE) of the node whose upstream answered: the fixture's env tool says it. */
    static String answeredBy(TestGateway via, String service) {
        String t = text(call(via, service + "__env", new JsonObject()));
        return t == null ? null : new JsonObject(t).getString("CLUSTER_TEST_NODE");
    }

    Node holder(TestGateway via, String service) {
        JsonObject status = json(via.get("/api/v1/services/" + service + "/status"));
        JsonObject node = status.getJsonObject("node");
        if (node == null || !"ready".equals(status.getString("state"))) return null;
        return nodes.stream()
                .filter(n -> n.gateway().url().equals(node.getString("http")))
                .findFirst()
                .orElse(null);
    }

    List<Node> all() {
        return nodes;
    }

    Path dir() {
        return dir;
    }

    /**
     * A node on the shared PostgreSQL store with {@code extraYaml} added to its config (top-level keys), {@code env}
     * added to its environment and {@code jvmOptions} before its main class.
     */
    Node start(
            String mark,
            int port,
            List<Integer> ports,
            String extraYaml,
            Map<String, String> env,
            List<String> jvmOptions)
            throws Exception {
        Path config = dir.resolve(mark + ".yaml");
        StringBuilder members = new StringBuilder();
        for (int p : ports) members.append(members.length() == 0 ? "" : ", ").append("\"127.0.0.1:" + p + "\"");
        Files.writeString(config, """
                cluster:
                  name: test-%d
                  host: 127.0.0.1
                  port: %d
                  members: [%s]
                store: {type: postgres, url: "%s", schema: %s}
                services: {}
                %s
                """.formatted(ports.get(0), port, members, PG, schema, extraYaml));
        long t0 = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(Upstreams.JAVA));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.mcpstore.Main",
                "serve",
                "--cluster",
                "--config",
                config.toString(),
                "--port",
                "0"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(dir.resolve(mark + ".log").toFile());
        pb.environment().put("CLUSTER_TEST_NODE", mark);
        pb.environment().putAll(env);
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
}
