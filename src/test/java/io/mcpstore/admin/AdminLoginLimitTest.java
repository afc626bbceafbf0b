package io.mcpstore.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.TestGateway;
import io.mcpstore.security.TestIdentities;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sign-in is public, so guessing passwords is slowed by a bucket per user name: 429 with Retry-After. */
@Timeout(60)
class AdminLoginLimitTest {
    @Test
    void signInAsOneUserIsLimitedByItsOwnBucket() {
        JsonObject bucket = new JsonObject().put("requestsPerSecond", 0.001).put("burst", 2);
        try (TestGateway gateway = TestGateway.start(new JsonObject()
                .put("services", new JsonObject())
                .put(
                        "security",
                        new JsonObject()
                                .put("enabled", true)
                                .put("rateLimits", new JsonObject().put("perKey", bucket))))) {
            TestIdentities.putUser(gateway, "root", "admin", "a long enough password");
            Api api = new Api(gateway);
            JsonObject wrong = new JsonObject().put("username", "root").put("password", "a guess at it");
            assertThat(api.post("/auth/login", wrong).statusCode()).isEqualTo(401);
            assertThat(api.post("/auth/login", wrong).statusCode()).isEqualTo(401);
            HttpResponse<String> limited = api.post("/auth/login", wrong);
            assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            // Another user name has a bucket of its own.
            JsonObject other = new JsonObject().put("username", "someone").put("password", "a guess at it");
            assertThat(api.post("/auth/login", other).statusCode()).isEqualTo(401);
        }
    }
}
