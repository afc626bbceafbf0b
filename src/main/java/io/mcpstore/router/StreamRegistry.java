package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SSE streams of one router instance, by id, kept a while after they end so that a client can resume one with
 * {@code Last-Event-ID}. Stream ids name the instance ({@code <tag>.<n>}), so a resumption that lands on another
 * instance is served from here over the bus: the buffered events are sent back, and the rest of a stream still
 * running follows them.
 */
final class StreamRegistry {
    /** How long an ended (or abandoned) stream stays resumable. */
    static final long RETENTION_MS = 60_000;

    /** Why a stream cannot be resumed; answered with a 400, never a partial replay. */
    static final class NotResumable extends RuntimeException {
        NotResumable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What a resumption found: the events replayed on {@code out}, and whether the stream had already ended (then
     * the caller decides whether {@code out} ends too, or goes on as a new stream).
     */
    record Replay(List<String> events, boolean ended, SseStream.Output out) {}

    private final Vertx vertx;
    private final String tag;
    private final Map<String, SseStream> streams = new HashMap<>();
    private final Map<String, SseStream.Output> proxies = new HashMap<>();
    private long next;

    StreamRegistry(Vertx vertx, String tag) {
        this.vertx = vertx;
        this.tag = tag;
    }

    SseStream open(String session) {
        SseStream stream = new SseStream(tag + "." + next++, session);
        streams.put(stream.id(), stream);
        return stream;
    }

    /** The stream stays resumable for a while, then is forgotten. */
    void release(SseStream stream) {
        vertx.setTimer(RETENTION_MS, t -> streams.remove(stream.id()));
    }

    /**
     * Resumes the stream that {@code lastEventId} belongs to on {@code response}: replays the events after it and,
     * while the stream runs, keeps writing to the new response.
     */
    Future<Replay> resume(String session, String lastEventId, HttpServerResponse response) {
        int seqDot = lastEventId.lastIndexOf('.');
        int tagDot = lastEventId.indexOf('.');
        long seq;
        try {
            seq = Long.parseLong(lastEventId.substring(seqDot + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Future.failedFuture(new NotResumable("Last-Event-ID '" + lastEventId + "' is not one of ours"));
        }
        if (tagDot <= 0 || tagDot == seqDot) {
            return Future.failedFuture(new NotResumable("Last-Event-ID '" + lastEventId + "' is not one of ours"));
        }
        String streamId = lastEventId.substring(0, seqDot);
        String owner = lastEventId.substring(0, tagDot);
        if (owner.equals(tag)) {
            try {
                SseStream.Output out = SseStream.http(response);
                Replay replay = replay(session, streamId, seq, out);
                replay.events().forEach(out::write);
                return Future.succeededFuture(new Replay(replay.events(), replay.ended(), out));
            } catch (NotResumable e) {
                return Future.failedFuture(e);
            }
        }
        String key = tag + ".p" + next++;
        JsonObject ask = new JsonObject()
                .put("resume", streamId)
                .put("after", seq)
                .put("session", session)
                .put(
                        "proxy",
                        new JsonObject().put("address", Addresses.router(tag)).put("key", key));
        return vertx.eventBus()
                .<JsonObject>request(Addresses.router(owner), ask)
                .recover(e -> Future.failedFuture(new NotResumable(e.getMessage())))
                .map(reply -> {
                    SseStream.Output out = SseStream.http(response);
                    JsonArray events = reply.body().getJsonArray("events");
                    events.forEach(e -> out.write((String) e));
                    boolean ended = reply.body().getBoolean("ended");
                    if (!ended) proxies.put(key, out);
                    response.closeHandler(v -> proxies.remove(key));
                    return new Replay(events.getList(), ended, out);
                });
    }

    /**
     * Writes what another node sends for {@code key} (see {@link #remote}) to {@code out}: a session's GET stream held
     * by the session's owner node, shown on this node's response. Returns the proxy's {@code {address, key}}.
     */
    JsonObject proxy(String key, SseStream.Output out) {
        proxies.put(key, out);
        return new JsonObject().put("address", Addresses.router(tag)).put("key", key);
    }

    /** A fresh key for {@link #proxy}. */
    String proxyKey() {
        return tag + ".p" + next++;
    }

    /** Stops showing a proxied stream; {@code end}: ends its output too. */
    void unproxy(String key, boolean end) {
        SseStream.Output out = proxies.remove(key);
        if (out != null && end) out.end();
    }

    /** The owner's side of a resumption that landed on another instance, and the proxied events that follow. */
    void onMessage(Message<JsonObject> m) {
        JsonObject body = m.body();
        if (body.containsKey("proxy") && body.getValue("proxy") instanceof String key) {
            SseStream.Output out = proxies.get(key);
            if (out == null) return;
            if (body.getBoolean("end", false)) {
                proxies.remove(key);
                out.end();
            } else {
                out.write(body.getString("chunk"));
            }
            return;
        }
        JsonObject proxy = body.getJsonObject("proxy");
        try {
            Replay replay = replay(
                    body.getString("session"),
                    body.getString("resume"),
                    body.getLong("after"),
                    remote(proxy.getString("address"), proxy.getString("key")));
            m.reply(new JsonObject()
                    .put("events", new JsonArray(replay.events()))
                    .put("ended", replay.ended()));
        } catch (NotResumable e) {
            m.fail(400, e.getMessage());
        }
    }

    private Replay replay(String session, String streamId, long seq, SseStream.Output next) {
        SseStream stream = streams.get(streamId);
        if (stream == null || !stream.session().equals(session)) {
            throw new NotResumable("stream " + streamId + " is unknown or has expired");
        }
        List<String> events = stream.after(seq);
        if (events == null) {
            throw new NotResumable("the events after " + streamId + "." + seq + " are no longer buffered");
        }
        if (!stream.ended()) stream.to(next);
        return new Replay(events, stream.ended(), next);
    }

    /** An output that sends each chunk to a {@link #proxy} on another instance or node. */
    SseStream.Output remote(String address, String key) {
        return new SseStream.Output() {
            @Override
            public void write(String chunk) {
                vertx.eventBus()
                        .send(address, new JsonObject().put("proxy", key).put("chunk", chunk));
            }

            @Override
            public void end() {
                vertx.eventBus()
                        .send(address, new JsonObject().put("proxy", key).put("end", true));
            }

            @Override
            public boolean open() {
                return true;
            }
        };
    }
}
