package io.mcpstore.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's session store as the router instances use it from several threads at once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionStoreTest {
    private static final int THREADS = 8;

    private final AtomicLong now = new AtomicLong(1_000);
    private final ConcurrentLinkedQueue<String> closed = new ConcurrentLinkedQueue<>();

    private SessionStore store(long idleTimeoutMs, int max) {
        return new SessionStore(new GatewayConfig.Sessions(idleTimeoutMs, max), now::get, closed::add);
    }

    @Test
    void concurrentUpdatesOfOneSessionLoseNothing() throws Exception {
        SessionStore store = store(60_000, 10);
        String id = store.open("", Session.STREAMABLE_HTTP, false).id();
        int each = 5_000;

        onThreads(t -> {
            for (int i = 0; i < each; i++) {
                // Every tenth a change of another field too: it must not undo the counts of the others.
                String level = "level-" + t;
                if (i % 10 == 0) store.update(id, s -> s.withLogLevel(level));
                store.answering(id);
            }
        });

        Session session = store.get(id);
        assertThat(session.logLevel()).startsWith("level-");
        assertThat(session.inFlight()).isEqualTo(THREADS * each);

        onThreads(t -> {
            for (int i = 0; i < each; i++) store.answered(id);
        });
        assertThat(store.get(id).inFlight()).isZero();
    }

    @Test
    void concurrentOpensNeverPassMax() throws Exception {
        SessionStore store = store(60_000, 100);
        ConcurrentLinkedQueue<String> opened = new ConcurrentLinkedQueue<>();

        onThreads(t -> {
            for (int i = 0; i < 50; i++) {
                Session s = store.open("", Session.STREAMABLE_HTTP, false);
                if (s != null) opened.add(s.id());
            }
        });

        assertThat(opened).hasSize(100).doesNotHaveDuplicates();
        assertThat(store.size()).isEqualTo(100);
        assertThat(store.open("", Session.SSE, true)).isNull();
        assertThat(store.close(opened.peek())).isTrue();
        assertThat(store.close(opened.peek())).as("closed once").isFalse();
        assertThat(store.open("", Session.SSE, true)).isNotNull();
        assertThat(closed).containsExactly(opened.peek());
    }

    @Test
    void aSessionKeepsWhatItNeedsOfInitializeAndNothingElse() {
        SessionStore store = store(60_000, 10);
        String padding = "x".repeat(100_000);
        JsonObject params = new JsonObject()
                .put("protocolVersion", "2025-06-18")
                .put("capabilities", new JsonObject().put("sampling", new JsonObject()))
                .put(
                        "clientInfo",
                        new JsonObject().put("name", "c").put("version", "2").put("padding", padding))
                .put("padding", padding);
        String id = store.open("/app", Session.STREAMABLE_HTTP, false).id();

        Session session = store.update(id, s -> s.initialized("2025-06-18", params));

        assertThat(session.protocolVersion()).isEqualTo("2025-06-18");
        assertThat(session.capabilities()).isEqualTo(new JsonObject().put("sampling", new JsonObject()));
        assertThat(session.clientName()).isEqualTo("c");
        assertThat(session.clientVersion()).isEqualTo("2");
        assertThat(session.endpoint()).isEqualTo("/app");
        assertThat(session.toString()).doesNotContain("xxxx").hasSizeLessThan(1_000);
        // A later change of the client's object does not reach the session.
        params.getJsonObject("capabilities").put("roots", new JsonObject());
        assertThat(store.get(id).capabilities().containsKey("roots")).isFalse();
    }

    @Test
    void onlyAnUnusedSessionExpires() {
        SessionStore store = store(1_000, 10);
        String idle = store.open("", Session.STREAMABLE_HTTP, false).id();
        String calling = store.open("", Session.STREAMABLE_HTTP, false).id();
        String streaming = store.open("", Session.STREAMABLE_HTTP, false).id();
        String legacy = store.open("", Session.SSE, true).id();
        String recent = store.open("", Session.STREAMABLE_HTTP, false).id();
        store.answering(calling);
        assertThat(store.claimStream(streaming)).isTrue();
        assertThat(store.claimStream(streaming)).as("one GET stream").isFalse();

        now.addAndGet(999);
        store.touched(recent);
        assertThat(store.expire()).isEmpty();
        now.addAndGet(1);

        assertThat(store.expire()).containsExactly(idle);
        assertThat(store.get(idle)).isNull();
        assertThat(closed).containsExactly(idle);

        // What ends a use starts the idle time.
        store.answered(calling);
        store.releaseStream(streaming);
        now.addAndGet(999);
        assertThat(store.expire()).containsExactly(recent);
        now.addAndGet(1);
        assertThat(store.expire()).containsExactlyInAnyOrder(calling, streaming);
        assertThat(store.get(legacy)).isNotNull();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void zeroIdleTimeoutNeverExpires() {
        SessionStore store = store(0, 10);
        store.open("", Session.STREAMABLE_HTTP, false);
        now.addAndGet(Long.MAX_VALUE / 2);
        assertThat(store.expire()).isEmpty();
        assertThat(store.size()).isEqualTo(1);
    }

    /** Runs {@code work} on {@link #THREADS} threads started together. */
    private static void onThreads(IntConsumer work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                work.accept(n);
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread t : threads) t.join();
    }
}
