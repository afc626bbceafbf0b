package io.mcpstore.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.config.GatewayConfig.Naming;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pages of a view: what a client receives, byte for byte, and where cursors lead. */
class PageTest {

    /** {@code tools} tools per service, with the things JSON encoders disagree on if anything. */
    private static Catalog catalog(int services, int tools) {
        Catalog catalog = Catalog.EMPTY;
        for (int s = 0; s < services; s++) {
            JsonArray list = new JsonArray();
            for (int t = 0; t < tools; t++) {
                list.add(new JsonObject()
                        .put("name", t % 3 == 0 ? "shared" + t : "tool" + s + "_" + t)
                        .put("description", "“quoted” \"text\" with \\ back\tslash, ünïcödé 😀 and </script>")
                        .put(
                                "annotations",
                                new JsonObject().put("readOnlyHint", t % 2 == 0).putNull("title"))
                        .put(
                                "inputSchema",
                                new JsonObject()
                                        .put("type", "object")
                                        .put("minimum", -1.5e-7)
                                        .put("maximum", Long.MAX_VALUE)
                                        .put(
                                                "enum",
                                                new JsonArray()
                                                        .add(1)
                                                        .add(2.25)
                                                        .add("x")
                                                        .addNull())));
            }
            catalog = catalog.with(ServiceCatalog.fromJson(new JsonObject()
                    .put("service", "svc" + s)
                    .put("state", "ready")
                    .put("tools", list)
                    .put("prompts", new JsonArray().add(new JsonObject().put("name", "p")))
                    .put("resources", new JsonArray().add(new JsonObject().put("uri", "svc" + s + "://r")))));
        }
        return catalog;
    }

    private static List<String> services(int n) {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < n; s++) names.add("svc" + s);
        return names;
    }

    private static List<String> names(JsonArray items) {
        return items.stream().map(o -> ((JsonObject) o).getString("name")).toList();
    }

    /** The page as a client parses it. */
    private static JsonObject parsed(JsonObject page) {
        return new JsonObject(Json.encode(page));
    }

    @ParameterizedTest
    @EnumSource(Naming.Mode.class)
    void encodedPagesAreTheBytesOfThePlainOnes(Naming.Mode mode) {
        CatalogView view = CatalogView.build(catalog(12, 7), services(12), new Naming(mode, "__"));
        for (CatalogView.Kind kind : CatalogView.Kind.values()) {
            JsonArray plain = switch (kind) {
                case TOOLS -> view.tools();
                case PROMPTS -> view.prompts();
                case RESOURCES -> view.resources();
                case RESOURCE_TEMPLATES -> view.resourceTemplates();
            };
            String cursor = null;
            int pages = 0;
            do {
                JsonObject encoded = view.page(kind, cursor, 10);
                JsonObject expected = Page.of(kind.field(), plain, cursor, 10);
                JsonObject answer = JsonRpc.result(7, encoded);
                JsonObject want = JsonRpc.result(7, expected);
                // What the router writes as application/json: the same bytes.
                assertThat(Json.encodeToBuffer(answer)).isEqualTo(Json.encodeToBuffer(want));
                assertThat(Json.encodeToBuffer(new JsonArray().add(answer))) // in a batch
                        .isEqualTo(Json.encodeToBuffer(new JsonArray().add(want)));
                // What an SSE event carries, also after the bus's local copy: the same JSON (a character outside
                // the BMP may be written as its escape, as application/json bodies always did).
                assertThat(new JsonObject(answer.encode())).isEqualTo(new JsonObject(want.encode()));
                assertThat(new JsonObject(answer.copy().encode())).isEqualTo(new JsonObject(want.encode()));
                cursor = encoded.getString("nextCursor");
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(Math.max(1, (plain.size() + 9) / 10));
        }
    }

    @Test
    void pagesAcrossManyServicesFollowCursorsToTheEnd() {
        CatalogView view = CatalogView.build(catalog(40, 7), services(40), new Naming(Naming.Mode.ALWAYS, "__"));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = parsed(view.page(CatalogView.Kind.TOOLS, cursor, 9));
            assertThat(page.getJsonArray("tools").size()).isLessThanOrEqualTo(9);
            seen.addAll(names(page.getJsonArray("tools")));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(280).doesNotHaveDuplicates().isEqualTo(names(view.tools()));
        assertThat(seen.get(0)).isEqualTo("svc0__shared0");
        assertThat(seen.get(279)).isEqualTo("svc39__shared6");
        assertThat(pages).isEqualTo(32);
    }

    @Test
    void aCursorStaysValidAcrossACatalogChange() {
        Naming naming = new Naming(Naming.Mode.ALWAYS, "__");
        Catalog before = catalog(3, 4);
        String cursor = parsed(CatalogView.build(before, services(4), naming).page(CatalogView.Kind.TOOLS, null, 5))
                .getString("nextCursor");

        // A fourth service comes up: the cursor goes on from the same offset of the new list.
        Catalog after = before.with(catalog(4, 4).service("svc3"));
        CatalogView grown = CatalogView.build(after, services(4), naming);
        JsonObject next = parsed(grown.page(CatalogView.Kind.TOOLS, cursor, 5));
        assertThat(names(next.getJsonArray("tools")))
                .isEqualTo(names(grown.tools()).subList(5, 10));

        // Two services go away: an offset past the end of the shorter list is refused as a foreign cursor is.
        String far = parsed(grown.page(CatalogView.Kind.TOOLS, next.getString("nextCursor"), 5))
                .getString("nextCursor");
        CatalogView shrunk = CatalogView.build(after.without("svc2").without("svc3"), services(4), naming);
        assertThatThrownBy(() -> shrunk.page(CatalogView.Kind.TOOLS, far, 5))
                .isInstanceOfSatisfying(
                        McpException.class, e -> assertThat(e.code()).isEqualTo(JsonRpc.INVALID_PARAMS))
                .hasMessageContaining("Invalid cursor");
    }

    @Test
    void anEmptyListIsOnePageWithoutCursor() {
        CatalogView view = CatalogView.build(Catalog.EMPTY, List.of("nobody"), new Naming(Naming.Mode.ALWAYS, "__"));
        JsonObject page = parsed(view.page(CatalogView.Kind.TOOLS, null, 10));
        assertThat(page.getJsonArray("tools")).isEmpty();
        assertThat(page.containsKey("nextCursor")).isFalse();
    }
}
