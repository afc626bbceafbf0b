package io.mcpstore.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.bus.Addresses;
import io.mcpstore.config.StoreSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole gateway's audit log: entries sent on its bus are answered by its {@code AUDIT_QUERY}, kept in the file
 * beside the config file, or in the PostgreSQL store's schema (a fresh one per run, dropped after), and found again
 * by the next gateway on the same store.
 */
@Timeout(120)
class AuditGatewayTest {
    static final String SCHEMA =
            "mcpstore_auditgw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @TempDir
    Path dir;

    @AfterAll
    static void dropSchema() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn = PgConnection.connect(vertx, PgConnectOptions.fromUri(AuditVerticleTest.URL))
                    .await(10, TimeUnit.SECONDS);
            conn.query("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE").execute().await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static JsonObject query(TestGateway gateway, JsonObject q) throws Exception {
        return gateway.store()
                .vertx()
                .eventBus()
                .<JsonObject>request(Addresses.AUDIT_QUERY, q)
                .await(30, TimeUnit.SECONDS)
                .body();
    }

    private static void send(TestGateway gateway, JsonObject entry) {
        gateway.store().vertx().eventBus().send(Addresses.AUDIT_RECORD, entry);
    }

    private static JsonObject toolCall(String who, String tool, String outcome) {
        return new JsonObject()
                .put("kind", "tool")
                .put("who", who)
                .put("via", "key")
                .put("role", "client")
                .put("action", "tools/call")
                .put("tool", tool)
                .put("service", "everything")
                .put("outcome", outcome)
                .put("latencyMs", 12)
                .put("argumentBytes", 40)
                .put("remote", "127.0.0.1");
    }

    private void recordsAndAnswers(StoreSettings store) throws Exception {
        String secret = "mcps_Q1w2E3r4T5y6_" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
        try (TestGateway gateway = TestGateway.start(new JsonObject(), store)) {
            send(gateway, toolCall("key:Q1w2E3r4T5y6", "everything__echo", "ok"));
            send(
                    gateway,
                    toolCall("key:Q1w2E3r4T5y6", "everything__add", "denied").put("detail", "sent " + secret));
            send(gateway, toolCall("alice", "everything__echo", "tool_error"));
            JsonObject all = query(gateway, new JsonObject());
            assertThat(all.getJsonArray("entries")).hasSize(3);
            assertThat(all.getJsonArray("entries").getJsonObject(0).getString("who"))
                    .isEqualTo("alice");
            JsonObject denied = query(gateway, new JsonObject().put("outcome", "denied"));
            assertThat(denied.getJsonArray("entries")).hasSize(1);
            JsonObject entry = denied.getJsonArray("entries").getJsonObject(0);
            assertThat(entry.getString("tool")).isEqualTo("everything__add");
            assertThat(entry.getInteger("latencyMs")).isEqualTo(12);
            assertThat(entry.getString("at")).isNotNull();
            assertThat(entry.encode()).doesNotContain("0123456789abcdef");
            JsonObject page = query(
                    gateway, new JsonObject().put("who", "key:Q1w2E3r4T5y6").put("limit", 1));
            assertThat(page.getJsonArray("entries").getJsonObject(0).getString("outcome"))
                    .isEqualTo("denied");
            JsonObject second = query(
                    gateway,
                    new JsonObject()
                            .put("who", "key:Q1w2E3r4T5y6")
                            .put("limit", 1)
                            .put("before", page.getString("next")));
            assertThat(second.getJsonArray("entries").getJsonObject(0).getString("outcome"))
                    .isEqualTo("ok");
            assertThat(second.containsKey("next")).isFalse();
            assertThat(query(gateway, new JsonObject().put("from", "soon"))
                            .getJsonObject("error")
                            .getString("field"))
                    .isEqualTo("from");
        }
        // What a gateway wrote, the next one on the same store reads, and adds to.
        try (TestGateway again = TestGateway.start(new JsonObject(), store)) {
            send(again, toolCall("bob", "everything__echo", "ok"));
            JsonObject all = query(again, new JsonObject());
            assertThat(all.getJsonArray("entries"))
                    .extracting(e -> ((JsonObject) e).getString("who"))
                    .containsExactly("bob", "alice", "key:Q1w2E3r4T5y6", "key:Q1w2E3r4T5y6");
        }
    }

    @Test
    void aFileStoreGatewayKeepsItsAuditLogBesideTheConfigFile() throws Exception {
        Path config = dir.resolve("mcpstore.yaml");
        Files.writeString(config, "services: {}\n");
        recordsAndAnswers(new StoreSettings("file", config.toString(), null, null));
        List<String> lines = Files.readAllLines(dir.resolve("mcpstore.yaml.audit.jsonl"));
        assertThat(lines).hasSize(4);
        assertThat(new JsonObject(lines.get(0)).getString("tool")).isEqualTo("everything__echo");
        assertThat(String.join("\n", lines)).doesNotContain("0123456789abcdef");
    }

    @Test
    void aPostgresStoreGatewayKeepsItsAuditLogInTheStoresSchema() throws Exception {
        StoreSettings store = new StoreSettings("postgres", null, AuditVerticleTest.URL, SCHEMA);
        recordsAndAnswers(store);
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn = PgConnection.connect(vertx, PgConnectOptions.fromUri(AuditVerticleTest.URL))
                    .await(10, TimeUnit.SECONDS);
            var rows = conn.query("SELECT who, outcome, tool, entry::text FROM " + SCHEMA + ".audit ORDER BY id")
                    .execute()
                    .await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
            assertThat(rows.size()).isEqualTo(4);
            var first = rows.iterator().next();
            assertThat(first.getString("who")).isEqualTo("key:Q1w2E3r4T5y6");
            assertThat(first.getString("tool")).isEqualTo("everything__echo");
            rows.forEach(r -> assertThat(r.getString(3)).doesNotContain("0123456789abcdef"));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMemoryStoreGatewayAnswersFromItsRing() throws Exception {
        try (TestGateway gateway = TestGateway.start(new JsonObject())) {
            send(gateway, toolCall("alice", "everything__echo", "ok"));
            assertThat(query(gateway, new JsonObject().put("who", "alice")).getJsonArray("entries"))
                    .hasSize(1);
        }
    }
}
