package io.mcpstore;

import static io.mcpstore.ClusterNodes.await;
import static io.mcpstore.ClusterNodes.fixture;
import static io.mcpstore.ClusterNodes.freePort;
import static io.mcpstore.ClusterNodes.json;
import static io.mcpstore.ClusterNodes.kill;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.ClusterNodes.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls to a service of {@code replicas: 2} in a cluster of gateway processes, through MCP sessions: a restart asked
 * on a node that does not hold a service restarts it where it runs; least-inflight sends calls past a busy replica;
 * a SIGKILLed replica's calls in flight are retried on the other when the tool is read-only, and fail at once with an
 * error naming the service and its lost node when it is not; a rate limit holds for the whole cluster. Prints the time
 * from the SIGKILL to every call in flight answered.
 */
@Timeout(300)
class ClusterReplicasTest {
    /** One router instance per node, so that the calls of one session share one router's view of what is in flight. */
    private static final List<String> ONE_ROUTER = List.of("-XX:ActiveProcessorCount=1");

    private ClusterNodes nodes;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopAll() throws Exception {
        pool.shutdownNow();
        if (nodes != null) nodes.close();
    }

    private List<Node> cluster(int n, String extraYaml, Map<String, String> env) throws Exception {
        nodes = new ClusterNodes("cluster-replicas");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) ports.add(freePort());
        List<Node> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(nodes.start("n" + (i + 1), ports.get(i), ports, extraYaml, env, ONE_ROUTER));
        }
        // A secured gateway's /health/ready tells outsiders no more than up or down: the caller waits with a key.
        if (!extraYaml.isEmpty()) return started;
        for (Node node : started) {
            await(
                    node.mark() + " sees all members",
                    () -> json(node.gateway().get("/health/ready"))
                                    .getJsonObject("cluster")
                                    .getInteger("members")
                            == n);
        }
        return started;
    }

    /** The nodes holding a ready replica of {@code service}, once there are {@code count} of them. */
    private List<Node> holders(Node via, String service, int count) {
        return await(service + " held by " + count + " node(s)", () -> {
            JsonObject status = json(via.gateway().get("/api/v1/services/" + service + "/status"));
            if (!"ready".equals(status.getString("state"))) return null;
            JsonArray list = count == 1
                    ? new JsonArray().add(status.getJsonObject("node"))
                    : status.getJsonArray("nodes", new JsonArray());
            List<Node> out = new ArrayList<>();
            for (Object o : list) {
                if (o == null) return null;
                String http = ((JsonObject) o).getString("http");
                nodes.all().stream().filter(n -> n.gateway().url().equals(http)).forEach(out::add);
            }
            return out.size() == count ? out : null;
        });
    }

    /** An MCP session on {@code node} that sees {@code tool} in its tools list. */
    private static McpSession sessionSeeing(Node node, String tool, Map<String, String> headers) {
        McpSession session = McpSession.open(node.gateway(), "/mcp", headers);
        await(
                node.mark() + " lists " + tool,
                () ->
                        session
                                .request("tools/list", new JsonObject())
                                .getJsonObject("result")
                                .getJsonArray("tools")
                                .stream()
                                .anyMatch(t -> tool.equals(((JsonObject) t).getString("name"))));
        return session;
    }

    private static String text(JsonObject answer) {
        JsonObject result = answer.getJsonObject("result");
        if (result == null) return null;
        return result.getJsonArray("content").getJsonObject(0).getString("text");
    }

    private static String answeredBy(McpSession session, String service) {
        String t = text(session.call(service + "__env", new JsonObject()));
        return t == null ? null : new JsonObject(t).getString("CLUSTER_TEST_NODE");
    }

    /** Waits until calls through {@code session} are answered by two replicas: both take calls, as its router sees. */
    private static void answeredByBoth(McpSession session, String service) {
        Set<String> both = new HashSet<>();
        await(service + " answered by both replicas", () -> {
            String by = answeredBy(session, service);
            if (by != null) both.add(by);
            return both.size() == 2;
        });
    }

    private CompletableFuture<JsonObject> async(Supplier<JsonObject> call) {
        return CompletableFuture.supplyAsync(call, pool);
    }

    private static long pid(Node via, String service) {
        Long pid = json(via.gateway().get("/api/v1/services/" + service + "/status"))
                .getLong("pid");
        return pid == null ? -1 : pid;
    }

    @Test
    void replicasShareCallsRetrySafeCallsOfAKilledReplicaAndRestartWhereTheyRun() throws Exception {
        List<Node> all = cluster(3, "", Map.of());
        Node n1 = all.get(0);

        // A restart asked through a node that does not hold the service restarts it on the node that does.
        nodes.addService(n1.gateway(), "solo", fixture("solo"));
        Node soloHolder = holders(n1, "solo", 1).get(0);
        Node notHolding = all.stream().filter(n -> n != soloHolder).findFirst().orElseThrow();
        long before = pid(soloHolder, "solo");
        assertThat(before).isPositive();
        HttpResponse<String> restarted = notHolding.gateway().post("/api/v1/services/solo/restart", "{}", Map.of());
        assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(200);
        assertThat(json(restarted).getJsonArray("nodes").getJsonObject(0).getString("http"))
                .isEqualTo(soloHolder.gateway().url());
        long after = await("solo ready again with a new process", () -> {
            long p = pid(soloHolder, "solo");
            return p > 0 && p != before ? p : null;
        });
        assertThat(after).isNotEqualTo(before);

        // least-inflight: while one replica is busy with a slow call, the calls go to the other.
        nodes.addService(
                n1.gateway(),
                "lb",
                fixture("lb")
                        .put("replicas", 2)
                        .put("balance", "least-inflight")
                        .put("timeoutMs", 30_000));
        List<Node> lbHolders = holders(n1, "lb", 2);
        Node router =
                all.stream().filter(n -> !lbHolders.contains(n)).findFirst().orElseThrow();
        McpSession viaRouter = sessionSeeing(router, "lb__slow", Map.of());
        answeredByBoth(viaRouter, "lb");
        CompletableFuture<JsonObject> busy = async(() -> viaRouter.call("lb__slow", new JsonObject().put("ms", 6000)));
        Thread.sleep(500);
        Set<String> whileBusy = new HashSet<>();
        for (int i = 0; i < 6; i++) whileBusy.add(answeredBy(viaRouter, "lb"));
        assertThat(busy).isNotDone();
        assertThat(whileBusy).hasSize(1);
        assertThat(text(busy.get(30, TimeUnit.SECONDS))).isEqualTo("slept 6000 ms");

        // A read-only tool (readOnlyHint): calls in flight to a replica that is SIGKILLed are answered by the other.
        nodes.addService(n1.gateway(), "rep", fixture("rep").put("replicas", 2).put("timeoutMs", 30_000));
        List<Node> repHolders = holders(n1, "rep", 2);
        Node repRouter =
                all.stream().filter(n -> !repHolders.contains(n)).findFirst().orElseThrow();
        McpSession viaRepRouter = sessionSeeing(repRouter, "rep__slow", Map.of());
        answeredByBoth(viaRepRouter, "rep");
        List<CompletableFuture<JsonObject>> inFlight = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inFlight.add(async(() -> viaRepRouter.call("rep__slow", new JsonObject().put("ms", 2000))));
        }
        // The same through the admin API's tool calls (the console's playground and chat lab call that way too).
        List<CompletableFuture<String>> inFlightRest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inFlightRest.add(CompletableFuture.supplyAsync(
                    () -> {
                        var r = ClusterNodes.call(repRouter.gateway(), "rep__slow", new JsonObject().put("ms", 2000));
                        return r.statusCode() + " " + r.body();
                    },
                    pool));
        }
        Thread.sleep(700);
        Node victim = repHolders.get(0);
        long t0 = System.nanoTime();
        kill(victim);
        for (CompletableFuture<JsonObject> f : inFlight) {
            JsonObject answer = f.get(ClusterNodes.BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(text(answer)).as(answer.encode()).isEqualTo("slept 2000 ms");
        }
        for (CompletableFuture<String> f : inFlightRest) {
            assertThat(f.get(ClusterNodes.BOUND.toSeconds(), TimeUnit.SECONDS))
                    .startsWith("200 ")
                    .contains("slept 2000 ms");
        }
        System.out.printf(
                "cluster replicas: SIGKILL of a replica to its 6 read-only calls in flight answered (retried): %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);

        // A tool that is neither read-only nor idempotent, no retry: safe: its calls to a killed replica get a clear
        // error at once; the calls on the live replica go on (this one never answers; its timeout is long).
        List<Node> survivors = all.stream().filter(n -> n != victim).toList();
        nodes.addService(
                survivors.get(0).gateway(),
                "hg",
                fixture("hg").put("replicas", 2).put("timeoutMs", 120_000));
        List<Node> hgHolders = holders(survivors.get(0), "hg", 2);
        assertThat(hgHolders).containsExactlyInAnyOrderElementsOf(survivors);
        Node hgRouter = survivors.get(1);
        McpSession viaHgRouter = sessionSeeing(hgRouter, "hg__hang", Map.of());
        answeredByBoth(viaHgRouter, "hg");
        List<CompletableFuture<JsonObject>> hanging = new ArrayList<>();
        for (int i = 0; i < 4; i++) hanging.add(async(() -> viaHgRouter.call("hg__hang", new JsonObject())));
        Thread.sleep(700);
        long t1 = System.nanoTime();
        kill(survivors.get(0));
        List<JsonObject> failed = await("the calls to the killed replica answered", () -> {
            List<JsonObject> done = new ArrayList<>();
            for (CompletableFuture<JsonObject> f : hanging) if (f.isDone()) done.add(f.join());
            return done.size() >= 2 ? done : null;
        });
        long failedMs = (System.nanoTime() - t1) / 1_000_000;
        assertThat(failed).hasSize(2);
        for (JsonObject answer : failed) {
            JsonObject error = answer.getJsonObject("error");
            assertThat(error).as(answer.encode()).isNotNull();
            assertThat(error.getString("message"))
                    .contains("Service 'hg'")
                    .contains("left the cluster while the call was in flight")
                    .contains("not retried: tool 'hang' is not marked readOnlyHint or idempotentHint");
        }
        System.out.printf(
                "cluster replicas: SIGKILL of a replica to its non-idempotent calls in flight failed (timeoutMs 120000):"
                        + " %d ms%n",
                failedMs);
    }

    @Test
    void aRateLimitHoldsForTheWholeCluster() throws Exception {
        String password = "cluster replicas test password";
        List<Node> all = cluster(2, """
                security:
                  enabled: true
                  rateLimits:
                    perTool:
                      lim__echo: {requestsPerSecond: 0.001, burst: 4}
                """, Map.of("MCPSTORE_ADMIN_PASSWORD", password));
        List<Map<String, String>> bearer = new ArrayList<>();
        for (Node n : all) {
            HttpResponse<String> login = n.gateway()
                    .post(
                            "/api/v1/auth/login",
                            new JsonObject()
                                    .put("username", "admin")
                                    .put("password", password)
                                    .encode(),
                            Map.of());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            bearer.add(Map.of("Authorization", "Bearer " + json(login).getString("token")));
        }
        for (int i = 0; i < all.size(); i++) {
            TestGateway g = all.get(i).gateway();
            Map<String, String> key = bearer.get(i);
            await(
                    all.get(i).mark() + " sees both members",
                    () -> json(g.send(HttpRequest.newBuilder(URI.create(g.url() + "/api/v1/cluster"))
                                            .header("Authorization", key.get("Authorization"))
                                            .GET()
                                            .build()))
                                    .getJsonArray("nodes")
                                    .size()
                            == 2);
        }
        HttpResponse<String> added = all.get(0)
                .gateway()
                .post("/api/v1/services", fixture("lim").put("name", "lim").encode(), bearer.get(0));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        McpSession s1 = sessionSeeing(all.get(0), "lim__echo", bearer.get(0));
        McpSession s2 = sessionSeeing(all.get(1), "lim__echo", bearer.get(1));

        // 4 a (long) while for the cluster: two through each node take them all.
        for (McpSession s : List.of(s1, s2, s1, s2)) {
            JsonObject answer = s.call("lim__echo", new JsonObject().put("text", "hi"));
            assertThat(text(answer)).as(answer.encode()).isEqualTo("hi");
        }
        for (McpSession s : List.of(s1, s2)) {
            HttpResponse<String> refused = s.post(new JsonObject()
                    .put("jsonrpc", "2.0")
                    .put("id", 99)
                    .put("method", "tools/call")
                    .put(
                            "params",
                            new JsonObject()
                                    .put("name", "lim__echo")
                                    .put("arguments", new JsonObject().put("text", "hi")))
                    .encode());
            JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
            assertThat(error).as(refused.body()).isNotNull();
            assertThat(error.getInteger("code")).isEqualTo(-32029);
            assertThat(error.getString("message")).contains("Rate limit exceeded: tool 'lim__echo'");
        }
    }
}
