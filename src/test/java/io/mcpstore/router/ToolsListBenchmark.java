package io.mcpstore.router;

import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The S3 listing in-process, without sockets: {@code SERVICES} catalogs of 50 tools shaped like the benchmark
 * upstream's arrive as the bus delivers them, then a client pages through {@code tools/list} following
 * {@code nextCursor}, each answer encoded as the router writes it. Prints one JSON line of timings (milliseconds of
 * this thread's CPU time, the median of the rounds; garbage collection runs on other threads), and a
 * digest of the bytes a client receives on the first listing (equal digests: the same answers, byte for byte).
 *
 * <p>Not a test (no assertions, no thresholds): run it by hand, after {@code mvn test-compile} and
 * {@code mvn dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt}:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.mcpstore.router.ToolsListBenchmark
 * [services=1000] [rounds=7] [pageSize]}. Compiled against an older build's classes, it measures that build the
 * same way (it uses only what the dispatcher has long had).
 */
public final class ToolsListBenchmark {
    private ToolsListBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        JsonObject configJson = new JsonObject();
        if (args.length > 2) configJson.put("catalog", new JsonObject().put("pageSize", Integer.parseInt(args[2])));
        GatewayConfig config = GatewayConfig.fromJson(configJson);
        Vertx vertx = Vertx.vertx();
        try {
            List<Double> startup = new ArrayList<>();
            List<Double> build = new ArrayList<>();
            List<Double> first = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            List<Double> afterChange = new ArrayList<>();
            List<Double> heap = new ArrayList<>();
            int pages = 0;
            String sha = null;
            long bytes = 0;
            for (int round = 0; round < rounds; round++) {
                McpDispatcher dispatcher = new McpDispatcher(
                        vertx,
                        SessionStore.shared(vertx, config.sessions()),
                        config,
                        GatewayMetrics.of(null),
                        false,
                        "bench");
                Endpoint endpoint = new Endpoint("", null, names(services));
                // Start-up as the routers see it: every service publishes "connecting", then "ready".
                List<ServiceCatalog> events = new ArrayList<>();
                for (int i = 1; i <= services; i++) events.add(service(i, "connecting"));
                for (int i = 1; i <= services; i++) events.add(service(i, "ready"));
                long t0 = now();
                for (ServiceCatalog event : events) dispatcher.catalog(event);
                startup.add(ms(t0));
                events = null;

                long tb = now();
                dispatcher.view(endpoint);
                build.add(ms(tb));
                long t1 = now();
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                long[] listed = listAll(dispatcher, endpoint, digest);
                first.add(ms(t1));
                sha = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
                pages = (int) listed[0];
                bytes = listed[1];
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 5; i++) {
                    long t = now();
                    listAll(dispatcher, endpoint, null);
                    best = Math.min(best, ms(t));
                }
                warm.add(best);
                // One service restarts: the next listing sees the change (a client re-listing on list_changed).
                dispatcher.catalog(service(services / 2, "ready"));
                long t2 = now();
                listAll(dispatcher, endpoint, null);
                afterChange.add(ms(t2));
                heap.add(retainedMiB());
                if (dispatcher.catalog().services().size() != services) throw new IllegalStateException("lost one");
            }
            System.out.println(new JsonObject()
                    .put("services", services)
                    .put("tools", services * 50)
                    .put("pageSize", config.pageSize())
                    .put("pages", pages)
                    .put("bytes", bytes)
                    .put("startup_events_ms", median(startup))
                    .put("sha256_of_pages", sha)
                    .put("view_build_ms", median(build))
                    .put("first_full_list_ms", median(first))
                    .put("warm_full_list_ms", median(warm))
                    .put("full_list_after_one_change_ms", median(afterChange))
                    .put("retained_heap_mib", median(heap))
                    .put("rounds", rounds)
                    .encode());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Pages through tools/list; returns {pages, bytes}. */
    private static long[] listAll(McpDispatcher dispatcher, Endpoint endpoint, MessageDigest digest) throws Exception {
        String cursor = null;
        long pages = 0;
        long bytes = 0;
        int id = 1;
        do {
            JsonObject request = new JsonObject()
                    .put("jsonrpc", "2.0")
                    .put("id", id++)
                    .put("method", "tools/list")
                    .put("params", cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor));
            JsonObject answer = dispatcher.answer(endpoint, null, request).await(10, TimeUnit.SECONDS);
            Buffer encoded = Json.encodeToBuffer(answer); // what HttpReplies.json writes
            JsonObject result = answer.getJsonObject("result");
            if (result == null) throw new IllegalStateException("tools/list failed: " + answer);
            bytes += encoded.length();
            if (digest != null) digest.update(encoded.getBytes());
            pages++;
            cursor = result.getString("nextCursor");
        } while (cursor != null);
        return new long[] {pages, bytes};
    }

    private static List<String> names(int services) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= services; i++) names.add(String.format("s%04d", i));
        return names;
    }

    /** A catalog message as the bench upstream's endpoint n makes its service publish it (a fresh copy, as the bus). */
    private static ServiceCatalog service(int n, String state) {
        JsonArray tools = new JsonArray();
        for (int i = 0; i < 50; i++) {
            String name = i == 0 ? "echo" : "tool_" + i;
            tools.add(new JsonObject()
                    .put("name", name)
                    .put(
                            "description",
                            "Benchmark tool " + name + ": answers at once with a short text, so that"
                                    + " the cost measured is the cost of the path to it.")
                    .put(
                            "inputSchema",
                            new JsonObject()
                                    .put("type", "object")
                                    .put(
                                            "properties",
                                            new JsonObject()
                                                    .put(
                                                            "message",
                                                            new JsonObject()
                                                                    .put("type", "string")
                                                                    .put("description", "text")))));
        }
        return ServiceCatalog.fromJson(new JsonObject()
                .put("service", String.format("s%04d", n))
                .put("state", state)
                .put("tools", "ready".equals(state) ? tools : new JsonArray())
                .put("capabilities", new JsonObject().put("tools", new JsonObject())));
    }

    private static double retainedMiB() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return Math.round((rt.totalMemory() - rt.freeMemory()) / 1048576.0 * 10) / 10.0;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** This thread's CPU time: unlike the wall clock, it does not grow when other processes take the cores. */
    private static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static double ms(long since) {
        return Math.round((now() - since) / 1e5) / 10.0;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
