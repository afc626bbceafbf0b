package io.mcpstore.upstream;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process speaking newline-delimited JSON-RPC on stdin/stdout. Owns the process and three threads: a stdout
 * reader, a stderr reader and a stdin writer, so that nothing here ever blocks an event loop.
 */
final class StdioTransport implements Transport {
    /** The stderr an operator sees in the status: the last lines, each cut at a few KiB, so at most ~200 KiB. */
    private static final int STDERR_TAIL = 50;

    private static final int STDERR_LINE_MAX = 4096;
    static final String CUT_MARKER = "… [line cut at " + STDERR_LINE_MAX + " bytes]";
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
    private final MessageDecoder decoder;

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
        this.decoder = new MessageDecoder(service.name(), service.maxMessageBytes());
    }

    @Override
    public Future<Void> open(Handler<Inbound> inbound, Handler<Throwable> closed) {
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
            // A pipe cannot tell which request a message belongs to: the message itself may (see UpstreamRelay).
            onStarted(started, message -> inbound.handle(new Inbound(message, null)), closed);
            return null;
        });
        return opened;
    }

    private ProcessBuilder processBuilder() {
        List<String> command = new ArrayList<>();
        command.add(Placeholders.resolve(service.command()));
        service.args().forEach(arg -> command.add(Placeholders.resolve(arg)));
        ProcessBuilder builder = new ProcessBuilder(command);
        // References in the service's env are resolved from the gateway's environment: how secrets are passed on.
        ChildProcesses.environment(builder.environment(), Placeholders.resolve(service.env()), service.inheritEnv());
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
        stderrReader = daemon("mcpstore-stderr-" + name, () -> {
            try {
                LineReader.read(started.getErrorStream(), STDERR_LINE_MAX, this::onStderr);
            } catch (IOException ended) {
                // the process ended or we closed the stream
            }
        });
        stderrReader.start();
        daemon("mcpstore-stdout-" + name, () -> readStdout(started, inbound, closed))
                .start();
    }

    private void readStdout(Process p, Handler<JsonObject> inbound, Handler<Throwable> closed) {
        String failure = null;
        try {
            LineReader.read(
                    p.getInputStream(),
                    decoder.maxBytes(),
                    (bytes, length, cut) -> onStdout(bytes, length, cut, inbound));
        } catch (IOException ended) {
            // the process ended or we closed the stream: the exit says why
        } catch (RuntimeException | Error e) { // never a reader that dies silently, leaving calls to time out
            failure = "reading its stdout failed: " + e;
        }
        String reason = failure != null ? failure : exitReason(p);
        inbox.offer(
                () -> { // after every message read before it
                    if (!closeRequested) closed.handle(new IOException(reason));
                });
    }

    private void onStdout(byte[] line, int length, boolean cut, Handler<JsonObject> inbound) {
        if (cut) {
            onTooLarge(line, inbound);
            return;
        }
        if (isBlank(line, length)) return;
        Object decoded;
        try {
            decoded = decoder.decode(line, 0, length); // parsed here, on the reader thread, not on the event loop
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
                    truncate(new String(line, 0, Math.min(length, LOGGED_LINE_MAX * 4), StandardCharsets.UTF_8)));
        }
    }

    /** A line over maxMessageBytes, being skipped: its call (by the id it starts with, or the one in flight) fails. */
    private void onTooLarge(byte[] line, Handler<JsonObject> inbound) {
        byte[] start = java.util.Arrays.copyOf(line, Math.min(line.length, MessageDecoder.START_BYTES));
        JsonObject error = decoder.tooLarge(start, null);
        log.warn(
                "service '{}' wrote a line on stdout longer than its maxMessageBytes ({} bytes), skipped: {}",
                service.name(),
                decoder.maxBytes(),
                truncate(new String(start, 0, Math.min(start.length, LOGGED_LINE_MAX), StandardCharsets.UTF_8)));
        if (error != null) inbox.offer(() -> inbound.handle(error));
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') return false;
        }
        return true;
    }

    private void onStderr(byte[] bytes, int length, boolean cut) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        onStderr(cut ? text + CUT_MARKER : text);
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
