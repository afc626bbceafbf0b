package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one {@link McpServerCore} over the MCP stdio transport: newline-delimited JSON-RPC in on stdin, out on
 * stdout, one message per line. Requests are handled on a small pool so that a slow tool does not hold up the
 * others; the server stops when stdin closes.
 */
public final class StdioServer {
    private static final int WORKERS = 4;
    /** How long answers already being worked on may still go out after stdin closes (a piped script expects them). */
    private static final long DRAIN_MILLIS = 2000;

    private final McpServerCore core;
    private final InputStream in;
    private final OutputStream out;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    private StdioServer(McpServerCore core, InputStream in, OutputStream out) {
        this.core = core;
        this.in = in;
        this.out = out;
        core.onNotification(this::send);
    }

    /**
     * A server on this process's stdin and stdout. Stdout belongs to the protocol from here on: {@code System.out}
     * is pointed at stderr, so that a stray print or a logger's console appender cannot corrupt the stream.
     */
    public static StdioServer onSystemStreams(McpServerCore core) {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        return new StdioServer(core, System.in, stdout);
    }

    /** Sends one message on its own line. */
    public void send(JsonObject message) {
        writeLine(message.encode());
    }

    /** Writes one raw line to the protocol stream; whole lines never interleave. */
    public synchronized void writeLine(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("stdout is closed", e);
        }
    }

    /** Reads and answers messages until stdin closes. */
    public void run() throws IOException {
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, daemonThreads());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    String received = line;
                    workers.execute(() -> receive(received));
                }
            }
        } finally {
            drain(workers);
        }
    }

    private void drain(ExecutorService workers) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        workers.shutdown();
        try {
            if (workers.awaitTermination(DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                long left = Math.max(0, deadline - System.nanoTime());
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .get(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a tool that never answers (or answers late) must not keep the process alive
        }
        workers.shutdownNow();
    }

    private void receive(String line) {
        if (line.stripLeading().startsWith("[")) {
            // Batches existed only in 2025-03-26, which stdio clients do not use with us.
            send(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid request: batches are not supported"));
            return;
        }
        JsonObject message;
        try {
            message = new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
            send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: not a JSON object"));
            return;
        }
        CompletableFuture<Void> answered = core.handle(message).thenAccept(response -> {
            if (response != null) {
                send(response);
            }
        });
        pending.add(answered);
        answered.whenComplete((v, e) -> pending.remove(answered));
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "mcp-stdio-" + count.incrementAndGet());
            thread.setDaemon(true); // stdin closing ends the server, whatever is still running
            return thread;
        };
    }
}
