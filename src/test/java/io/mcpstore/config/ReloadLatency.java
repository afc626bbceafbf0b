package io.mcpstore.config;

import io.mcpstore.McpSession;
import io.mcpstore.SessionStream;
import io.mcpstore.TestGateway;
import io.mcpstore.fixture.FixtureOptions;
import io.mcpstore.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures the time from an admin API change to {@code notifications/tools/list_changed} at a connected
 * client, for the file store (one gateway) and the PostgreSQL store (change made through gateway A, client on
 * gateway B, two gateways sharing one database). Run with {@code java -cp target/test-classes:target/classes:<deps>
 * io.mcpstore.config.ReloadLatency [rounds] [pg-url]}.
 */
public final class ReloadLatency {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String pg = args.length > 1 ? args[1] : PostgresConfigStoreTest.URL;
        Vertx vertx = Vertx.vertx();
        FixtureServer.Running upstream =
                FixtureServer.startHttp(vertx, FixtureOptions.defaults()).await(10, TimeUnit.SECONDS);
        try {
            Path dir = Files.createTempDirectory("mcpstore-latency");
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, "services: {}\n");
            try (TestGateway a = TestGateway.start(new JsonObject(), StoreSettings.fromJson(null, file.toString()))) {
                report("file", measure(a, a, upstream.url(), rounds));
            }
            String schema = "mcpstore_latency_" + ProcessHandle.current().pid();
            StoreSettings store = new StoreSettings("postgres", null, pg, schema);
            try (TestGateway a = TestGateway.start(new JsonObject(), store);
                    TestGateway b = TestGateway.start(new JsonObject(), store)) {
                report("postgres, A→B", measure(a, b, upstream.url(), rounds));
            } finally {
                PgConnection conn = PgConnection.connect(vertx, PgConnectOptions.fromUri(pg))
                        .await(10, TimeUnit.SECONDS);
                conn.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
                        .execute()
                        .await(10, TimeUnit.SECONDS);
                conn.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            upstream.close().await(10, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private record Sample(List<Double> add, List<Double> remove) {}

    /** Adds and removes an HTTP service through {@code writer}'s API; times list_changed on {@code reader}'s client. */
    private static Sample measure(TestGateway writer, TestGateway reader, String upstreamUrl, int rounds)
            throws Exception {
        McpSession session = McpSession.open(reader, "/mcp");
        List<Double> add = new ArrayList<>();
        List<Double> remove = new ArrayList<>();
        try (SessionStream stream = SessionStream.open(reader.url(), "/mcp", session.id())) {
            for (int i = -3; i < rounds; i++) { // three warm-up rounds
                String name = "m" + (i + 3);
                stream.clear();
                long t0 = System.nanoTime();
                send(
                        writer,
                        "POST",
                        "/api/v1/services",
                        new JsonObject().put("name", name).put("url", upstreamUrl));
                if (stream.await("notifications/tools/list_changed", 10) == null)
                    throw new AssertionError("no list_changed (add)");
                long t1 = System.nanoTime();
                stream.clear();
                long t2 = System.nanoTime();
                send(writer, "DELETE", "/api/v1/services/" + name, null);
                if (stream.await("notifications/tools/list_changed", 10) == null)
                    throw new AssertionError("no list_changed (remove)");
                long t3 = System.nanoTime();
                if (i >= 0) {
                    add.add((t1 - t0) / 1e6);
                    remove.add((t3 - t2) / 1e6);
                }
            }
        }
        return new Sample(add, remove);
    }

    private static void send(TestGateway gateway, String method, String path, JsonObject body) {
        var response = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode()))
                .build());
        if (response.statusCode() >= 300) throw new AssertionError(method + " " + path + ": " + response.body());
    }

    private static void report(String store, Sample s) {
        System.out.printf("%-14s add service → list_changed: %s%n", store, stats(s.add()));
        System.out.printf("%-14s remove service → list_changed: %s%n", store, stats(s.remove()));
    }

    private static String stats(List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format(
                "n=%d median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms",
                sorted.size(),
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1),
                sorted.get(0),
                sorted.get(sorted.size() - 1));
    }
}
