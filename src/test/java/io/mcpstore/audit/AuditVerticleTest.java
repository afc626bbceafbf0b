package io.mcpstore.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.StoreSettings;
import io.mcpstore.security.SecurityConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit verticle on each store — memory, a rotating file, PostgreSQL (a fresh schema per run, dropped after;
 * {@code -Dmcpstore.test.pg}) — recording over the bus and answering queries with every filter and across pages.
 */
@Timeout(120)
class AuditVerticleTest {
    static final String URL = System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    static final String SCHEMA =
            "mcpstore_audit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private static Vertx pgVertx;

    @TempDir
    Path dir;

    private Vertx vertx;
    private String deployment;

    @BeforeAll
    static void reachable() throws Exception {
        pgVertx = Vertx.vertx();
        try {
            PgConnection conn =
                    PgConnection.connect(pgVertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("PostgreSQL is needed at " + URL + " (set -Dmcpstore.test.pg): " + e, e);
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        PgConnection conn =
                PgConnection.connect(pgVertx, PgConnectOptions.fromUri(URL)).await(10, TimeUnit.SECONDS);
        for (String s : List.of(SCHEMA + "_a", SCHEMA + "_b", SCHEMA + "_c")) {
            conn.query("DROP SCHEMA IF EXISTS " + s + " CASCADE").execute().await(10, TimeUnit.SECONDS);
        }
        conn.close().await(10, TimeUnit.SECONDS);
        pgVertx.close().await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) vertx.close().await(20, TimeUnit.SECONDS);
    }

    static Stream<String> stores() {
        return Stream.of("memory", "file", "postgres");
    }

    private StoreSettings settings(String type, String schemaSuffix) {
        return switch (type) {
            case "file" ->
                new StoreSettings("file", dir.resolve("mcpstore.yaml").toString(), null, null);
            case "postgres" -> new StoreSettings("postgres", null, URL, SCHEMA + schemaSuffix);
            default -> StoreSettings.memory();
        };
    }

    private void deploy(StoreSettings store, SecurityConfig.Audit audit) throws Exception {
        if (vertx == null) vertx = Vertx.vertx();
        deployment = vertx.deployVerticle(
                        new AuditVerticle(),
                        new DeploymentOptions().setConfig(AuditVerticle.deploymentConfig(store, audit)))
                .await(30, TimeUnit.SECONDS);
    }

    private void redeploy(StoreSettings store, SecurityConfig.Audit audit) throws Exception {
        vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
        deploy(store, audit);
    }

    private void record(JsonObject entry) {
        vertx.eventBus().send(Addresses.AUDIT_RECORD, entry);
    }

    private JsonObject query(JsonObject q) throws Exception {
        return vertx.eventBus()
                .<JsonObject>request(Addresses.AUDIT_QUERY, q)
                .await(30, TimeUnit.SECONDS)
                .body();
    }

    private static JsonObject entry(int i) {
        return new JsonObject()
                .put(
                        "at",
                        Instant.parse("2026-12-01T00:00:00Z")
                                .plusSeconds(60L * i)
                                .toString())
                .put("kind", i % 3 == 0 ? "admin" : "tool")
                .put("who", i % 2 == 0 ? "alice" : "key:k1")
                .put("via", "user")
                .put("action", "tools/call")
                .put("tool", "t" + (i % 4))
                .put("outcome", i % 5 == 0 ? "denied" : "ok")
                .put("seq", i)
                .put("custom", new JsonObject().put("kept", true));
    }

    private static List<Integer> seqs(JsonObject reply) {
        List<Integer> out = new ArrayList<>();
        reply.getJsonArray("entries").forEach(e -> out.add(((JsonObject) e).getInteger("seq")));
        return out;
    }

    /** Every page of a query, following next; the seqs newest first. */
    private List<Integer> allPages(JsonObject q) throws Exception {
        List<Integer> out = new ArrayList<>();
        JsonObject page = query(q);
        out.addAll(seqs(page));
        int pages = 1;
        while (page.getString("next") != null) {
            page = query(q.copy().put("before", page.getString("next")));
            out.addAll(seqs(page));
            assertThat(++pages).isLessThan(100);
        }
        return out;
    }

    private static List<Integer> expected(int n, java.util.function.IntPredicate p) {
        List<Integer> out = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) if (p.test(i)) out.add(i);
        return out;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void recordsAndQueriesWithEveryFilterAndPaging(String type) throws Exception {
        deploy(settings(type, "_a"), SecurityConfig.Audit.DEFAULT);
        int n = 47;
        for (int i = 0; i < n; i++) record(entry(i));

        JsonObject first = query(new JsonObject().put("limit", 10));
        assertThat(seqs(first)).containsExactly(46, 45, 44, 43, 42, 41, 40, 39, 38, 37);
        assertThat(first.getString("next")).isNotNull();
        JsonObject one = first.getJsonArray("entries").getJsonObject(0);
        assertThat(one.getLong("id")).isNotNull();
        assertThat(one.getString("at")).isEqualTo("2026-12-01T00:46:00Z");
        assertThat(one.getJsonObject("custom")).isEqualTo(new JsonObject().put("kept", true));
        assertThat(one.getString("via")).isEqualTo("user");

        assertThat(allPages(new JsonObject().put("limit", 10))).isEqualTo(expected(n, i -> true));
        assertThat(allPages(new JsonObject().put("limit", 4).put("who", "alice")))
                .isEqualTo(expected(n, i -> i % 2 == 0));
        assertThat(allPages(new JsonObject().put("limit", "3").put("tool", "t1")))
                .isEqualTo(expected(n, i -> i % 4 == 1));
        assertThat(allPages(new JsonObject().put("outcome", "denied"))).isEqualTo(expected(n, i -> i % 5 == 0));
        assertThat(allPages(new JsonObject().put("kind", "admin").put("limit", 5)))
                .isEqualTo(expected(n, i -> i % 3 == 0));
        assertThat(allPages(new JsonObject()
                        .put("from", "2026-12-01T00:10:00Z")
                        .put("to", "2026-12-01T00:20:00Z")
                        .put("limit", 4)))
                .isEqualTo(expected(n, i -> i >= 10 && i <= 20));
        assertThat(allPages(new JsonObject()
                        .put("who", "alice")
                        .put("kind", "tool")
                        .put("outcome", "ok")
                        .put("from", "2026-12-01T00:05:00Z")))
                .isEqualTo(expected(n, i -> i % 2 == 0 && i % 3 != 0 && i % 5 != 0 && i >= 5));
        JsonObject last = query(new JsonObject().put("limit", 47));
        assertThat(last.getJsonArray("entries")).hasSize(47);
        assertThat(last.containsKey("next")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aBadFilterIs400NamingTheField(String type) throws Exception {
        deploy(settings(type, "_b"), SecurityConfig.Audit.DEFAULT);
        for (String[] bad : new String[][] {
            {"from", "yesterday"}, {"to", "12:00"}, {"limit", "0"}, {"limit", "1001"}, {"limit", "ten"}, {"before", "x"}
        }) {
            JsonObject reply = query(new JsonObject().put(bad[0], bad[1]));
            JsonObject error = reply.getJsonObject("error");
            assertThat(error).as(bad[0] + "=" + bad[1]).isNotNull();
            assertThat(error.getInteger("status")).isEqualTo(400);
            assertThat(error.getString("field")).isEqualTo(bad[0]);
        }
        JsonObject reversed =
                query(new JsonObject().put("from", "2026-12-02T00:00:00Z").put("to", "2026-12-01T00:00:00Z"));
        assertThat(reversed.getJsonObject("error").getString("field")).isEqualTo("to");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aSecretShapedValueNeverReachesTheStore(String type) throws Exception {
        deploy(settings(type, "_c"), SecurityConfig.Audit.DEFAULT);
        String apiKey = "mcps_AbCdEfGhIjKl_" + "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tAA";
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
        record(new JsonObject()
                .put("kind", "admin")
                .put("who", "alice")
                .put("action", "user.put")
                .put("outcome", "ok")
                .put("detail", "called with Bearer " + jwt + " and " + apiKey)
                .put(
                        "after",
                        new JsonObject()
                                .put("role", "viewer")
                                .put("password", "hunter2hunter2")
                                .put("passwordHash", "$pbkdf2-sha512$i=1000$c2FsdA$aGFzaA")
                                .put("tokenTtlSeconds", 3600)
                                .put(
                                        "env",
                                        new JsonObject()
                                                .put("GITHUB_TOKEN", "ghp_literal")
                                                .put("REF", "${env:X}")))
                .put("arguments", new JsonObject().put("text", "use " + apiKey))
                .put("headers", new JsonObject().put("Authorization", "Basic dXNlcjpwYXNz")));
        JsonObject stored = query(new JsonObject().put("who", "alice"))
                .getJsonArray("entries")
                .getJsonObject(0);
        String text = stored.encode();
        for (String secret : List.of(
                "s3cr3tS3cr3t", jwt, "eyJzdWIi", "hunter2", "pbkdf2", "aGFzaA", "ghp_literal", "dXNlcjpwYXNz")) {
            assertThat(text).as("stored: " + text).doesNotContain(secret);
        }
        assertThat(stored.getJsonObject("after").getString("role")).isEqualTo("viewer");
        assertThat(stored.getJsonObject("after").getInteger("tokenTtlSeconds")).isEqualTo(3600);
        assertThat(stored.getJsonObject("after").getJsonObject("env").getString("REF"))
                .isEqualTo("${env:X}");
        assertThat(stored.getString("at")).isNotNull();
        if (type.equals("file")) {
            String onDisk = Files.readString(dir.resolve("mcpstore.yaml.audit.jsonl"));
            assertThat(onDisk)
                    .contains("user.put")
                    .doesNotContain("s3cr3tS3cr3t")
                    .doesNotContain("hunter2");
        }
    }

    @Test
    void theFileRotatesAndQueriesReadEveryKeptFileNewestFirst() throws Exception {
        SecurityConfig.Audit audit = new SecurityConfig.Audit(null, 2048, 3, 10);
        StoreSettings store = settings("file", "");
        deploy(store, audit);
        int n = 60;
        for (int i = 0; i < n; i++) {
            record(entry(i));
            if (i % 7 == 0) query(new JsonObject().put("limit", 1)); // several batches, not one
        }
        assertThat(query(new JsonObject().put("limit", 1)).getJsonArray("entries"))
                .hasSize(1);
        Path current = dir.resolve("mcpstore.yaml.audit.jsonl");
        List<Path> kept = List.of(
                current,
                dir.resolve("mcpstore.yaml.audit.jsonl.1"),
                dir.resolve("mcpstore.yaml.audit.jsonl.2"),
                dir.resolve("mcpstore.yaml.audit.jsonl.3"));
        for (Path p : kept) {
            assertThat(p).exists();
            assertThat(Files.size(p)).isLessThanOrEqualTo(2048);
        }
        assertThat(dir.resolve("mcpstore.yaml.audit.jsonl.4")).doesNotExist();
        List<Integer> all = allPages(new JsonObject().put("limit", 7));
        // The oldest went with the file beyond keep; what is left is the newest, in order, without a gap.
        assertThat(all).isNotEmpty().hasSizeLessThan(n);
        assertThat(all).isEqualTo(expected(n, i -> i > n - 1 - all.size()));

        // A restart goes on numbering after the last entry.
        long newest = query(new JsonObject().put("limit", 1))
                .getJsonArray("entries")
                .getJsonObject(0)
                .getLong("id");
        redeploy(store, audit);
        record(entry(100));
        JsonObject after = query(new JsonObject().put("limit", 2));
        assertThat(seqs(after)).containsExactly(100, 59);
        assertThat(after.getJsonArray("entries").getJsonObject(0).getLong("id")).isGreaterThan(newest);
    }

    @Test
    void theMemoryRingKeepsTheNewest() throws Exception {
        deploy(StoreSettings.memory(), new SecurityConfig.Audit(null, 1024 * 1024, 1, 5));
        for (int i = 0; i < 12; i++) record(entry(i));
        assertThat(allPages(new JsonObject().put("limit", 2))).containsExactly(11, 10, 9, 8, 7);
    }

    @Test
    void aBurstBeyondTheQueueIsDroppedNotHeld() throws Exception {
        vertx = Vertx.vertx();
        AuditVerticle verticle = new AuditVerticle();
        vertx.deployVerticle(
                        verticle,
                        new DeploymentOptions()
                                .setConfig(AuditVerticle.deploymentConfig(
                                        settings("file", ""), SecurityConfig.Audit.DEFAULT)))
                .await(30, TimeUnit.SECONDS);
        int burst = AuditVerticle.QUEUE_CAPACITY + 500;
        // Sent from one task on the verticle's context: every delivery is queued before the first write can end,
        // so the first entry is being written while the rest fill the queue.
        // The first query is sent after them from the same task, so it comes after every one of them.
        io.vertx.core.Promise<JsonObject> first = io.vertx.core.Promise.promise();
        verticle.context().runOnContext(v -> {
            for (int i = 0; i < burst; i++) record(entry(i));
            vertx.eventBus()
                    .<JsonObject>request(Addresses.AUDIT_QUERY, new JsonObject().put("limit", 1000))
                    .map(io.vertx.core.eventbus.Message::body)
                    .onComplete(first);
        });
        JsonObject page = first.future().await(60, TimeUnit.SECONDS);
        int total = page.getJsonArray("entries").size();
        while (page.getString("next") != null) {
            page = query(new JsonObject().put("limit", 1000).put("before", page.getString("next")));
            total += page.getJsonArray("entries").size();
        }
        assertThat(total).isEqualTo(AuditVerticle.QUEUE_CAPACITY + 1);
        assertThat(seqs(query(new JsonObject().put("limit", 1)))).containsExactly(AuditVerticle.QUEUE_CAPACITY);
    }
}
