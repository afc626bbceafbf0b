package io.mcpstore.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file store's audit log: one JSON object per line, appended through the Vert.x file system; past {@code
 * maxBytes} the file becomes {@code .1} (and {@code .1} becomes {@code .2} …, up to {@code .keep}). Appends and queries
 * run one after another, so a query never meets a rotation half done.
 */
final class FileAuditStore implements AuditStore {
    private static final int TAIL_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Path path;
    private final long maxBytes;
    private final int keep;
    private AsyncFile file;
    private long size;
    private long lastId;
    /** The current file ends in a line cut short (a crash): the next write starts on a new line. */
    private boolean cutShort;

    private Future<?> last = Future.succeededFuture();

    FileAuditStore(Vertx vertx, Path path, long maxBytes, int keep) {
        this.vertx = vertx;
        this.path = path.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    Path path() {
        return path;
    }

    @Override
    public Future<Void> start() {
        // The last id is in the newest file's last whole line; a line cut short by a crash is ended first.
        // The file is opened at the first entry: a gateway that records nothing leaves nothing beside the config.
        return vertx.<Tail>executeBlocking(this::tail, false)
                .onSuccess(tail -> {
                    lastId = tail.lastId;
                    cutShort = tail.cutShort;
                    size = tail.size;
                })
                .mapEmpty();
    }

    private record Tail(long lastId, boolean cutShort, long size) {}

    private Tail tail() throws IOException {
        Files.createDirectories(path.getParent());
        boolean cutShort = false;
        long current = Files.isRegularFile(path) ? Files.size(path) : 0;
        for (int i = 0; i <= keep; i++) {
            Path p = rotated(i);
            if (!Files.isRegularFile(p) || Files.size(p) == 0) continue;
            byte[] bytes;
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
                long length = f.length();
                long startAt = Math.max(0, length - TAIL_BYTES);
                bytes = new byte[(int) (length - startAt)];
                f.seek(startAt);
                f.readFully(bytes);
                if (i == 0 && bytes[bytes.length - 1] != '\n') cutShort = true;
                if (startAt > 0 && lastIdIn(bytes) == 0) bytes = Files.readAllBytes(p);
            }
            long id = lastIdIn(bytes);
            if (id > 0) return new Tail(id, cutShort, current);
        }
        return new Tail(0, cutShort, current);
    }

    private static long lastIdIn(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            JsonObject e = parse(lines[i]);
            if (e != null && e.getValue("id") instanceof Number n) return n.longValue();
        }
        return 0;
    }

    private Future<Void> open() {
        return vertx.fileSystem()
                .open(
                        path.toString(),
                        new OpenOptions().setAppend(true).setCreate(true).setWrite(true))
                .compose(f -> {
                    file = f;
                    return vertx.fileSystem().props(path.toString());
                })
                .map(props -> {
                    size = props.size();
                    return null;
                });
    }

    @Override
    public Future<Void> append(List<JsonObject> entries) {
        return serially(() -> {
            Future<Void> chain = Future.succeededFuture();
            Buffer pending = Buffer.buffer();
            long projected = size;
            for (JsonObject e : entries) {
                Buffer line = Buffer.buffer(numbered(++lastId, e).encode()).appendByte((byte) '\n');
                if (projected + line.length() > maxBytes && projected > 0) {
                    Buffer out = pending;
                    chain = chain.compose(v -> out.length() == 0 ? Future.succeededFuture() : write(out))
                            .compose(v -> rotate());
                    pending = Buffer.buffer();
                    projected = 0;
                }
                pending.appendBuffer(line);
                projected += line.length();
            }
            Buffer out = pending;
            return chain.compose(v -> out.length() == 0 ? Future.succeededFuture() : write(out));
        });
    }

    private Future<Void> write(Buffer buffer) {
        if (file == null) return open().compose(v -> write(buffer));
        Buffer out = buffer;
        if (cutShort) {
            out = Buffer.buffer("\n").appendBuffer(buffer);
            cutShort = false;
        }
        size += out.length();
        return file.write(out);
    }

    /** The current file becomes {@code .1}; the oldest kept one goes. */
    private Future<Void> rotate() {
        var fs = vertx.fileSystem();
        Future<Void> closed = file == null ? Future.succeededFuture() : file.close();
        file = null;
        cutShort = false;
        return closed.compose(v -> {
            Future<Void> chain = fs.exists(rotated(keep).toString())
                    .compose(exists -> exists ? fs.delete(rotated(keep).toString()) : Future.succeededFuture());
            for (int i = keep - 1; i >= 0; i--) {
                String from = rotated(i).toString();
                String to = rotated(i + 1).toString();
                chain = chain.compose(x -> fs.exists(from))
                        .compose(exists -> exists
                                ? fs.move(from, to, new CopyOptions().setReplaceExisting(true))
                                : Future.succeededFuture());
            }
            return chain.onSuccess(x -> size = 0);
        });
    }

    private Path rotated(int i) {
        return i == 0 ? path : path.resolveSibling(path.getFileName() + "." + i);
    }

    @Override
    public Future<Page> query(AuditQuery query) {
        return serially(() -> vertx.executeBlocking(() -> scan(query), false));
    }

    /** Reads the current file, then the rotated ones, newest line first, until the page is full. */
    private Page scan(AuditQuery query) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i <= keep; i++) {
            Path p = rotated(i);
            if (!Files.isRegularFile(p)) continue;
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            for (int l = lines.size() - 1; l >= 0; l--) {
                JsonObject e = parse(lines.get(l));
                if (e == null || !query.matches(e)) continue;
                if (out.size() == query.limit()) return page(out, true);
                out.add(e);
            }
        }
        return page(out, false);
    }

    private <T> Future<T> serially(java.util.function.Supplier<Future<T>> work) {
        Future<T> done = last.transform(ignored -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        });
        last = done;
        return done;
    }

    @Override
    public Future<Void> close() {
        return serially(() -> file == null ? Future.succeededFuture() : file.close());
    }

    private static JsonObject parse(String line) {
        if (line.isBlank()) return null;
        try {
            return new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
            return null; // a line cut short by a crash
        }
    }

    /** The entry with its id first. */
    static JsonObject numbered(long id, JsonObject entry) {
        JsonObject out = new JsonObject().put("id", id);
        entry.forEach(e -> {
            if (!e.getKey().equals("id")) out.put(e.getKey(), e.getValue());
        });
        return out;
    }

    static Page page(List<JsonObject> entries, boolean more) {
        String next = more && !entries.isEmpty()
                ? String.valueOf(entries.get(entries.size() - 1).getLong("id"))
                : null;
        return new Page(entries, next);
    }
}
