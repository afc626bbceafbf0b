package io.mcpstore;

import static io.mcpstore.ClusterNodes.BOUND;
import static io.mcpstore.ClusterNodes.answeredBy;
import static io.mcpstore.ClusterNodes.await;
import static io.mcpstore.ClusterNodes.call;
import static io.mcpstore.ClusterNodes.fixture;
import static io.mcpstore.ClusterNodes.freePort;
import static io.mcpstore.ClusterNodes.json;
import static io.mcpstore.ClusterNodes.kill;
import static io.mcpstore.ClusterNodes.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.ClusterNodes.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final ClusterNodes nodes = new ClusterNodes("cluster-test");

    ClusterTest() throws IOException {}

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    @Test
    void anyNodeServesEveryServiceAndSurvivorsTakeOverAKilledNodesServices() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        Node n1 = nodes.start("n1", ports.get(0), ports);
        Node n2 = nodes.start("n2", ports.get(1), ports);
        Node n3 = nodes.start("n3", ports.get(2), ports);
        for (Node n : nodes.all()) {
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
            nodes.addService(n1.gateway(), "fx", fixture("fx"));
            assertThat(stream.await("notifications/tools/list_changed", BOUND.toSeconds()))
                    .isNotNull();
            changedMs = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.printf("cluster: service added on n1 to list_changed on a client of n3: %d ms%n", changedMs);
        JsonObject echoed = session.call("fx__echo", new JsonObject().put("text", "through n3"));
        assertThat(echoed.encode()).contains("through n3");

        // A 2026-07-28 call that needs the client's input: its requestState, signed on node 1, resumes on node 2.
        nodes.addService(
                n1.gateway(), "conf", Upstreams.fixtureStdio("--conformance").put("inheritEnv", true));
        for (Node n : List.of(n1, n2)) {
            await(
                    "conf's tools known to " + n.mark(),
                    () -> n.gateway().get("/api/v1/tools").body().contains("conf__test_elicitation"));
        }
        JsonObject ask = new JsonObject()
                .put("name", "conf__test_elicitation")
                .put("arguments", new JsonObject().put("message", "Who are you?"));
        JsonObject first = await("input_required from n1", () -> {
            JsonObject r = stateless(n1.gateway(), ask).getJsonObject("result");
            return r != null && "input_required".equals(r.getString("resultType")) ? r : null;
        });
        String key =
                first.getJsonObject("inputRequests").fieldNames().iterator().next();
        JsonObject answer = stateless(
                n2.gateway(),
                ask.copy()
                        .put("requestState", first.getString("requestState"))
                        .put(
                                "inputResponses",
                                new JsonObject()
                                        .put(
                                                key,
                                                new JsonObject()
                                                        .put("action", "accept")
                                                        .put(
                                                                "content",
                                                                new JsonObject()
                                                                        .put("username", "alice")
                                                                        .put("email", "a@example.com")))));
        assertThat(answer.encode())
                .as("the retry through n2")
                .contains("action=accept")
                .contains("alice");

        // A second service, and who holds what.
        nodes.addService(n2.gateway(), "fy", fixture("fy"));
        Node fxHolder = await("fx placed", () -> nodes.holder(n3.gateway(), "fx"));
        Node fyHolder = await("fy placed", () -> nodes.holder(n3.gateway(), "fy"));
        JsonObject cluster = json(n2.gateway().get("/api/v1/cluster"));
        assertThat(cluster.getJsonArray("nodes")).hasSize(3);
        assertThat(cluster.encode()).contains("\"fx\"").contains("\"fy\"");

        // SIGKILL the node holding fx: a survivor runs it, calls through the survivors succeed again.
        List<Node> survivors = nodes.all().stream().filter(n -> n != fxHolder).toList();
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
        Node newHolder =
                await("fx placed again", () -> nodes.holder(survivors.get(0).gateway(), "fx"));
        assertThat(newHolder).isIn(survivors);
        if (fyPid != null) {
            // fy ran on a survivor: not disturbed (same process).
            assertThat(json(survivors.get(0).gateway().get("/api/v1/services/fy/status"))
                            .getLong("pid"))
                    .isEqualTo(fyPid);
        } else {
            await("fy placed again", () -> nodes.holder(survivors.get(0).gateway(), "fy"));
        }
        for (Node s : survivors) {
            assertThat(text(call(s.gateway(), "fy__echo", new JsonObject().put("text", "fy"))))
                    .isEqualTo("fy");
        }

        // replicas: 2 on the two survivors: calls are answered by both; killing one leaves later calls answered.
        nodes.addService(survivors.get(0).gateway(), "rep", fixture("rep").put("replicas", 2));
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

    /** A 2026-07-28 tools/call (no session; what the revision needs in _meta and the standard headers). */
    private static JsonObject stateless(TestGateway via, JsonObject params) {
        JsonObject meta = new JsonObject()
                .put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                .put(
                        "io.modelcontextprotocol/clientInfo",
                        new JsonObject().put("name", "t").put("version", "1"))
                .put(
                        "io.modelcontextprotocol/clientCapabilities",
                        new JsonObject().put("elicitation", new JsonObject()));
        JsonObject body = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 1)
                .put("method", "tools/call")
                .put("params", params.copy().put("_meta", meta));
        HttpResponse<String> r = via.post(
                "/mcp",
                body.encode(),
                Map.of(
                        "Accept", "application/json, text/event-stream",
                        "MCP-Protocol-Version", "2026-07-28",
                        "Mcp-Method", "tools/call",
                        "Mcp-Name", params.getString("name")));
        return new JsonObject(r.body());
    }

    @Test
    void withAFileStoreTheFirstNodeOwnsTheConfigAndTheOthersChangeItThroughTheBus() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort());
        Node owner = nodes.start("o1", ports.get(0), ports, "");
        Node other = nodes.start("o2", ports.get(1), ports, "");
        other.gateway().awaitReady(BOUND);
        assertThat(json(other.gateway().get("/health/ready"))
                        .getJsonObject("cluster")
                        .getInteger("members"))
                .isEqualTo(2);
        nodes.addService(other.gateway(), "fz", fixture("fz"));
        // Written to the owner's file, not to the other node's.
        assertThat(Files.readString(nodes.dir().resolve("o1.yaml"))).contains("fz");
        assertThat(Files.readString(nodes.dir().resolve("o2.yaml"))).doesNotContain("fz");
        await(
                "fz answers through o2",
                () -> text(call(other.gateway(), "fz__echo", new JsonObject().put("text", "z"))));
        assertThat(json(other.gateway().get("/api/v1/config")).getLong("revision"))
                .isEqualTo(json(owner.gateway().get("/api/v1/config")).getLong("revision"));

        // One audit log for the cluster: a call through the other node is in the log the owner keeps, and the other
        // node's API reads that log.
        String audited = "audited through o2 " + System.nanoTime();
        assertThat(text(call(other.gateway(), "fz__echo", new JsonObject().put("text", audited))))
                .isEqualTo(audited);
        for (Node n : List.of(owner, other)) {
            JsonArray entries = await("the call through o2 in the audit log read through " + n.mark(), () -> {
                JsonArray e =
                        json(n.gateway().get("/api/v1/audit?tool=fz__echo")).getJsonArray("entries");
                return e.isEmpty() ? null : e;
            });
            assertThat(entries.encode()).contains("fz__echo");
        }

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
