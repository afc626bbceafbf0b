package io.mcpstore.webdata;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.StoreSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the web data store — the console's own data, today the chat lab's transcripts — and answers {@code
 * mcpstore.webdata.transcripts} ({@link Addresses#WEBDATA_TRANSCRIPTS}). One per node, beside the config store whose
 * kind it follows.
 */
public final class WebDataVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(WebDataVerticle.class);

    private TranscriptStore store;
    private MessageConsumer<JsonObject> consumer;

    /** The deployment config: the config store's settings, and whether to answer this node only (a cluster). */
    public static JsonObject deploymentConfig(StoreSettings store, boolean local) {
        return new JsonObject().put("store", store.toJson()).put("local", local);
    }

    @Override
    public Future<?> start() {
        StoreSettings settings = StoreSettings.fromDeployment(
                config().getJsonObject("store", StoreSettings.memory().toJson()));
        store = TranscriptStore.of(vertx, settings);
        return store.start().compose(v -> {
            LOG.info("Web data (chat transcripts): {}", describe(settings));
            var bus = vertx.eventBus();
            consumer = config().getBoolean("local", false)
                    ? bus.localConsumer(Addresses.WEBDATA_TRANSCRIPTS, this::handle)
                    : bus.consumer(Addresses.WEBDATA_TRANSCRIPTS, this::handle);
            return consumer.completion();
        });
    }

    private String describe(StoreSettings settings) {
        if (store instanceof FileTranscriptStore f) return "files in " + f.dir();
        if (store instanceof PostgresTranscriptStore)
            return "PostgreSQL table " + settings.schema() + ".chat_transcripts";
        return "memory (kept until the gateway stops)";
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
        return unregistered.transform(v -> store == null ? Future.succeededFuture() : store.close());
    }

    private void handle(Message<JsonObject> m) {
        JsonObject body = m.body();
        String owner = body.getString("owner");
        String id = body.getString("id");
        Future<JsonObject> answer;
        if (owner == null) {
            answer = Future.failedFuture("owner is required");
        } else {
            answer = switch (body.getString("op", "")) {
                case "list" -> store.list(owner).map(list -> new JsonObject().put("transcripts", new JsonArray(list)));
                case "get" -> store.get(owner, id).compose(t -> t == null ? notFound(id) : found(t));
                case "put" -> {
                    JsonObject t = body.getJsonObject("transcript");
                    if (t == null || !owner.equals(t.getString("owner")) || t.getString("id") == null) {
                        yield Future.failedFuture("put needs a transcript with this owner and an id");
                    }
                    yield store.put(t).map(v -> new JsonObject().put("id", t.getString("id")));
                }
                case "delete" ->
                    store.delete(owner, id)
                            .compose(gone -> gone ? found(new JsonObject().put("deleted", id)) : notFound(id));
                default -> Future.failedFuture("unknown op '" + body.getString("op") + "'");
            };
        }
        answer.onSuccess(m::reply).onFailure(e -> {
            int code = e instanceof NotFound ? 404 : 500;
            if (code == 500) LOG.warn("Web data store: {}", e.getMessage());
            m.fail(code, e.getMessage());
        });
    }

    private static Future<JsonObject> found(JsonObject t) {
        return Future.succeededFuture(t.containsKey("deleted") ? t : new JsonObject().put("transcript", t));
    }

    private static Future<JsonObject> notFound(String id) {
        return Future.failedFuture(new NotFound("transcript '" + id + "' not found"));
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }
}
