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
import java.util.List;
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
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = clock.getAsLong();
        Session session = Session.opened(id, endpoint, transport, subject, System.currentTimeMillis(), now)
                .used(now, 0, streamOpen);
        sessions.put(id, session);
        return session;
    }

    Session get(String id) {
        return id == null ? null : sessions.get(id);
    }

    /** Applies {@code change} atomically; the session as changed, or {@code null} when there is none. */
    Session update(String id, UnaryOperator<Session> change) {
        return id == null ? null : sessions.computeIfPresent(id, (k, s) -> change.apply(s));
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
        return expired;
    }

    int size() {
        return sessions.size();
    }

    private void closed(String id) {
        admitted.decrementAndGet();
        onClosed.accept(id);
    }
}
