package io.mcpstore.upstream;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands work from a plain thread (a child process's reader or writer) to a Vert.x context, in order and in batches:
 * one trip to the event loop runs everything that queued up meanwhile, instead of one trip (and one wake-up) per
 * message.
 */
final class ContextInbox {
    private final Context context;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    ContextInbox(Context context) {
        this.context = context;
    }

    /** Runs {@code task} on the context, after every task offered before it. Safe from any thread. */
    void offer(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) context.runOnContext(v -> drain());
    }

    private void drain() {
        scheduled.set(false); // a task offered from here on schedules the next trip
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
    }
}
