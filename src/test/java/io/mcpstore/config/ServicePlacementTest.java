package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpstore.config.ServicePlacement.Balance;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The cluster keys of a service entry that say how calls reach its replicas: {@code balance} and {@code retry}. */
class ServicePlacementTest {
    private static final JsonObject ENTRY = new JsonObject().put("command", "true");

    private static ServicePlacement placement(JsonObject extra) {
        return ServiceConfig.fromJson("s", ENTRY.copy().mergeIn(extra), "services.s")
                .placement();
    }

    @Test
    void roundRobinUnlessTheServiceSaysLeastInflight() {
        assertThat(placement(new JsonObject()).balance()).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(placement(new JsonObject().put("balance", "round-robin")).balance())
                .isEqualTo(Balance.ROUND_ROBIN);
        ServicePlacement least = placement(new JsonObject().put("replicas", 3).put("balance", "least-inflight"));
        assertThat(least.balance()).isEqualTo(Balance.LEAST_INFLIGHT);
        assertThat(least.replicas()).isEqualTo(3);
    }

    @Test
    void balanceAndRetrySurviveTheRoundTripAndDefaultsAreNotWritten() {
        ServiceConfig sc = ServiceConfig.fromJson(
                "s", ENTRY.copy().put("balance", "least-inflight").put("retry", "safe"), "services.s");
        assertThat(sc.toJson().getString("balance")).isEqualTo("least-inflight");
        assertThat(ServiceConfig.fromDeployment(sc.toJson()).placement()).isEqualTo(sc.placement());
        assertThat(ServiceConfig.fromJson("s", ENTRY, "services.s").toJson().containsKey("balance"))
                .isFalse();
    }

    @Test
    void aWrongBalanceIsNamedWithWhatItMayBe() {
        assertThatThrownBy(() -> placement(new JsonObject().put("balance", "random")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("services.s.balance")
                .hasMessageContaining("'round-robin' or 'least-inflight'")
                .hasMessageContaining("random");
        assertThatThrownBy(() -> placement(new JsonObject().put("balance", 2)))
                .hasMessageContaining("services.s.balance");
    }

    @Test
    void retryIsSafeOrNever() {
        assertThat(placement(new JsonObject().put("retry", "safe")).retrySafe()).isTrue();
        assertThat(placement(new JsonObject().put("retry", "never")).retrySafe())
                .isFalse();
        assertThat(placement(new JsonObject()).retrySafe()).isFalse();
        assertThatThrownBy(() -> placement(new JsonObject().put("retry", true)))
                .hasMessageContaining("services.s.retry")
                .hasMessageContaining("'safe' or 'never'");
    }
}
