package io.mcpstore.security;

import static io.mcpstore.security.TestIdentities.await;
import static io.mcpstore.security.TestIdentities.createKey;
import static io.mcpstore.security.TestIdentities.identities;
import static io.mcpstore.security.TestIdentities.op;
import static io.mcpstore.security.TestIdentities.putUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.bus.Addresses;
import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.StoreSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users, keys and the signing key in the config store, on the file store and on PostgreSQL (a fresh schema per run,
 * dropped at the end): they survive a restart, a rollback or an import never changes them, no revision or export
 * shows a hash or the signing key, and every change leaves an audit entry without a secret.
 */
@Timeout(180)
class IdentityStoreTest {
    static final String PG = System.getProperty("mcpstore.test.pg", "postgresql://postgres@127.0.0.1:5432/test");
    static final String SCHEMA =
            "mcpstore_test_ids_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final JsonObject CONFIG =
            new JsonObject().put("services", new JsonObject()).put("security", new JsonObject().put("enabled", true));

    @TempDir
    Path dir;

    @AfterAll
    static void dropSchema() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn =
                    PgConnection.connect(vertx, PgConnectOptions.fromUri(PG)).await(10, TimeUnit.SECONDS);
            conn.query("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE").execute().await(10, TimeUnit.SECONDS);
            conn.close().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void onTheFileStore() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "services: {}\nsecurity:\n  enabled: true\n");
        StoreSettings store = StoreSettings.fromJson(null, file.toString());
        identitiesLive(store, store);
        String yaml = Files.readString(file);
        assertThat(yaml).contains("passwordHash").doesNotContain("alice-secret-1");
    }

    @Test
    void onPostgres() throws Exception {
        StoreSettings store = new StoreSettings("postgres", null, PG, SCHEMA);
        identitiesLive(store, store);
    }

    private void identitiesLive(StoreSettings first, StoreSettings again) {
        JsonObject config = CONFIG.copy();
        String keyText;
        String keyId;
        String token;
        JsonObject before;
        List<JsonObject> audit = new CopyOnWriteArrayList<>();
        try (TestGateway gateway = TestGateway.start(config, first)) {
            TestIdentities.vertx(gateway).eventBus().addOutboundInterceptor(ctx -> {
                if (Addresses.AUDIT_RECORD.equals(ctx.message().address())) {
                    audit.add(((JsonObject) ctx.body()).copy());
                }
                ctx.next();
            });
            long start = revision(gateway);
            // something for the rollbacks to change besides the identities
            op(
                    gateway,
                    new JsonObject()
                            .put("op", "app.create")
                            .put("name", "team")
                            .put("entry", new JsonObject().put("services", new JsonArray())));
            assertThat(identities(gateway).getJsonObject("signing").getString("jwtKey"))
                    .hasSize(43);
            putUser(gateway, "alice", "operator", "alice-secret-1");
            JsonObject key = createKey(gateway, "ci", "client", null, List.of("fx__*"));
            keyText = key.getString("key");
            keyId = key.getString("id");
            JsonObject doomed = createKey(gateway, "doomed", "viewer", null, null);
            long withDoomed = revision(gateway);
            op(gateway, new JsonObject().put("op", "key.delete").put("name", doomed.getString("id")));
            before = identities(gateway);

            var auth = TestIdentities.authenticator(gateway);
            token = auth.call(() -> auth.it().login("alice", "alice-secret-1"));
            auth.call(() -> auth.it().close());

            // A rollback, to before alice and the keys or to when the revoked key still existed, keeps today's.
            op(gateway, new JsonObject().put("op", "rollback").put("revision", start));
            assertThat(identities(gateway)).isEqualTo(before);
            op(gateway, new JsonObject().put("op", "rollback").put("revision", withDoomed));
            assertThat(identities(gateway)).isEqualTo(before);
            assertThat(identities(gateway).getJsonObject("keys").containsKey(doomed.getString("id")))
                    .isFalse();
            // An import, replacing or merging, does not bring its own.
            JsonObject imported = new JsonObject()
                    .put("services", new JsonObject())
                    .put("users", new JsonObject().put("mallory", new JsonObject().put("role", "admin")))
                    .put("keys", new JsonObject())
                    .put("signing", new JsonObject().put("jwtKey", "chosen-by-the-attacker"));
            for (String mode : List.of("replace", "merge")) {
                op(
                        gateway,
                        new JsonObject().put("op", "import").put("mode", mode).put("document", imported));
                assertThat(identities(gateway)).isEqualTo(before);
            }

            // No revision shows a hash or the signing key.
            JsonObject latest = await(TestIdentities.vertx(gateway)
                    .eventBus()
                    .<JsonObject>request(Addresses.CONFIG_REVISION, new JsonObject().put("revision", withDoomed))
                    .map(m -> m.body()));
            assertThat(latest.getJsonObject("document").getJsonObject("users").containsKey("alice"))
                    .isTrue();
            String shown = latest.encode()
                    + ConfigDocument.exportDocument(snapshot(gateway).getJsonObject("document"))
                            .encode()
                    + ConfigDocument.redactDocument(snapshot(gateway).getJsonObject("document"))
                            .encode();
            assertThat(shown)
                    .doesNotContain("passwordHash")
                    .doesNotContain("\"hash\"")
                    .doesNotContain(before.getJsonObject("signing").getString("jwtKey"))
                    .doesNotContain("signing");
        }

        // The audit entries of those changes: who, what, before/after without secrets, the revision.
        JsonObject userPut = only(audit, "user.put", "alice");
        assertThat(userPut.getString("kind")).isEqualTo("admin");
        assertThat(userPut.getString("who")).isEqualTo("test");
        assertThat(userPut.getString("outcome")).isEqualTo("ok");
        assertThat(userPut.getLong("revision")).isPositive();
        assertThat(userPut.getJsonObject("after").getString("role")).isEqualTo("operator");
        assertThat(userPut.containsKey("before")).isFalse();
        JsonObject keyCreate = only(audit, "key.create", keyId);
        assertThat(keyCreate.getJsonObject("after").getString("name")).isEqualTo("ci");
        JsonObject keyDelete = audit.stream()
                .filter(e -> "key.delete".equals(e.getString("action")))
                .findFirst()
                .orElseThrow();
        assertThat(keyDelete.getJsonObject("before").getString("name")).isEqualTo("doomed");
        assertThat(keyDelete.containsKey("after")).isFalse();
        assertThat(audit.stream()
                        .filter(e -> "rollback".equals(e.getString("action")))
                        .count())
                .isEqualTo(2);
        String all = new JsonArray(audit).encode();
        assertThat(all)
                .doesNotContain("alice-secret-1")
                .doesNotContain(keyText)
                .doesNotContain("passwordHash")
                .doesNotContain("\"hash\"")
                .doesNotContain(before.getJsonObject("signing").getString("jwtKey"));

        // After a restart: the same users, keys and signing key; the key and the JWT from before still work.
        try (TestGateway gateway = TestGateway.start(config, again)) {
            assertThat(identities(gateway)).isEqualTo(before);
            var auth = TestIdentities.authenticator(gateway);
            try {
                assertThat(auth.call(() -> auth.it().authenticate("Bearer " + keyText))
                                .subject())
                        .isEqualTo("key:" + keyId);
                assertThat(auth.call(() -> auth.it().authenticate("Bearer " + token))
                                .subject())
                        .isEqualTo("alice");
            } finally {
                auth.call(() -> auth.it().close());
            }
        }
    }

    private static JsonObject only(List<JsonObject> audit, String action, String target) {
        List<JsonObject> found = audit.stream()
                .filter(e -> action.equals(e.getString("action")) && target.equals(e.getString("target")))
                .toList();
        assertThat(found).as(action + " " + target + " in " + audit).hasSize(1);
        return found.get(0);
    }

    private static JsonObject snapshot(TestGateway gateway) {
        return await(TestIdentities.vertx(gateway)
                .eventBus()
                .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject())
                .map(m -> m.body()));
    }

    private static long revision(TestGateway gateway) {
        return snapshot(gateway).getLong("revision");
    }
}
