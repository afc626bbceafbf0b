package io.mcpstore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CatalogTest {

    private static ServiceCatalog service(String name, String state) {
        return ServiceCatalog.fromJson(new JsonObject()
                .put("service", name)
                .put("state", state)
                .put("tools", new JsonArray().add(new JsonObject().put("name", "t"))));
    }

    @Test
    void aChangeLeavesEarlierSnapshotsAsTheyWere() {
        Catalog one = Catalog.EMPTY.with(service("a", "connecting"));
        Catalog two = one.with(service("a", "ready")).with(service("b", "ready"));
        Catalog three = two.without("a");

        assertThat(one.service("a").state()).isEqualTo("connecting");
        assertThat(one.service("b")).isNull();
        assertThat(two.service("a").state()).isEqualTo("ready");
        assertThat(two.services()).containsOnlyKeys("a", "b");
        assertThat(three.service("a")).isNull();
        assertThat(three.services()).containsOnlyKeys("b");
        assertThat(three.without("a")).isSameAs(three);
        assertThat(one.version()).isLessThan(two.version());
        assertThat(two.version()).isLessThan(three.version());
    }

    @Test
    void aThousandServicesAreAllKept() {
        Catalog catalog = Catalog.EMPTY;
        for (int i = 0; i < 1_000; i++) catalog = catalog.with(service("s" + i, "connecting"));
        for (int i = 0; i < 1_000; i++) catalog = catalog.with(service("s" + i, "ready"));
        assertThat(catalog.services()).hasSize(1_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(catalog.service("s" + i).state()).isEqualTo("ready");
        }
        assertThat(catalog.version()).isEqualTo(2_000);
    }
}
