package io.mcpstore.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.config.GatewayConfig.Naming;
import io.mcpstore.protocol.McpException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogViewTest {

    private static ServiceCatalog service(String name, String state, String... tools) {
        JsonArray list = new JsonArray();
        for (String t : tools) list.add(new JsonObject().put("name", t).put("inputSchema", new JsonObject()));
        return ServiceCatalog.fromJson(new JsonObject()
                .put("service", name)
                .put("state", state)
                .put("tools", list)
                .put("prompts", new JsonArray().add(new JsonObject().put("name", "p")))
                .put("resources", new JsonArray().add(new JsonObject().put("uri", name + "://readme")))
                .put(
                        "resourceTemplates",
                        new JsonArray().add(new JsonObject().put("uriTemplate", name + "://notes/{id}"))));
    }

    private static final Catalog CATALOG = Catalog.EMPTY
            .with(service("github", "ready", "search", "create_issue"))
            .with(service("jira", "ready", "search", "transition"))
            .with(service("down", "reconnecting", "search"));

    private static List<String> names(JsonArray items) {
        return items.stream().map(o -> ((JsonObject) o).getString("name")).toList();
    }

    @Test
    void alwaysPrefixesEveryNameWithItsService() {
        CatalogView view =
                CatalogView.build(CATALOG, List.of("github", "jira", "down"), new Naming(Naming.Mode.ALWAYS, "__"));
        assertThat(names(view.tools()))
                .containsExactly("github__search", "github__create_issue", "jira__search", "jira__transition");
        assertThat(view.tool("jira__search")).isEqualTo(new CatalogView.Target("jira", "search"));
        assertThat(view.tool("search")).isNull();
        assertThat(names(view.prompts())).containsExactly("github__p", "jira__p");
        assertThat(view.warnings()).isEmpty();
    }

    @Test
    void onCollisionPrefixesOnlyTheNamesThatCollide() {
        CatalogView view =
                CatalogView.build(CATALOG, List.of("github", "jira"), new Naming(Naming.Mode.ON_COLLISION, "."));
        assertThat(names(view.tools()))
                .containsExactlyInAnyOrder("github.search", "create_issue", "jira.search", "transition");
        assertThat(view.tool("create_issue")).isEqualTo(new CatalogView.Target("github", "create_issue"));
    }

    @Test
    void neverKeepsTheFirstServiceAndWarnsNamingBoth() {
        CatalogView view = CatalogView.build(CATALOG, List.of("github", "jira"), new Naming(Naming.Mode.NEVER, "__"));
        assertThat(names(view.tools())).containsExactly("search", "create_issue", "transition");
        assertThat(view.tool("search").service()).isEqualTo("github");
        assertThat(view.warnings())
                .anySatisfy(w ->
                        assertThat(w).contains("'search'").contains("'jira'").contains("'github'"));
    }

    @Test
    void onlyAvailableServicesAndTheEndpointsOwnAreShown() {
        CatalogView app = CatalogView.build(CATALOG, List.of("jira", "down"), new Naming(Naming.Mode.ALWAYS, "__"));
        assertThat(names(app.tools())).containsExactly("jira__search", "jira__transition");
    }

    @Test
    void resourcesAndTemplatesRouteBackToTheirService() {
        CatalogView view = CatalogView.build(CATALOG, List.of("github", "jira"), new Naming(Naming.Mode.ALWAYS, "__"));
        assertThat(view.resourceOwner("jira://readme")).isEqualTo("jira");
        assertThat(view.resourceOwner("github://notes/42")).isEqualTo("github");
        assertThat(view.resourceOwner("github://notes/42/deeper")).isNull();
        assertThat(view.resourceOwner("other://x")).isNull();
    }

    @Test
    void pagesFollowCursorsAndRefuseForeignOnes() {
        JsonArray items = new JsonArray();
        for (int i = 0; i < 5; i++) items.add(new JsonObject().put("name", "t" + i));
        JsonObject first = Page.of("tools", items, null, 2);
        assertThat(names(first.getJsonArray("tools"))).containsExactly("t0", "t1");
        JsonObject second = Page.of("tools", items, first.getString("nextCursor"), 2);
        JsonObject third = Page.of("tools", items, second.getString("nextCursor"), 2);
        assertThat(names(third.getJsonArray("tools"))).containsExactly("t4");
        assertThat(third.containsKey("nextCursor")).isFalse();
        assertThatThrownBy(() -> Page.of("tools", items, "not-a-cursor", 2))
                .isInstanceOf(McpException.class)
                .hasMessageContaining("Invalid cursor");
    }

    @Test
    void aToolOfAServiceThatIsDownNamesThatService() {
        CatalogView view = CatalogView.build(
                CATALOG.with(service("never", "failed")),
                List.of("github", "down", "never"),
                new Naming(Naming.Mode.ALWAYS, "__"));
        assertThat(view.tool("down__search")).isNull();
        assertThat(view.unavailableOwner("down__search").service()).isEqualTo("down");
        assertThat(view.unavailableOwner("never__anything").service()).isEqualTo("never");
        assertThat(view.unavailableOwner("nobody__x")).isNull();
    }
}
