package io.mcpstore.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentitiesTest {
    static final String HASH = "$pbkdf2$it=210000$c2FsdA$aGFzaA";
    static final String KEY_HASH = "0".repeat(64);
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void storedSectionsBecomePrincipals() {
        var users = Identities.users(new JsonObject()
                .put(
                        "ann",
                        new JsonObject()
                                .put("role", "viewer")
                                .put("passwordHash", HASH)
                                .put("apps", new JsonArray().add("a"))
                                .put("tools", new JsonArray().add("x*"))));
        Principal ann = users.get("ann").principal(5_000);
        assertThat(ann.subject()).isEqualTo("ann");
        assertThat(ann.role()).isEqualTo(Role.VIEWER);
        assertThat(ann.apps()).containsExactly("a");
        assertThat(ann.mayUseTool("xy")).isTrue();
        assertThat(ann.mayUseTool("y")).isFalse();
        var keys = Identities.keys(new JsonObject()
                .put(
                        "abcdefghijkl",
                        new JsonObject()
                                .put("name", "ci")
                                .put("role", "client")
                                .put("hash", KEY_HASH)
                                .put("expiresAt", "2027-01-01T00:00:00Z")));
        Identities.Key k = keys.get("abcdefghijkl");
        assertThat(k.principal().subject()).isEqualTo("key:abcdefghijkl");
        assertThat(k.expiresAt())
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
        assertThat(k.expired(k.expiresAt())).isTrue();
        assertThat(k.expired(k.expiresAt() - 1)).isFalse();
    }

    @Test
    void badStoredEntriesNameTheirKey() {
        assertThat(storedUserError(new JsonObject().put("role", "god").put("passwordHash", HASH)))
                .isEqualTo("users.u.role");
        assertThat(storedUserError(new JsonObject().put("role", "admin"))).isEqualTo("users.u.passwordHash");
        assertThat(storedUserError(new JsonObject()
                        .put("role", "admin")
                        .put("passwordHash", HASH)
                        .put("pw", "x")))
                .isEqualTo("users.u.pw");
        assertThat(storedUserError(new JsonObject()
                        .put("role", "admin")
                        .put("passwordHash", HASH)
                        .put("apps", "a")))
                .isEqualTo("users.u.apps");
        assertThat(storedUserError(new JsonObject()
                        .put("role", "admin")
                        .put("passwordHash", HASH)
                        .put("tools", new JsonArray().add(""))))
                .isEqualTo("users.u.tools");
        assertThatThrownBy(() -> Identities.keys(new JsonObject().put("k", new JsonObject().put("role", "client"))))
                .isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).key())
                .isEqualTo("keys.k.hash");
        assertThatThrownBy(() -> Identities.keys(new JsonObject()
                        .put(
                                "k",
                                new JsonObject()
                                        .put("role", "client")
                                        .put("hash", KEY_HASH)
                                        .put("expiresAt", "soon"))))
                .extracting(e -> ((ConfigException) e).key())
                .isEqualTo("keys.k.expiresAt");
    }

    private static String storedUserError(JsonObject entry) {
        try {
            Identities.users(new JsonObject().put("u", entry));
        } catch (ConfigException e) {
            return e.key();
        }
        throw new AssertionError("accepted: " + entry.encode());
    }

    @Test
    void aUserEntryKeepsWhatIsNotGivenAndNeverTheHash() {
        JsonObject created = Identities.userEntry(
                "dana", new JsonObject().put("role", "operator").put("password", "12345678"), null, Set.of("a"), NOW);
        assertThat(created.encode()).doesNotContain("12345678").doesNotContain("password");
        assertThat(created.getString("role")).isEqualTo("operator");
        assertThat(created.getString("created")).isEqualTo(NOW.toString());
        JsonObject stored = created.copy().put("passwordHash", HASH).put("apps", new JsonArray().add("a"));
        JsonObject changed = Identities.userEntry(
                "dana", new JsonObject().put("tools", new JsonArray().add("a__*")), stored, Set.of("a"), NOW);
        assertThat(changed.getString("role")).isEqualTo("operator");
        assertThat(changed.getJsonArray("apps")).containsExactly("a");
        assertThat(changed.getJsonArray("tools")).containsExactly("a__*");
        assertThat(changed.containsKey("passwordHash")).isFalse();
        JsonObject cleared = Identities.userEntry("dana", new JsonObject().putNull("apps"), stored, Set.of(), NOW);
        assertThat(cleared.containsKey("apps")).isFalse();
    }

    @Test
    void userNamesArePlain() {
        assertThatThrownBy(() -> Identities.userEntry(
                        "../x",
                        new JsonObject().put("role", "viewer").put("password", "12345678"),
                        null,
                        Set.of(),
                        NOW))
                .extracting(e -> ((ConfigException) e).key())
                .isEqualTo("users.name");
    }

    @Test
    void aKeyEntryDefaultsToClientAndRecordsWhoCreatedIt() {
        JsonObject e = Identities.keyEntry(new JsonObject().put("name", "bot"), Set.of(), "alice", NOW);
        assertThat(e.getString("role")).isEqualTo("client");
        assertThat(e.getString("createdBy")).isEqualTo("alice");
        assertThat(e.containsKey("expiresAt")).isFalse();
        JsonObject later = Identities.keyEntry(
                new JsonObject().put("name", "bot").put("expiresAt", "2027-06-01T00:00:00Z"), Set.of(), "alice", NOW);
        assertThat(later.getString("expiresAt")).isEqualTo("2027-06-01T00:00:00Z");
        assertThatThrownBy(() -> Identities.keyEntry(
                        new JsonObject().put("name", "bot").put("secret", "x"), Set.of(), "alice", NOW))
                .extracting(ex -> ((ConfigException) ex).key())
                .isEqualTo("keys.secret");
    }

    @Test
    void shownFormsAndRedactedDocumentsHaveNoHashesOrSigningKey() {
        JsonObject users = new JsonObject()
                .put("ann", new JsonObject().put("role", "viewer").put("passwordHash", HASH));
        JsonObject keys = new JsonObject()
                .put(
                        "abcdefghijkl",
                        new JsonObject().put("name", "ci").put("role", "client").put("hash", KEY_HASH));
        assertThat(Identities.shownUsers(users))
                .containsExactly(new JsonObject().put("name", "ann").put("role", "viewer"));
        assertThat(Identities.shownKeys(keys))
                .containsExactly(new JsonObject()
                        .put("id", "abcdefghijkl")
                        .put("name", "ci")
                        .put("role", "client"));
        JsonObject doc = new JsonObject()
                .put("services", new JsonObject())
                .put("users", users)
                .put("keys", keys)
                .put("signing", new JsonObject().put("jwtKey", "s3cr3t-signing-key"));
        for (JsonObject shown : List.of(ConfigDocument.redactDocument(doc), ConfigDocument.exportDocument(doc))) {
            assertThat(shown.encode())
                    .doesNotContain(HASH)
                    .doesNotContain(KEY_HASH)
                    .doesNotContain("s3cr3t-signing-key")
                    .doesNotContain("signing")
                    .contains("\"ann\"")
                    .contains("abcdefghijkl");
        }
        assertThat(doc.getJsonObject("users").getJsonObject("ann").getString("passwordHash"))
                .isEqualTo(HASH);
    }
}
