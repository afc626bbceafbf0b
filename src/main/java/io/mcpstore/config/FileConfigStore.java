package io.mcpstore.config;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The YAML config file as the source of truth (or, without a file, memory). Writes replace the file atomically; each
 * revision is also kept in {@code .<file>.revisions/} beside it for history and rollback. A hand edit is seen by a
 * file watch: a valid one becomes a new revision, an invalid one is refused with a log line naming the key.
 */
public final class FileConfigStore implements ConfigStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileConfigStore.class);
    private static final int MAX_HISTORY_READ = 10_000;
    private static final long QUIET_MS = 150;

    private final Vertx vertx;
    private final Path file;
    private final Path historyDir;
    /** Raw config JSON → canonical document; throws {@link ConfigException}. */
    private final UnaryOperator<JsonObject> validator;

    private final List<Revision> revisions = new ArrayList<>();
    private WatchService watcher;
    private Thread watchThread;
    private String refusedText;
    private volatile String refusedReason;
    private long debounceTimer = -1;

    /** A file store; {@code file} null keeps revisions in memory only. */
    public FileConfigStore(Vertx vertx, Path file, UnaryOperator<JsonObject> validator) {
        this.vertx = vertx;
        this.file = file == null ? null : file.toAbsolutePath();
        this.historyDir =
                file == null ? null : this.file.getParent().resolve("." + this.file.getFileName() + ".revisions");
        this.validator = validator;
    }

    @Override
    public String type() {
        return file == null ? "memory" : "file";
    }

    @Override
    public Future<Revision> start(JsonObject initial, Runnable changedOutside) {
        if (file == null) {
            revisions.add(new Revision(1, Instant.now(), "initial config", initial));
            return Future.succeededFuture(latest());
        }
        Context context = vertx.getOrCreateContext();
        return blocking(() -> {
            loadHistory();
            JsonObject first = withPassedThrough(initial);
            if (revisions.isEmpty() || !latest().document().equals(first)) {
                append(first, revisions.isEmpty() ? "loaded from " + file : "edited by hand while stopped");
            }
            watch(() -> context.runOnContext(v -> debounce(changedOutside)));
            return latest();
        });
    }

    /**
     * {@code initial} with the file's own {@code users}, {@code keys}, {@code roles} and {@code signing}: the start-up
     * config that {@code initial} comes from has no place for them, and without this a restart would drop every
     * user, key and the signing key.
     */
    private JsonObject withPassedThrough(JsonObject initial) {
        JsonObject fromFile;
        try {
            fromFile = ConfigDocument.fromClientShape(ConfigDocument.parseYaml(Files.readString(file)));
        } catch (IOException | ConfigException e) {
            return initial; // the config loader read this file a moment ago; nothing to add
        }
        JsonObject out = initial.copy();
        for (String k : ConfigDocument.PASSED_THROUGH) {
            if (fromFile.getValue(k) != null) out.put(k, fromFile.getValue(k));
        }
        return validator.apply(out);
    }

    @Override
    public Future<Revision> head() {
        if (file == null) return Future.succeededFuture(latest());
        return blocking(() -> {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                LOG.error("Config file {} cannot be read ({}); keeping revision {}", file, e, latest().number());
                return latest();
            }
            JsonObject doc;
            try {
                doc = validator.apply(ConfigDocument.fromClientShape(ConfigDocument.parseYaml(text)));
            } catch (ConfigException e) {
                if (!text.equals(refusedText)) {
                    refusedReason = "Config error in " + file + ": " + e.getMessage()
                            + " — the edit is refused, revision " + latest().number() + " stays in force";
                    LOG.error("{}", refusedReason);
                    refusedText = text;
                }
                return latest();
            }
            refusedText = null;
            refusedReason = null;
            if (!doc.equals(latest().document())) {
                append(doc, "edited by hand");
                LOG.info("Config file {} changed by hand: revision {}", file, latest().number());
            }
            return latest();
        });
    }

    @Override
    public Future<Revision> commit(long base, JsonObject document, String summary) {
        if (base != latest().number()) return Future.failedFuture(StoreException.conflict(base, latest().number()));
        if (file == null) {
            revisions.add(new Revision(base + 1, Instant.now(), summary, document));
            return Future.succeededFuture(latest());
        }
        return blocking(() -> {
            // The file first: a crash before the history entry is written is repaired at the next start.
            JsonObject raw =
                    Files.isRegularFile(file) ? ConfigDocument.parseYaml(Files.readString(file)) : new JsonObject();
            for (String k : ConfigDocument.REVISED) raw.remove(k);
            for (String k : ConfigDocument.PASSED_THROUGH) raw.remove(k);
            raw.remove("mcpServers"); // a client's file becomes ours: its servers are the document's services now
            raw.remove("servers");
            JsonObject out = new JsonObject();
            raw.forEach(e -> out.put(e.getKey(), e.getValue()));
            document.forEach(e -> out.put(e.getKey(), e.getValue()));
            String header = "# Written by MCPStore (revision " + (base + 1) + ", " + summary.replace('\n', ' ')
                    + "). Hand edits are picked up while the gateway runs.\n";
            AtomicFiles.write(file, (header + ConfigDocument.toYaml(out)).getBytes(StandardCharsets.UTF_8));
            refusedText = null; // the refused edit is overwritten
            refusedReason = null;
            append(document, summary);
            return latest();
        });
    }

    @Override
    public Future<List<Revision>> history(int limit) {
        List<Revision> out = new ArrayList<>();
        for (int i = revisions.size() - 1; i >= 0 && out.size() < limit; i--) {
            Revision r = revisions.get(i);
            out.add(new Revision(r.number(), r.at(), r.summary(), null));
        }
        return Future.succeededFuture(out);
    }

    @Override
    public Future<Revision> revision(long number) {
        for (Revision r : revisions) {
            if (r.number() == number) return Future.succeededFuture(r);
        }
        return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, "no revision " + number));
    }

    @Override
    public String refused() {
        return refusedReason;
    }

    @Override
    public Future<Void> close() {
        if (debounceTimer >= 0) vertx.cancelTimer(debounceTimer);
        if (watcher == null) return Future.succeededFuture();
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        return Future.succeededFuture();
    }

    /**
     * Editors write a file in several steps (truncate, write, rename); reading it only once it has been quiet for a
     * moment avoids taking a half-written file for an edit.
     */
    private void debounce(Runnable changed) {
        if (debounceTimer >= 0) vertx.cancelTimer(debounceTimer);
        debounceTimer = vertx.setTimer(QUIET_MS, id -> {
            debounceTimer = -1;
            changed.run();
        });
    }

    private Revision latest() {
        return revisions.get(revisions.size() - 1);
    }

    private void append(JsonObject document, String summary) throws IOException {
        long n = revisions.isEmpty() ? 1 : latest().number() + 1;
        Revision r = new Revision(n, Instant.now(), summary, document);
        AtomicFiles.write(
                historyDir.resolve(String.format("%010d.json", n)),
                r.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
        revisions.add(r);
    }

    private void loadHistory() throws IOException {
        if (!Files.isDirectory(historyDir)) return;
        List<Path> files;
        try (Stream<Path> s = Files.list(historyDir)) {
            files = s.filter(p -> p.getFileName().toString().matches("\\d{10}\\.json"))
                    .sorted()
                    .toList();
        }
        for (Path p : files.subList(Math.max(0, files.size() - MAX_HISTORY_READ), files.size())) {
            try {
                JsonObject json = new JsonObject(Files.readString(p));
                revisions.add(new Revision(
                        json.getLong("revision"),
                        Instant.parse(json.getString("at")),
                        json.getString("summary", ""),
                        json.getJsonObject("document")));
            } catch (RuntimeException e) {
                LOG.warn("Skipping unreadable revision file {}: {}", p, e.getMessage());
            }
        }
    }

    private void watch(Runnable changed) throws IOException {
        watcher = file.getFileSystem().newWatchService();
        file.getParent()
                .register(
                        watcher,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
        WatchService ws = watcher;
        watchThread = new Thread(
                () -> {
                    try {
                        while (true) {
                            WatchKey key = ws.take();
                            boolean ours = false;
                            for (WatchEvent<?> event : key.pollEvents()) {
                                if (file.getFileName().equals(event.context())) ours = true;
                            }
                            key.reset();
                            if (ours) changed.run();
                        }
                    } catch (InterruptedException | ClosedWatchServiceException e) {
                        // closed
                    }
                },
                "mcpstore-config-watch");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false).recover(e -> {
            if (e instanceof StoreException || e instanceof ConfigException) return Future.failedFuture(e);
            return Future.failedFuture(new StoreException(
                    StoreException.Kind.UNAVAILABLE, "the config file cannot be written: " + e.getMessage(), e));
        });
    }
}
