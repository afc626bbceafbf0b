package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A service that cannot start says why in its last error, as /health/ready and the admin API show it. */
@Timeout(120)
class FailureSummaryTest {
    private static JsonObject sh(String script) {
        return new JsonObject()
                .put("command", "sh")
                .put("args", new JsonArray().add("-c").add(script))
                .put("maxRestarts", 1);
    }

    @Test
    void theErrorIsTheLineThatSaysWhatWentWrongNotTheLastOne() {
        // What npx prints for a package that does not exist, then exits 1.
        String npm = "echo 'npm error code E404' >&2;"
                + " echo 'npm error 404 Not Found - GET https://registry.npmjs.org/@x%2fnope - Not found' >&2;"
                + " echo 'npm error 404' >&2;"
                + " echo 'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log' >&2;"
                + " exit 1";
        JsonObject services =
                new JsonObject().put("npm", sh(npm)).put("nocwd", sh("true").put("cwd", "/nonexistent/mcpstore-cwd"));
        try (TestGateway gateway = TestGateway.start(new JsonObject().put("services", services))) {
            gateway.awaitState("npm", Duration.ofSeconds(60), "failed");
            gateway.awaitState("nocwd", Duration.ofSeconds(60), "failed");
            assertThat(gateway.service("npm").getString("error"))
                    .contains("exited with code 1")
                    .contains("npm error code E404")
                    .doesNotContain("complete log");
            assertThat(gateway.service("nocwd").getString("error"))
                    .contains("working directory /nonexistent/mcpstore-cwd does not exist")
                    .doesNotContain("Cannot run program");
        }
    }
}
