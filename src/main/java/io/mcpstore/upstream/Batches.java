package io.mcpstore.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands items from any thread to one consumer on {@code executor}, in order and in batches: one trip to the
 * consumer's thread takes everything that queued up meanwhile, instead of one trip (and one wake-up) per item. A
 * child process's reader and writer threads hand their work to the event loop this way, and the event loop its
 * lines to the writer thread.
 */
final class Batches<T> {
    private final Executor executor;
    private final Consumer<List<T>> consumer;
    private final ConcurrentLinkedQueue<T> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Batches(Executor executor, Consumer<List<T>> consumer) {
        this.executor = executor;
        this.consumer = consumer;
    }

    /** Tasks run on a Vert.x context, after every task offered before them. */
    static Batches<Runnable> onContext(io.vertx.core.Context context) {
        return new Batches<>(task -> context.runOnContext(v -> task.run()), batch -> batch.forEach(Runnable::run));
    }

    /** Safe from any thread. */
    void offer(T item) {
        queued.add(item);
        if (scheduled.compareAndSet(false, true)) executor.execute(this::drain);
    }

    private void drain() {
        scheduled.set(false); // an item offered from here on schedules the next trip
        List<T> batch = new ArrayList<>();
        T item;
        while ((item = queued.poll()) != null) batch.add(item);
        if (!batch.isEmpty()) consumer.accept(batch);
    }
}
