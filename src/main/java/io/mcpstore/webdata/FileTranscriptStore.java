package io.mcpstore.webdata;

import io.mcpstore.config.AtomicFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Transcripts as files beside the config file: {@code <config>.chat/<id>.json}, one per transcript, each replaced
 * atomically (temporary file, fsync, rename: {@link AtomicFiles}). File I/O runs off the event loop, one operation
 * after another.
 */
final class FileTranscriptStore implements TranscriptStore {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final Vertx vertx;
    private final Path dir;

    FileTranscriptStore(Vertx vertx, Path dir) {
        this.vertx = vertx;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    @Override
    public Future<Void> start() {
        return blocking(() -> {
            Files.createDirectories(dir);
            return null;
        });
    }

    @Override
    public Future<List<JsonObject>> list(String owner) {
        return blocking(() -> {
            List<JsonObject> out = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path f : files) {
                    JsonObject t = read(f);
                    if (t != null && owner.equals(t.getString("owner"))) out.add(TranscriptStore.summary(t));
                }
            }
            out.sort(Comparator.comparing((JsonObject t) -> t.getString("updatedAt", ""))
                    .reversed());
            return out;
        });
    }

    @Override
    public Future<JsonObject> get(String owner, String id) {
        if (!ID.matcher(id).matches()) return Future.succeededFuture(null);
        return blocking(() -> {
            JsonObject t = read(dir.resolve(id + ".json"));
            return t != null && owner.equals(t.getString("owner")) ? t : null;
        });
    }

    @Override
    public Future<Void> put(JsonObject transcript) {
        String id = transcript.getString("id");
        if (id == null || !ID.matcher(id).matches()) {
            return Future.failedFuture(new IllegalArgumentException("transcript id '" + id + "' is not a file name"));
        }
        byte[] bytes = transcript.encode().getBytes(StandardCharsets.UTF_8);
        return blocking(() -> {
            AtomicFiles.write(dir.resolve(id + ".json"), bytes);
            return null;
        });
    }

    @Override
    public Future<Boolean> delete(String owner, String id) {
        if (!ID.matcher(id).matches()) return Future.succeededFuture(false);
        return blocking(() -> {
            Path f = dir.resolve(id + ".json");
            JsonObject t = read(f);
            if (t == null || !owner.equals(t.getString("owner"))) return false;
            return Files.deleteIfExists(f);
        });
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }

    /** A transcript file, or null when it is missing or not a transcript (a stray file is skipped, not fatal). */
    private static JsonObject read(Path f) {
        try {
            if (!Files.isRegularFile(f)) return null;
            return new JsonObject(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, true);
    }
}
