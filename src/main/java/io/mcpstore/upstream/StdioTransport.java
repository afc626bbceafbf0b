package io.mcpstore.upstream;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process speaking newline-delimited JSON-RPC on stdin/stdout. Owns the process and three threads: a stdout
 * reader, a stderr reader and a stdin writer, so that nothing here ever blocks an event loop.
 */
final class StdioTransport implements Transport {
    private static final int STDERR_TAIL = 50;
    private static final long STDERR_DRAIN_MS = 1_000;
    private static final int LOGGED_LINE_MAX = 300;
    /** How long a server may take to leave on its own after stdin closes, before it is signalled. */
    private static final Duration STDIN_CLOSE_GRACE = Duration.ofSeconds(1);
    /** How long it may take to leave after SIGTERM, before SIGKILL. */
    private static final Duration TERM_GRACE = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final ServiceConfig service;
    private final Logger log;
    private final Deque<String> stderrTail = new ArrayDeque<>(); // guarded by itself: written by the stderr thread
    private final ExecutorService stdin;

    private Context context;
    /** What the reader and writer threads hand back to the verticle's context. */
    private Batches<Runnable> inbox;
    /** Lines for the writer thread; it takes all that queued up at once and flushes once. */
    private final Batches<Write> writes;

    private Future<Void> opened;

    private record Write(byte[] line, Promise<Void> written) {}

    private Future<Void> closing;
    private volatile Process process;
    private volatile boolean closeRequested;
    private volatile Thread stderrReader;

    StdioTransport(Vertx vertx, ServiceConfig service) {
        this.vertx = vertx;
        this.service = service;
        this.log = LoggerFactory.getLogger("mcpstore.upstream." + service.name());
        this.stdin = Executors.newSingleThreadExecutor(daemon("mcpstore-stdin-" + service.name()));
        this.writes = new Batches<>(stdin, this::write);
    }

    @Override
    public Future<Void> open(Handler<JsonObject> inbound, Handler<Throwable> closed) {
        context = vertx.getOrCreateContext();
        inbox = Batches.onContext(context);
        if (ChildProcesses.shuttingDown()) {
            return opened = Future.failedFuture(new IOException("the gateway is shutting down"));
        }
        ProcessBuilder builder;
        try {
            builder = processBuilder();
        } catch (RuntimeException unresolvable) { // a ${env:...} that is not set
            return opened = Future.failedFuture(unresolvable);
        }
        File cwd = builder.directory(); // else the JDK blames the command: 'Cannot run program "node"'
        if (cwd != null && !cwd.isDirectory()) {
            return opened = Future.failedFuture(new IOException("working directory " + cwd + " does not exist"));
        }
        // fork/exec can take a while on a loaded machine: not on the event loop.
        opened = vertx.executeBlocking(builder::start, false).map(started -> {
            onStarted(started, inbound, closed);
            return null;
        });
        return opened;
    }

    private ProcessBuilder processBuilder() {
        List<String> command = new ArrayList<>();
        command.add(Placeholders.resolve(service.command()));
        service.args().forEach(arg -> command.add(Placeholders.resolve(arg)));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(Placeholders.resolve(service.env())); // merged onto the gateway's own
        if (service.cwd() != null) builder.directory(new File(Placeholders.resolve(service.cwd())));
        return builder;
    }

    private void onStarted(Process started, Handler<JsonObject> inbound, Handler<Throwable> closed) {
        process = started;
        ChildProcesses.register(started);
        log.info(
                "service '{}' started process {}: {}",
                service.name(),
                started.pid(),
                started.info().command().orElse(service.command()));
        String name = service.name();
        // The stderr reader first: the stdout reader's exit reason waits for it.
        stderrReader = daemon("mcpstore-stderr-" + name, () -> readLines(started.getErrorStream(), this::onStderr));
        stderrReader.start();
        daemon("mcpstore-stdout-" + name, () -> readStdout(started, inbound, closed))
                .start();
    }

    private void readStdout(Process p, Handler<JsonObject> inbound, Handler<Throwable> closed) {
        readLines(p.getInputStream(), line -> onStdout(line, inbound));
        String reason = exitReason(p);
        inbox.offer(
                () -> { // after every message read before it
                    if (!closeRequested) closed.handle(new IOException(reason));
                });
    }

    private void onStdout(String line, Handler<JsonObject> inbound) {
        if (line.isBlank()) return;
        Object decoded;
        try {
            decoded = Json.decodeValue(line); // parsed here, on the reader thread, not on the event loop
        } catch (DecodeException notJson) {
            decoded = null;
        }
        if (decoded instanceof JsonObject message) {
            inbox.offer(() -> inbound.handle(message));
        } else if (decoded instanceof JsonArray batch) {
            inbox.offer(() ->
                    batch.stream().filter(JsonObject.class::isInstance).forEach(m -> inbound.handle((JsonObject) m)));
        } else {
            // Servers that print a banner or a stray console.log on stdout are common; the connection survives.
            log.warn(
                    "service '{}' wrote a line that is not JSON-RPC on stdout, skipped: {}",
                    service.name(),
                    truncate(line));
        }
    }

    private void onStderr(String line) {
        log.info("[stderr] {}", truncate(line));
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_TAIL) stderrTail.removeFirst();
            stderrTail.addLast(line);
        }
    }

    private static boolean exitsWithin(Process p) {
        try {
            return p.waitFor(STDERR_DRAIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String exitReason(Process p) {
        try {
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                stderrReader.join(STDERR_DRAIN_MS); // what it said last may still be in the pipe
                String said = stderrSummary();
                return "process " + p.pid() + " exited with code " + p.exitValue()
                        + (said == null ? "" : " (stderr: " + truncate(said) + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "process " + p.pid() + " closed its stdout";
    }

    @Override
    public Future<Void> send(JsonObject message) {
        Process p = process;
        if (p == null || closeRequested) {
            return Future.failedFuture(new IOException("its process is not running"));
        }
        byte[] line = (message.encode() + "\n").getBytes(StandardCharsets.UTF_8);
        Promise<Void> written = Promise.promise();
        writes.offer(new Write(line, written));
        return written.future();
    }

    /** On the writer thread: the lines queued up, one flush (one system call for many messages under load). */
    private void write(List<Write> batch) {
        Process p = process;
        try {
            OutputStream out = p.getOutputStream();
            for (Write write : batch) out.write(write.line());
            out.flush();
            inbox.offer(() -> batch.forEach(write -> write.written().complete()));
        } catch (IOException e) {
            // A process that has just exited says more in its exit code and stderr than the closed pipe does.
            String reason =
                    exitsWithin(p) ? exitReason(p) : "cannot write to process " + p.pid() + ": " + e.getMessage();
            IOException failure = new IOException(reason, e);
            inbox.offer(() -> batch.forEach(write -> write.written().fail(failure)));
        }
    }

    @Override
    public Future<Void> close() {
        if (closing != null) return closing;
        closeRequested = true;
        closing = opened == null
                ? Future.succeededFuture()
                : opened.transform(ar -> ar.succeeded() ? terminate() : Future.succeededFuture());
        return closing.eventually(() -> {
            stdin.shutdown();
            return Future.succeededFuture();
        });
    }

    private Future<Void> terminate() {
        Process p = process;
        Promise<Void> ended = Promise.promise();
        stdin.execute(
                () -> { // behind the writes already queued
                    end(p);
                    inbox.offer(ended::complete);
                });
        return ended.future();
    }

    /** The MCP way first (close stdin and let it leave), then SIGTERM, then SIGKILL, for the whole tree. */
    private void end(Process p) {
        Set<ProcessHandle> tree = new LinkedHashSet<>(ChildProcesses.tree(p));
        try {
            p.getOutputStream().close();
            p.waitFor(STDIN_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException alreadyGone) {
            // nothing to close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A wrapper script may have started more children meanwhile (e.g. "server; cleanup"): those too.
        if (p.isAlive()) tree.addAll(ChildProcesses.tree(p));
        ChildProcesses.end(List.copyOf(tree), TERM_GRACE);
        ChildProcesses.end(p, Duration.ZERO);
        log.info("service '{}' process {} ended", service.name(), p.pid());
    }

    @Override
    public JsonObject describe() {
        JsonObject out = new JsonObject();
        Process p = process;
        if (p != null) out.put("pid", p.pid()).put("alive", p.isAlive());
        synchronized (stderrTail) {
            out.put("stderr", new JsonArray(new ArrayList<>(stderrTail)));
        }
        return out;
    }

    private String stderrSummary() {
        synchronized (stderrTail) {
            return StderrSummary.of(stderrTail);
        }
    }

    private static void readLines(InputStream stream, Consumer<String> onLine) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) onLine.accept(line);
        } catch (IOException closed) {
            // the process ended or we closed the stream: the caller reports why
        }
    }

    private static String truncate(String line) {
        return line.length() <= LOGGED_LINE_MAX ? line : line.substring(0, LOGGED_LINE_MAX) + "…";
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return body -> daemon(name, body);
    }
}
