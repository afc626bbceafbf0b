package io.mcpstore.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The list methods as a router answers them from its catalog copy, across catalog changes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class McpDispatcherTest {
    private static final Endpoint GATEWAY = new Endpoint("", null, List.of("a", "b"));
    private static final Endpoint APP = new Endpoint("/app", "app", List.of("b"));

    private McpDispatcher dispatcher;
    private int nextId;

    @BeforeEach
    void setUp(Vertx vertx) {
        GatewayConfig config =
                GatewayConfig.fromJson(new JsonObject().put("catalog", new JsonObject().put("pageSize", 3)));
        dispatcher = new McpDispatcher(
                vertx, SessionStore.shared(vertx, config.sessions()), config, GatewayMetrics.of(null), false, "test");
    }

    private static ServiceCatalog service(String name, String state, String... tools) {
        JsonArray list = new JsonArray();
        for (String t : tools) list.add(new JsonObject().put("name", t).put("inputSchema", new JsonObject()));
        return ServiceCatalog.fromJson(
                new JsonObject().put("service", name).put("state", state).put("tools", list));
    }

    /** One tools/list answer, as the client parses what the router writes. */
    private JsonObject list(Endpoint endpoint, Object cursor) throws Exception {
        JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
        JsonObject request = JsonRpc.request(++nextId, "tools/list", params);
        JsonObject answer = dispatcher.answer(endpoint, null, request).await(5, TimeUnit.SECONDS);
        return new JsonObject(Json.encodeToBuffer(answer));
    }

    private List<String> names(Endpoint endpoint) throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject result = list(endpoint, cursor).getJsonObject("result");
            result.getJsonArray("tools").forEach(t -> names.add(((JsonObject) t).getString("name")));
            cursor = result.getString("nextCursor");
        } while (cursor != null);
        return names;
    }

    @Test
    void listsFollowTheCatalogChangesOfTheServicesTheyShow() throws Exception {
        dispatcher.catalog(service("a", "ready", "x", "y"));
        dispatcher.catalog(service("b", "ready", "z"));
        assertThat(names(GATEWAY)).containsExactly("a__x", "a__y", "b__z");
        assertThat(names(APP)).containsExactly("b__z");

        dispatcher.catalog(service("a", "ready", "x", "y", "w"));
        assertThat(names(GATEWAY)).containsExactly("a__x", "a__y", "a__w", "b__z");
        assertThat(names(APP)).containsExactly("b__z");

        dispatcher.catalog(service("b", "reconnecting", "z"));
        assertThat(names(GATEWAY)).containsExactly("a__x", "a__y", "a__w");
        assertThat(names(APP)).isEmpty();

        dispatcher.catalog(service("b", "ready", "z", "v"));
        assertThat(names(APP)).containsExactly("b__z", "b__v");
    }

    @Test
    void aCursorHandedOutBeforeAChangePagesOn() throws Exception {
        dispatcher.catalog(service("a", "ready", "t1", "t2", "t3", "t4"));
        JsonObject first = list(GATEWAY, null).getJsonObject("result");
        assertThat(first.getJsonArray("tools")).hasSize(3);

        dispatcher.catalog(service("b", "ready", "u1"));
        JsonObject second = list(GATEWAY, first.getString("nextCursor")).getJsonObject("result");
        assertThat(second.getJsonArray("tools").stream()
                        .map(t -> ((JsonObject) t).getString("name"))
                        .toList())
                .containsExactly("a__t4", "b__u1");
        assertThat(second.containsKey("nextCursor")).isFalse();
    }

    @Test
    void aCursorThatIsNotOursIsInvalidParams() throws Exception {
        dispatcher.catalog(service("a", "ready", "t1"));
        for (Object cursor :
                List.of("bogus", "bzo5OQ", "bzotMQ", 42)) { // "o:99" and "o:-1" are no offsets of this list
            JsonObject answer = list(GATEWAY, cursor);
            assertThat(answer.getInteger("id")).isEqualTo(nextId);
            assertThat(answer.getJsonObject("error").getInteger("code")).isEqualTo(JsonRpc.INVALID_PARAMS);
        }
    }
}
