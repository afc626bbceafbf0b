package io.mcpstore.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sealed session ids: what one cluster seals opens there and nowhere else, and a changed id opens nowhere. */
@Timeout(30)
class SessionSealTest {
    private static final SessionSeal.Facts FACTS = new SessionSeal.Facts(
            "node-1",
            "/research",
            "alice",
            "2025-11-25",
            new JsonObject().put("elicitation", new JsonObject()),
            "client",
            "1.0",
            1_700_000_000_000L);

    private static SessionSeal seal(String secret) {
        return new SessionSeal(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIdOpensToItsFactsUnderTheKeyThatSealedIt() {
        SessionSeal seal = seal("cluster a");
        String id = seal.seal(FACTS);
        assertThat(id).startsWith(SessionSeal.PREFIX).matches("[A-Za-z0-9._-]+");
        assertThat(seal.open(id)).isEqualTo(FACTS);
        // Another node of the same cluster (same secret) opens it too; two seals of one session differ.
        assertThat(seal("cluster a").open(id)).isEqualTo(FACTS);
        assertThat(seal.seal(FACTS)).isNotEqualTo(id);
    }

    @Test
    void anIdSealedByAnotherClusterDoesNotOpen() {
        String id = seal("cluster a").seal(FACTS);
        assertThat(seal("cluster b").open(id)).isNull();
    }

    @Test
    void aTamperedIdDoesNotOpen() {
        SessionSeal seal = seal("cluster a");
        String id = seal.seal(FACTS);
        List<String> tampered = new ArrayList<>();
        for (int i = SessionSeal.PREFIX.length(); i < id.length(); i++) {
            char c = id.charAt(i);
            tampered.add(id.substring(0, i) + (c == 'A' ? 'B' : 'A') + id.substring(i + 1));
        }
        tampered.add(id.substring(0, id.length() - 1));
        tampered.add(id + "A");
        tampered.add(id.replace(SessionSeal.PREFIX, "c2."));
        tampered.add(SessionSeal.PREFIX);
        tampered.add(SessionSeal.PREFIX + "!!!");
        tampered.add(null);
        for (String t : tampered) {
            assertThat(seal.open(t)).as(t).isNull();
        }
    }

    @Test
    void largeCapabilitiesAreCutToTheRelayedOnes() {
        JsonObject big = new JsonObject()
                .put("sampling", new JsonObject())
                .put("roots", new JsonObject().put("listChanged", true))
                .put("experimental", new JsonObject().put("blob", "x".repeat(5000)));
        assertThat(SessionSeal.carried(big))
                .isEqualTo(new JsonObject()
                        .put("sampling", new JsonObject())
                        .put("roots", new JsonObject().put("listChanged", true)));
        JsonObject small = new JsonObject().put("experimental", new JsonObject().put("x", 1));
        assertThat(SessionSeal.carried(small)).isEqualTo(small);
    }

    @Test
    void aClusteredStoreSealsItsSessionsAndServesOnlyLiveMembersSessions() {
        AtomicLong now = new AtomicLong(1_000);
        List<String> closed = new ArrayList<>();
        SessionStore store = new SessionStore(new GatewayConfig.Sessions(60_000, 10), now::get, id -> {});
        SessionSeal seal = seal("cluster a");
        store.clustered(seal, "n1", Set.of("n1", "n2"), closed::add);
        JsonObject init = new JsonObject()
                .put("capabilities", new JsonObject().put("sampling", new JsonObject()))
                .put("clientInfo", new JsonObject().put("name", "c").put("version", "2"));
        Session mine = store.open("", "alice", "2025-11-25", init);
        assertThat(seal.open(mine.id()).owner()).isEqualTo("n1");
        assertThat(seal.open(mine.id()).capabilities()).isEqualTo(init.getJsonObject("capabilities"));
        assertThat(store.get(mine.id())).isEqualTo(mine);
        // Its own id is no remote session; a session of live member n2 is; of a node not in the cluster, none.
        assertThat(store.remoteFacts(mine.id())).isNull();
        String ofN2 = seal.seal(FACTS_OF("n2"));
        String ofN9 = seal.seal(FACTS_OF("n9"));
        assertThat(store.remoteFacts(ofN2)).isNotNull();
        assertThat(store.remoteFacts(ofN9)).isNull();
        assertThat(store.remoteFacts(seal("cluster b").seal(FACTS_OF("n2")))).isNull();
        Session adopted = store.adopt(ofN2, store.remoteFacts(ofN2));
        assertThat(store.get(ofN2)).isEqualTo(adopted);
        assertThat(store.owner(ofN2)).isEqualTo("n2");
        store.answering(ofN2);
        assertThat(store.drainUsed()).containsEntry("n2", List.of(ofN2));
        // The owner closed a session while it confirmed it: not adopted.
        String closedMeanwhile = seal.seal(FACTS_OF("n2"));
        store.checking(closedMeanwhile, false);
        store.forget(closedMeanwhile);
        assertThat(store.adopt(closedMeanwhile, store.remoteFacts(closedMeanwhile)))
                .isNull();
        assertThat(store.get(closedMeanwhile)).isNull();
        // n2 leaves: its sessions are gone here.
        store.members(Set.of("n1"));
        assertThat(store.get(ofN2)).isNull();
        // Closing one of its own tells the cluster.
        assertThat(store.close(mine.id())).isTrue();
        assertThat(closed).containsExactly(mine.id());
    }

    private static SessionSeal.Facts FACTS_OF(String owner) {
        return new SessionSeal.Facts(
                owner, "", "alice", "2025-11-25", new JsonObject(), null, null, 1_700_000_000_000L);
    }
}
