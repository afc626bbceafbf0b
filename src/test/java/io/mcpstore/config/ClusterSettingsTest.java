package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    @Test
    void offByDefaultAndOnWithTheFlag() {
        assertThat(ClusterSettings.fromJson(null, false).enabled()).isFalse();
        ClusterSettings on = ClusterSettings.fromJson(null, true);
        assertThat(on.enabled()).isTrue();
        assertThat(on.host()).isEqualTo("127.0.0.1");
        assertThat(on.port()).isEqualTo(5701);
        assertThat(on.name()).isEqualTo("mcpstore");
        assertThat(on.nodeName()).isEqualTo("127.0.0.1:5701");
    }

    @Test
    void readsMembersAndLabels() {
        ClusterSettings s = ClusterSettings.fromJson(
                new JsonObject()
                        .put("enabled", true)
                        .put("name", "prod")
                        .put("host", "10.0.0.5")
                        .put("port", 5801)
                        .put("busPort", 5802)
                        .put("members", new JsonArray().add("10.0.0.6:5801").add("10.0.0.7"))
                        .put("labels", "gpu, python"),
                false);
        assertThat(s.members()).containsExactly("10.0.0.6:5801", "10.0.0.7:5701");
        assertThat(s.labels()).containsExactly("gpu", "python");
        assertThat(s.busPort()).isEqualTo(5802);
        assertThat(ClusterSettings.fromDeployment(s.toJson())).isEqualTo(s);
    }

    @Test
    void badKeysAreNamed() {
        assertThatThrownBy(() -> ClusterSettings.fromJson(new JsonObject().put("memebrs", List.of()), true))
                .hasMessageContaining("cluster.memebrs")
                .hasMessageContaining("did you mean 'members'");
        assertThatThrownBy(() -> ClusterSettings.fromJson(new JsonObject().put("host", "0.0.0.0"), true))
                .hasMessageContaining("cluster.host");
        assertThatThrownBy(() -> ClusterSettings.fromJson(new JsonObject().put("port", 70000), true))
                .hasMessageContaining("cluster.port");
        assertThatThrownBy(() -> ClusterSettings.fromJson(
                        new JsonObject().put("members", new JsonArray().add("10.0.0.6:x")), true))
                .hasMessageContaining("cluster.members");
        assertThatThrownBy(() -> ClusterSettings.fromJson(
                        new JsonObject().put("port", 5701).put("busPort", 5701), true))
                .hasMessageContaining("cluster.busPort");
    }

    @Test
    void aServiceSaysWhereItRuns() {
        JsonObject entry = new JsonObject()
                .put("command", "echo")
                .put("replicas", 2)
                .put("retry", "safe")
                .put("placement", new JsonObject().put("labels", new JsonArray().add("gpu")));
        ServiceConfig sc = ServiceConfig.fromJson("s", entry, "services.s");
        assertThat(sc.placement()).isEqualTo(new ServicePlacement(2, true, List.of("gpu")));
        assertThat(ServiceConfig.fromDeployment(sc.toJson()).placement()).isEqualTo(sc.placement());
        assertThat(ServiceConfig.fromJson("t", new JsonObject().put("command", "echo"), "services.t")
                        .toJson()
                        .containsKey("replicas"))
                .isFalse();
        assertThatThrownBy(() -> ServiceConfig.fromJson("s", entry.copy().put("replicas", 0), "services.s"))
                .hasMessageContaining("services.s.replicas");
        assertThatThrownBy(() -> ServiceConfig.fromJson(
                        "s", entry.copy().put("placement", new JsonObject().put("lables", "x")), "services.s"))
                .hasMessageContaining("services.s.placement.lables");
        assertThatThrownBy(() -> ServiceConfig.fromJson("s", entry.copy().put("retry", "always"), "services.s"))
                .hasMessageContaining("services.s.retry");
    }
}
