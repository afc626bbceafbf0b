package io.mcpstore.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The load generator. Every client is a real MCP session of its own (see {@link McpSession}); load is closed-loop
 * (each client sends its next request when the previous one is answered), latencies go into HdrHistogram.
 * Results are printed as one JSON object per line on stdout; progress goes to stderr.
 */
final class LoadGen {
    private static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);

    private LoadGen() {}

    /**
     * {@code calls --target NAME|URL|TOOL[|ENV] … --clients 1,16,64 --reps 3 --warmup 1 --duration 3 [--args JSON]
     * [--pid NAME=PID …]}: for each client count and repetition, the targets one after another (so ratios compare
     * runs taken moments apart), each with fresh sessions. With {@code --pid}, the CPU each process used during the
     * measured window is reported beside the figures. {@code ENV} names an environment variable holding a bearer
     * credential (an API key) that target's sessions send on every request; it is read from the environment so that
     * it never shows in the process list. {@code TOOL} {@code -} makes the target plain HTTP, not MCP: each call is
     * a GET of {@code URL} answered 200 (S7's direct calls of a REST API).
     * {@code --stateless NAME} (repeatable): that target's clients speak
     * 2026-07-28, statelessly (no session; {@code _meta} and the standard headers on every request).
     * {@code --opened-at NAME=URL} (repeatable): that target's sessions are opened at URL (another cluster node) and
     * continued at the target's URL.
     */
    static void calls(Args args) throws Exception {
        STATELESS.addAll(args.all("stateless"));
        for (String o : args.all("opened-at")) {
            String[] kv = o.split("=", 2);
            OPENED_AT.put(kv[0], kv[1]);
        }
        List<String[]> targets = new ArrayList<>();
        for (String t : args.all("target")) {
            String[] target = t.split("\\|", 4);
            if (target.length == 4) {
                String bearer = System.getenv(target[3]);
                if (bearer == null || bearer.isBlank())
                    throw new IllegalArgumentException("--target " + target[0] + ": $" + target[3] + " is not set");
                target[3] = bearer;
            }
            targets.add(target);
        }
        List<String[]> pids = new ArrayList<>();
        for (String p : args.all("pid")) pids.add(p.split("=", 2));
        String arguments = args.string("args", "{\"message\":\"hello\"}");
        int reps = args.integer("reps", 3);
        double warmup = args.decimal("warmup", 1);
        double duration = args.decimal("duration", 3);
        Vertx vertx = vertx();
        int[] levels = java.util.Arrays.stream(args.string("clients", "1,16,64").split(","))
                .mapToInt(l -> Integer.parseInt(l.trim()))
                .toArray();
        double prewarm = args.decimal("prewarm", 60);
        int minWindows = args.integer("prewarm-min-windows", 8);
        if (prewarm > 0) {
            // JIT-compile every process on the path before anything is recorded: 2-second windows at the highest
            // client count, at least 8 of them, until throughput stops climbing (within 10% of the window before),
            // at most `prewarm` s.
            // On a busy 2-core machine the JIT needs tens of seconds of load, and C2 competes with the load.
            int most = java.util.Arrays.stream(levels).max().orElse(1);
            HttpClient http = client(vertx, most);
            for (String[] target : targets) {
                try {
                    prewarm(http, target, arguments, most, prewarm, minWindows);
                } catch (Exception e) { // the measured runs report what is wrong with this target
                    System.err.printf("  %-12s prewarm failed: %s%n", target[0], e);
                }
            }
            http.close().await();
        }
        measureLevels(vertx, targets, levels, reps, arguments, warmup, duration, pids);
        vertx.close().await();
    }

    private static void prewarm(HttpClient http, String[] target, String arguments, int most, double prewarm,
            int minWindows) throws Exception {
        {
            {
                List<McpSession> sessions = new ArrayList<>();
                topUp(http, target, sessions, most);
                double previous = 0;
                long until = System.nanoTime() + (long) (prewarm * 1e9);
                int windows = 0;
                while (System.nanoTime() < until) {
                    topUp(http, target, sessions, most);
                    double rps = measure(sessions, target[1], params(target[2], arguments), 0, 2, List.of()).getDouble("rps");
                    windows++;
                    System.err.printf("  %-12s prewarm c=%d: %.0f req/s%n", target[0], most, rps);
                    if (windows >= minWindows && previous > 0 && Math.abs(rps - previous) / previous < 0.1) break;
                    previous = rps;
                }
                close(sessions);
            }
        }
    }

    private static void measureLevels(Vertx vertx, List<String[]> targets, int[] levels, int reps, String arguments,
            double warmup, double duration, List<String[]> pids) throws Exception {
        for (int clients : levels) {
            HttpClient http = client(vertx, clients);
            // Each target gets its clients' sessions once per level; the repetitions reuse them, as long-lived
            // agents do (and session churn is not what this measures).
            java.util.Map<String, List<McpSession>> open = new java.util.HashMap<>();
            java.util.Map<String, String> broken = new java.util.HashMap<>();
            for (int rep = 1; rep <= reps; rep++) {
                // Every other repetition runs the targets in reverse order, so that drift in the machine's load
                // does not always favour the same one.
                List<String[]> order = new ArrayList<>(targets);
                if (rep % 2 == 0) java.util.Collections.reverse(order);
                for (String[] target : order) {
                    JsonObject result;
                    if (broken.containsKey(target[0])) {
                        result = new JsonObject().put("failed", broken.get(target[0]));
                    } else {
                        try {
                            List<McpSession> sessions = open.computeIfAbsent(target[0], k -> new ArrayList<>());
                            topUp(http, target, sessions, clients);
                            result = measure(sessions, target[1], params(target[2], arguments), warmup, duration, pids);
                        } catch (Exception e) {
                            broken.put(target[0], "sessions could not be opened: " + e);
                            result = new JsonObject().put("failed", broken.get(target[0]));
                        }
                    }
                    result.put("target", target[0]).put("clients", clients).put("rep", rep);
                    System.out.println(result.encode());
                    System.out.flush();
                    if (result.containsKey("failed")) {
                        System.err.printf("  %-12s c=%-4d rep %d: FAILED %s%n", target[0], clients, rep,
                                result.getString("failed"));
                    } else {
                        System.err.printf("  %-12s c=%-4d rep %d: %8.0f req/s  p50 %.3f ms  p99 %.3f ms  errors %d%n",
                                target[0], clients, rep, result.getDouble("rps"), result.getDouble("p50_ms"),
                                result.getDouble("p99_ms"), result.getLong("errors") + result.getInteger("unanswered"));
                    }
                }
            }
            for (List<McpSession> sessions : open.values()) close(sessions);
            http.close().await();
        }
    }

    /** The targets whose clients are stateless (2026-07-28). */
    private static final java.util.Set<String> STATELESS = new java.util.HashSet<>();
    /** {@code --opened-at NAME=URL}: that target's sessions are opened (initialize) at URL, then used at its own. */
    private static final java.util.Map<String, String> OPENED_AT = new java.util.HashMap<>();

    private static String params(String tool, String arguments) {
        return new JsonObject().put("name", tool).put("arguments", new JsonObject(arguments)).encode();
    }

    /** Opens fresh sessions, measures, closes them. */
    private static JsonObject closedLoop(Vertx vertx, HttpClient http, String url, String params, int clients,
            double warmup, double duration, List<String[]> pids) throws Exception {
        List<McpSession> sessions = new ArrayList<>();
        topUp(http, new String[] {"probe", url}, sessions, clients);
        JsonObject result = measure(sessions, url, params, warmup, duration, pids);
        close(sessions);
        return result;
    }

    /**
     * Drops sessions that still wait for an answer and opens new ones until there are {@code clients}; {@code target}
     * is NAME, URL and optionally TOOL and the bearer credential.
     */
    private static void topUp(HttpClient http, String[] target, List<McpSession> sessions, int clients)
            throws Exception {
        sessions.removeIf(s -> !s.idle);
        List<Future<McpSession>> ready = new ArrayList<>();
        String bearer = target.length > 3 ? target[3] : null;
        String openedAt = OPENED_AT.get(target[0]);
        while (sessions.size() + ready.size() < clients)
            ready.add(new McpSession(
                            http, openedAt == null ? target[1] : openedAt, bearer,
                            target.length > 2 && target[2].equals("-"), STATELESS.contains(target[0]))
                    .initialize()
                    .map(s -> openedAt == null ? s : s.moveTo(target[1])));
        Future.all(ready).await(60, TimeUnit.SECONDS);
        for (Future<McpSession> f : ready) sessions.add(f.result());
    }

    private static void close(List<McpSession> sessions) throws Exception {
        List<Future<Void>> closed = new ArrayList<>();
        AtomicInteger closeFailures = new AtomicInteger();
        sessions.stream().filter(s -> s.idle).forEach(s -> closed.add(s.close()
                .timeout(10, TimeUnit.SECONDS)
                .onFailure(e -> {
                    if (closeFailures.getAndIncrement() == 0) System.err.println("  session DELETE failed: " + e);
                })
                .otherwiseEmpty()));
        Future.join(closed).otherwiseEmpty().await(30, TimeUnit.SECONDS);
        if (closeFailures.get() > 0) System.err.println("  " + closeFailures.get() + " session DELETEs unanswered");
    }

    private static JsonObject measure(List<McpSession> sessions, String url, String params, double warmup,
            double duration, List<String[]> pids) throws Exception {
        int clients = sessions.size();
        Histogram[] histograms = new Histogram[clients];
        AtomicLong errors = new AtomicLong();
        AtomicLong firstError = new AtomicLong();
        long[] phase = {0}; // 0 warm-up, 1 measuring, 2 stopping
        AtomicInteger running = new AtomicInteger(clients);
        Promise<Void> drained = Promise.promise();
        for (int i = 0; i < clients; i++) {
            Histogram h = new Histogram(MAX_LATENCY_NS, 3);
            histograms[i] = h;
            sessions.get(i).idle = false;
            loop(sessions.get(i), params, h, errors, firstError, phase, running, drained);
        }
        sleep(warmup);
        double[] cpuBefore = cpu(pids);
        double selfBefore = ProcessCpu.self();
        long start = System.nanoTime();
        synchronized (phase) {
            phase[0] = 1;
        }
        sleep(duration);
        synchronized (phase) {
            phase[0] = 2;
        }
        long end = System.nanoTime();
        double[] cpuAfter = cpu(pids);
        double selfAfter = ProcessCpu.self();
        int stuck = 0;
        try {
            drained.future().await(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            stuck = running.get(); // requests never answered: reported, not waited for
            System.err.println("  " + stuck + " requests still unanswered 60 s after the end of the run:");
            sessions.stream().filter(s -> !s.idle).forEach(s -> System.err.println(
                    "    POST tools/call id " + s.lastCallId() + " of session " + s.id() + " to " + url));
        }
        Histogram all = new Histogram(MAX_LATENCY_NS, 3);
        for (Histogram h : histograms) all.add(h);
        double seconds = (end - start) / 1e9;
        JsonObject out = stats(all, seconds).put("errors", errors.get()).put("unanswered", stuck);
        JsonObject cpu = new JsonObject().put("loadgen", round((selfAfter - selfBefore) / seconds));
        for (int i = 0; i < pids.size(); i++) cpu.put(pids.get(i)[0], round((cpuAfter[i] - cpuBefore[i]) / seconds));
        return out.put("cpu_cores", cpu);
    }

    private static void loop(McpSession session, String params, Histogram h, AtomicLong errors, AtomicLong firstError,
            long[] phase, AtomicInteger running, Promise<Void> drained) {
        long t0 = System.nanoTime();
        session.call(params).onComplete(ar -> {
            long t1 = System.nanoTime();
            long p;
            synchronized (phase) {
                p = phase[0];
            }
            boolean ok = ar.succeeded() && ar.result();
            if (p == 1) {
                if (ok) h.recordValue(Math.min(t1 - t0, MAX_LATENCY_NS));
                else {
                    errors.incrementAndGet();
                    if (firstError.compareAndSet(0, 1)) {
                        System.err.println("  first error: " + (ar.failed() ? ar.cause() : "bad answer"));
                    }
                }
            }
            if (p == 2) {
                session.idle = true;
                if (running.decrementAndGet() == 0) drained.tryComplete();
            } else {
                loop(session, params, h, errors, firstError, phase, running, drained);
            }
        });
    }

    /**
     * {@code list --url U [--reps 5]}: one session pages through {@code tools/list} (following {@code nextCursor})
     * {@code reps} times; reports the tool count, the pages and each full listing's time (the first one apart: it
     * may include building the gateway's view).
     */
    static void list(Args args) throws Exception {
        Vertx vertx = vertx();
        HttpClient http = client(vertx, 4);
        Context loop = vertx.getOrCreateContext();
        McpSession session = onLoop(loop, () -> new McpSession(http, args.required("url")).initialize())
                .await(60, TimeUnit.SECONDS);
        int reps = args.integer("reps", 5);
        JsonArray times = new JsonArray();
        int tools = 0;
        int pages = 0;
        long bytes = 0;
        for (int rep = 0; rep < reps; rep++) {
            tools = 0;
            pages = 0;
            String cursor = null;
            long t0 = System.nanoTime();
            do {
                JsonObject params = cursor == null ? null : new JsonObject().put("cursor", cursor);
                JsonObject answer =
                        onLoop(loop, () -> session.request("tools/list", params)).await(60, TimeUnit.SECONDS);
                JsonObject result = answer.getJsonObject("result");
                if (result == null) throw new IllegalStateException("tools/list failed: " + answer);
                tools += result.getJsonArray("tools").size();
                pages++;
                if (rep == 0) bytes += answer.encode().length();
                cursor = result.getString("nextCursor");
            } while (cursor != null);
            times.add(round((System.nanoTime() - t0) / 1e6));
        }
        session.close().await(10, TimeUnit.SECONDS);
        List<Double> warm = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) warm.add(times.getDouble(i));
        warm.sort(null);
        JsonObject out = new JsonObject()
                .put("tools", tools)
                .put("pages", pages)
                .put("bytes", bytes)
                .put("first_ms", times.getDouble(0))
                .put("median_ms", warm.isEmpty() ? times.getDouble(0) : warm.get(warm.size() / 2))
                .put("times_ms", times);
        System.out.println(out.encode());
        vertx.close().await();
    }

    /**
     * {@code sessions --url U --sessions 10000 --tool T [--args JSON] [--clients 16] [--duration 5] --hold FILE}:
     * opens that many sessions, each with its GET stream open, prints {@code {"opened":n,…}}, waits until FILE
     * exists (the caller measures the gateway's heap meanwhile), then measures {@code tools/call} latency from
     * {@code --clients} further sessions while all the streams stay open, and prints the result.
     */
    static void sessions(Args args) throws Exception {
        String url = args.required("url");
        int count = args.integer("sessions", 10_000);
        int batch = args.integer("batch", 200);
        Vertx vertx = vertx();
        HttpClient control = client(vertx, batch);
        HttpClient streams = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(30_000),
                new PoolOptions().setHttp1MaxSize(count + 16).setMaxWaitQueueSize(-1));
        List<McpSession> sessions = new ArrayList<>();
        long t0 = System.nanoTime();
        int failed = 0;
        String firstFailure = null;
        for (int from = 0; from < count; from += batch) {
            List<Future<?>> step = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                McpSession s = new McpSession(control, url);
                McpSession streamed = new McpSession(streams, url);
                step.add(s.initialize().compose(x -> streamed.adopt(s)).compose(x -> streamed.openStream())
                        .timeout(60, TimeUnit.SECONDS) // an unanswered one counts as failed, the rest go on
                        .onSuccess(x -> {
                            synchronized (sessions) {
                                sessions.add(streamed);
                            }
                        }));
            }
            Future.join(step).otherwiseEmpty().await(90, TimeUnit.SECONDS);
            for (Future<?> f : step) {
                if (f.failed()) {
                    failed++;
                    if (firstFailure == null) firstFailure = String.valueOf(f.cause());
                }
            }
            if (failed > count / 10) break;
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        JsonObject opened = new JsonObject()
                .put("opened", sessions.size())
                .put("failed", failed)
                .put("open_seconds", round(openSeconds));
        if (firstFailure != null) opened.put("first_failure", firstFailure);
        System.out.println(opened.encode());
        System.out.flush();
        Path hold = Path.of(args.required("hold"));
        while (!Files.exists(hold)) Thread.sleep(50);

        int clients = args.integer("clients", 16);
        HttpClient probe = client(vertx, clients);
        String params = "{\"name\":\"" + args.required("tool") + "\",\"arguments\":"
                + args.string("args", "{\"message\":\"hello\"}") + "}";
        JsonObject result = closedLoop(vertx, probe, url, params, clients, args.decimal("warmup", 1),
                args.decimal("duration", 5), List.of());
        long stillOpen = sessions.stream().filter(McpSession::streamOpen).count();
        System.out.println(result.put("streams_open", stillOpen).put("clients", clients).encode());
        System.out.flush();
        System.exit(0); // the streams end with the process; the gateway sees the connections close
    }

    /**
     * {@code reload --url GW/mcp --admin GW --upstream UP [--rounds 50] [--warmup 3]}: one session holds its GET
     * stream; each round adds a service through the admin API ({@code POST /api/v1/services}, pointing at a fresh
     * endpoint {@code UP/s/<n>/mcp}) and times until {@code notifications/tools/list_changed} arrives on the stream,
     * then removes it ({@code DELETE /api/v1/services/<name>}) and times that too. Without an admin API it says so.
     */
    static void reload(Args args) throws Exception {
        Vertx vertx = vertx();
        HttpClient http = client(vertx, 8);
        String admin = args.required("admin");
        String upstream = args.required("upstream");
        int rounds = args.integer("rounds", 50);
        int warmup = args.integer("warmup", 3);
        McpSession session = new McpSession(http, args.required("url")).initialize().await(60, TimeUnit.SECONDS);
        java.util.concurrent.LinkedBlockingQueue<Long> changes = new java.util.concurrent.LinkedBlockingQueue<>();
        StringBuilder pending = new StringBuilder();
        session.openStream(chunk -> {
                    long at = System.nanoTime();
                    synchronized (pending) {
                        pending.append(chunk.toString());
                        int end;
                        while ((end = pending.indexOf("\n\n")) >= 0) {
                            String event = pending.substring(0, end);
                            pending.delete(0, end + 2);
                            if (event.contains("notifications/tools/list_changed")) changes.add(at);
                        }
                    }
                })
                .await(30, TimeUnit.SECONDS);
        java.net.URI base = java.net.URI.create(admin);
        Histogram added = new Histogram(MAX_LATENCY_NS, 3);
        Histogram removed = new Histogram(MAX_LATENCY_NS, 3);
        int missed = 0;
        for (int round = 0; round < warmup + rounds; round++) {
            String name = "reload" + round;
            JsonObject entry = new JsonObject().put("name", name).put("url", upstream + "/s/" + (100_000 + round) + "/mcp");
            for (int st = 0; st < 2; st++) {
                int step = st;
                changes.clear();
                long t0 = System.nanoTime();
                io.vertx.core.http.RequestOptions o = new io.vertx.core.http.RequestOptions()
                        .setHost(base.getHost()).setPort(base.getPort())
                        .setMethod(step == 0 ? io.vertx.core.http.HttpMethod.POST : io.vertx.core.http.HttpMethod.DELETE)
                        .setURI(step == 0 ? "/api/v1/services" : "/api/v1/services/" + name)
                        .putHeader("Content-Type", "application/json");
                var answer = http.request(o)
                        .compose(req -> step == 0 ? req.send(entry.toBuffer()) : req.send())
                        .compose(r -> r.body().map(b -> new Object[] {r.statusCode(), b.toString()}))
                        .await(30, TimeUnit.SECONDS);
                int status = (Integer) answer[0];
                if (status / 100 != 2) {
                    JsonObject out = new JsonObject()
                            .put("measurable", false)
                            .put("reason", (step == 0 ? "POST /api/v1/services" : "DELETE /api/v1/services/" + name)
                                    + " answered HTTP " + status + ": the gateway has no admin API for services yet");
                    System.out.println(out.encode());
                    return;
                }
                Long at = changes.poll(10, TimeUnit.SECONDS);
                if (at == null) {
                    missed++;
                } else if (round >= warmup) {
                    (step == 0 ? added : removed).recordValue(Math.min(at - t0, MAX_LATENCY_NS));
                }
                Thread.sleep(100); // late duplicates (resources, prompts, a second router) belong to this round
            }
        }
        JsonObject out = new JsonObject()
                .put("measurable", true)
                .put("rounds", rounds)
                .put("missed", missed)
                .put("add", stats(added, 1).put("count", added.getTotalCount()))
                .put("remove", stats(removed, 1).put("count", removed.getTotalCount()));
        System.out.println(out.encode());
    }

    /**
     * Sends a request from its event loop. Sent from the main thread, its response can arrive before the main thread
     * has chained the reading of its body, whose data is then lost and the request never completes (seen as
     * {@code list} waiting 60 s on a busy machine, most often on the first page).
     */
    private static <T> Future<T> onLoop(Context loop, Supplier<Future<T>> request) {
        Promise<T> done = Promise.promise();
        loop.runOnContext(v -> request.get().onComplete(done));
        return done.future();
    }

    private static Vertx vertx() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        McpSession.vertx = vertx;
        return vertx;
    }

    private static HttpClient client(Vertx vertx, int connections) {
        return vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(10_000),
                new PoolOptions().setHttp1MaxSize(Math.max(1, connections)).setMaxWaitQueueSize(-1));
    }

    private static JsonObject stats(Histogram h, double seconds) {
        return new JsonObject()
                .put("count", h.getTotalCount())
                .put("seconds", round(seconds))
                .put("rps", round(h.getTotalCount() / seconds))
                .put("mean_ms", round(h.getMean() / 1e6))
                .put("p50_ms", round(h.getValueAtPercentile(50) / 1e6))
                .put("p90_ms", round(h.getValueAtPercentile(90) / 1e6))
                .put("p99_ms", round(h.getValueAtPercentile(99) / 1e6))
                .put("p999_ms", round(h.getValueAtPercentile(99.9) / 1e6))
                .put("max_ms", round(h.getMaxValue() / 1e6));
    }

    private static double[] cpu(List<String[]> pids) {
        double[] out = new double[pids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ProcessCpu.seconds(Long.parseLong(pids.get(i)[1]));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
