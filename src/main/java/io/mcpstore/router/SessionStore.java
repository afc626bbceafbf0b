package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The MCP client sessions of this node, one store shared by every router instance: whichever instance a request
 * lands on checks and updates the same {@link Session}. Every change is atomic ({@link ConcurrentHashMap#compute}
 * on the session's key: two instances changing one session both keep their change), the number open never exceeds
 * {@code sessions.max}, and idle sessions are closed by {@link #expire}. The streams of a session stay with the
 * instance that opened them and are reached through {@code mcpstore.session.<id>}.
 *
 * <p>A {@code ConcurrentHashMap} shared through a {@link Shareable} holder in a Vert.x local map, rather than the
 * local map itself: the local map has compare-and-set ({@code replaceIfPresent}) but no {@code compute}, so each
 * change would be a retry loop comparing whole records, and it cannot admit "one more if fewer than max" atomically.
 */
final class SessionStore {
    private static final String SHARED = "mcpstore.sessions";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The node's store in its Vert.x local map; never copied (copy() of a Shareable is itself). */
    private record Shared(SessionStore store) implements Shareable {}

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    /** Sessions admitted: counted before one is stored, so that concurrent opens never pass {@code max}. */
    private final AtomicInteger admitted = new AtomicInteger();

    private final GatewayConfig.Sessions limits;
    private final LongSupplier clock;
    private final Consumer<String> onClosed;

    /** Another node's session used through this one, as its owner confirmed it. */
    private record Remote(String owner, Session session) {}

    /** Set once the node has joined a cluster: ids are sealed then, and other nodes' sessions are served too. */
    private volatile SessionSeal seal;

    private volatile String node;
    private volatile Set<String> members = Set.of();
    private volatile Consumer<String> closedInCluster = id -> {};
    /**
     * Other nodes' sessions seen here, confirmed by their owners: dropped when the owner closes one (it tells every
     * node), leaves the cluster, or when unused here for the idle timeout.
     */
    private final ConcurrentHashMap<String, Remote> remote = new ConcurrentHashMap<>();
    /** Remote sessions used since their owners were last told (so that they do not close them as idle). */
    private final Set<String> usedRemote = ConcurrentHashMap.newKeySet();
    /**
     * Remote sessions being confirmed by their owners right now, and whether the owner closed one meanwhile (its
     * "open" answer may cross the news of its close on the way; then it is not adopted).
     */
    private final ConcurrentHashMap<String, Boolean> checking = new ConcurrentHashMap<>();

    /**
     * @param clock monotonic milliseconds, for idle times
     * @param onClosed told the id of every session closed (deleted, expired, its legacy stream gone), once
     */
    SessionStore(GatewayConfig.Sessions limits, LongSupplier clock, Consumer<String> onClosed) {
        this.limits = limits;
        this.clock = clock;
        this.onClosed = onClosed;
    }

    /**
     * The store of the node that {@code vertx} runs: made by the first router instance, found by the others. A
     * closed session's streams end and its calls are cancelled on every instance that holds them.
     */
    static SessionStore shared(Vertx vertx, GatewayConfig.Sessions limits) {
        LocalMap<String, Shared> map = vertx.sharedData().getLocalMap(SHARED);
        Shared mine = new Shared(new SessionStore(limits, () -> System.nanoTime() / 1_000_000, id -> {
            vertx.eventBus().publish(Addresses.session(id), new JsonObject().put("close", true));
            vertx.eventBus().publish(Addresses.CALLS_CANCEL, new JsonObject().put("session", id));
        }));
        Shared held = map.putIfAbsent(SHARED, mine);
        return (held == null ? mine : held).store();
    }

    GatewayConfig.Sessions limits() {
        return limits;
    }

    /**
     * The node has joined a cluster as {@code node}: from now on Streamable HTTP session ids are sealed with {@code
     * seal}, sessions of the other {@code members} are served here, and {@code closed} is told of every session
     * closed here (so that the other nodes forget it).
     */
    void clustered(SessionSeal seal, String node, Collection<String> members, Consumer<String> closed) {
        this.node = node;
        this.closedInCluster = closed;
        members(members);
        this.seal = seal;
    }

    boolean clustered() {
        return seal != null;
    }

    String node() {
        return node;
    }

    /** The cluster's members now: the sessions of a node that left are gone (their owner's state died with it). */
    void members(Collection<String> now) {
        members = Set.copyOf(now);
        remote.values().removeIf(r -> !members.contains(r.owner()));
    }

    boolean member(String nodeId) {
        return members.contains(nodeId);
    }

    /**
     * What a sealed id says, when it names a session of another live member (which still has to confirm that the
     * session is open); {@code null} for an id that does not open, names this node, or names a node that left.
     */
    SessionSeal.Facts remoteFacts(String id) {
        SessionSeal s = seal;
        SessionSeal.Facts facts = s == null ? null : s.open(id);
        if (facts == null || facts.owner() == null || facts.owner().equals(node) || !member(facts.owner())) {
            return null;
        }
        return facts;
    }

    /**
     * Serves another node's session here from now on, its owner having confirmed it; {@code null} when the owner has
     * closed it meanwhile.
     */
    Session adopt(String id, SessionSeal.Facts facts) {
        Session session = Session.of(id, facts, clock.getAsLong());
        boolean[] closed = {false};
        checking.compute(id, (k, closedMeanwhile) -> {
            closed[0] = Boolean.TRUE.equals(closedMeanwhile);
            if (!closed[0]) remote.put(id, new Remote(facts.owner(), session));
            return null;
        });
        return closed[0] ? null : session;
    }

    /** The owner of {@code id} is being asked whether it is open (see {@link #adopt}); {@code done}: it has answered. */
    void checking(String id, boolean done) {
        if (done) checking.remove(id);
        else checking.putIfAbsent(id, false);
    }

    /** The owner node of a session served here for another node; {@code null} for this node's own (or none). */
    String owner(String id) {
        // Alone (or with no other node's session in use) there is no owner to find: no lookup per request.
        if (id == null || remote.isEmpty()) return null;
        Remote r = sessions.containsKey(id) ? null : remote.get(id);
        return r == null ? null : r.owner();
    }

    /** Forgets another node's session (its owner closed it). */
    void forget(String id) {
        if (id == null) return;
        checking.computeIfPresent(id, (k, v) -> true);
        if (remote.remove(id) != null) usedRemote.remove(id);
    }

    /**
     * The remote sessions used since the last call (or still answering here), by owner: each owner is told, so
     * that it keeps them open.
     */
    Map<String, List<String>> drainUsed() {
        Map<String, List<String>> out = new HashMap<>();
        for (Remote r : remote.values()) {
            String id = r.session().id();
            if (usedRemote.remove(id) || r.session().inFlight() > 0) {
                out.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(id);
            }
        }
        return out;
    }

    /**
     * How often {@link #expire} should run: a quarter of the idle timeout, from 50 ms to one minute, so that a
     * session is closed at most a quarter (or a minute) after its idle timeout.
     */
    long sweepPeriodMs() {
        long idle = limits.idleTimeoutMs();
        return idle <= 0 ? 60_000 : Math.max(50, Math.min(60_000, idle / 4));
    }

    /**
     * Opens a session for an endpoint; the id is unguessable and visible ASCII, as the spec asks. {@code null} when
     * {@code max} sessions are open already.
     */
    Session open(String endpoint, String transport, boolean streamOpen) {
        return open(endpoint, transport, streamOpen, io.mcpstore.security.Principal.ANONYMOUS.subject());
    }

    /** As {@link #open(String, String, boolean)}, for the principal {@code subject}, the only one who may use it. */
    Session open(String endpoint, String transport, boolean streamOpen, String subject) {
        int n;
        do {
            n = admitted.get();
            if (n >= limits.max()) return null;
        } while (!admitted.compareAndSet(n, n + 1));
        long now = clock.getAsLong();
        Session session = Session.opened(randomId(), endpoint, transport, subject, System.currentTimeMillis(), now)
                .used(now, 0, streamOpen);
        sessions.put(session.id(), session);
        return session;
    }

    /**
     * Opens a Streamable HTTP session with what {@code initialize} negotiated; {@code null} when {@code max} are open
     * already. On a clustered node its id is the sealed facts, so that every node can serve it.
     */
    Session open(String endpoint, String subject, String version, JsonObject initializeParams) {
        Session opened = open(endpoint, Session.STREAMABLE_HTTP, false, subject);
        if (opened == null) return null;
        Session initialized = opened.initialized(version, initializeParams);
        SessionSeal s = seal;
        if (s == null) {
            sessions.put(opened.id(), initialized);
            return initialized;
        }
        Session sealed = initialized.withId(s.seal(initialized.facts(node)));
        sessions.remove(opened.id());
        sessions.put(sealed.id(), sealed);
        return sealed;
    }

    private static String randomId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The session, this node's or (when clustered) another live member's that is served here. */
    Session get(String id) {
        if (id == null) return null;
        Session mine = sessions.get(id);
        if (mine != null || remote.isEmpty()) return mine;
        Remote r = remote.get(id);
        return r == null || !member(r.owner()) ? null : r.session();
    }

    /** Applies {@code change} atomically; the session as changed, or {@code null} when there is none. */
    Session update(String id, UnaryOperator<Session> change) {
        if (id == null) return null;
        Session mine = sessions.computeIfPresent(id, (k, s) -> change.apply(s));
        if (mine != null || remote.isEmpty()) return mine;
        Remote r = remote.computeIfPresent(id, (k, held) -> new Remote(held.owner(), change.apply(held.session())));
        if (r == null) return null;
        usedRemote.add(id);
        return r.session();
    }

    /** A request of the session is being answered: it is in use until {@link #answered}. */
    Session answering(String id) {
        return update(id, s -> s.used(clock.getAsLong(), 1, s.streamOpen()));
    }

    void answered(String id) {
        update(id, s -> s.used(clock.getAsLong(), -1, s.streamOpen()));
    }

    /** Something of the session arrived that needs no answer (a notification, a client's response). */
    Session touched(String id) {
        return update(id, s -> s.used(clock.getAsLong(), 0, s.streamOpen()));
    }

    /** Claims the session's one GET stream; {@code false} when one is open already, or the session is gone. */
    boolean claimStream(String id) {
        boolean[] claimed = {false};
        update(id, s -> {
            if (s.streamOpen()) return s;
            claimed[0] = true;
            return s.used(clock.getAsLong(), 0, true);
        });
        return claimed[0];
    }

    /** The stream has ended: the session's idle time starts now (unless something else uses it). */
    void releaseStream(String id) {
        update(id, s -> s.used(clock.getAsLong(), 0, false));
    }

    /** Closes the session (see {@code onClosed}); {@code false} when there was none. */
    boolean close(String id) {
        if (id == null || sessions.remove(id) == null) return false;
        closed(id);
        return true;
    }

    /** Closes every session idle for {@code idleTimeoutMs}; their ids. */
    List<String> expire() {
        List<String> expired = new ArrayList<>();
        long idleMs = limits.idleTimeoutMs();
        if (idleMs <= 0) return expired;
        long now = clock.getAsLong();
        for (Session candidate : sessions.values()) {
            if (!candidate.idle(now, idleMs)) continue;
            boolean[] removed = {false};
            // Decided again under the key's lock: a request that arrived meanwhile keeps it.
            sessions.computeIfPresent(candidate.id(), (k, s) -> {
                removed[0] = s.idle(now, idleMs);
                return removed[0] ? null : s;
            });
            if (removed[0]) {
                closed(candidate.id());
                expired.add(candidate.id());
            }
        }
        // Other nodes' sessions unused here for as long are only forgotten: their owners decide when they close.
        remote.values().removeIf(r -> r.session().idle(now, idleMs));
        return expired;
    }

    int size() {
        return sessions.size();
    }

    private void closed(String id) {
        admitted.decrementAndGet();
        onClosed.accept(id);
        if (seal != null) closedInCluster.accept(id);
    }
}
