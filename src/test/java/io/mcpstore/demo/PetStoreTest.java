package io.mcpstore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo pet store as a client of its API sees it, and its OpenAPI document naming the server it came from. */
@Timeout(30)
class PetStoreTest {
    private Vertx vertx;
    private PetStore store;
    private WebClient http;
    private String base;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        store = new PetStore();
        store.listen(vertx, "127.0.0.1", 0).await();
        base = store.baseUrl();
        http = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private HttpResponse<Buffer> send(HttpMethod method, String path, Object body) {
        var request = http.requestAbs(method, base + path);
        if (body instanceof JsonObject json) return request.sendJsonObject(json).await();
        if (body instanceof MultiMap form) return request.sendForm(form).await();
        return request.send().await();
    }

    @Test
    void servesPets() {
        HttpResponse<Buffer> one = send(HttpMethod.GET, "/pets/1", null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.bodyAsJsonObject().getJsonObject("data").getString("name"))
                .isEqualTo("Rex");

        HttpResponse<Buffer> added = send(HttpMethod.POST, "/pets", new JsonObject().put("name", "Fido"));
        assertThat(added.statusCode()).isEqualTo(201);
        int id = added.bodyAsJsonObject().getJsonObject("data").getInteger("id");
        assertThat(id).isEqualTo(4);

        HttpResponse<Buffer> photo = send(
                HttpMethod.POST,
                "/pets/4/photo",
                MultiMap.caseInsensitiveMultiMap().add("url", "http://x/p.png"));
        assertThat(photo.statusCode()).isEqualTo(201);
        assertThat(send(HttpMethod.GET, "/pets/4?verbose=true", null)
                        .bodyAsJsonObject()
                        .getJsonObject("data")
                        .getInteger("photos"))
                .isEqualTo(1);

        assertThat(send(HttpMethod.GET, "/pets?status=sold", null)
                        .bodyAsJsonObject()
                        .getInteger("total"))
                .isEqualTo(1);
        assertThat(send(HttpMethod.DELETE, "/pets/4", null).statusCode()).isEqualTo(204);
        HttpResponse<Buffer> gone = send(HttpMethod.GET, "/pets/4", null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.bodyAsJsonObject().getString("error")).isEqualTo("pet 4 not found");
        assertThat(send(HttpMethod.GET, "/pets/1/image", null).getHeader("Content-Type"))
                .isEqualTo("image/png");
        assertThat(store.hits("GET /api/pets/4")).isEqualTo(2);
    }

    @Test
    void checksCredentialsAndIssuesTokens() {
        assertThat(send(HttpMethod.GET, "/secure", null).statusCode()).isEqualTo(401);
        assertThat(send(HttpMethod.GET, "/secure?api_key=" + PetStore.API_KEY, null)
                        .bodyAsJsonObject()
                        .getJsonObject("data")
                        .getString("authenticatedBy"))
                .isEqualTo("apiKey");
        String basic =
                Base64.getEncoder().encodeToString((PetStore.CLIENT_ID + ":" + PetStore.CLIENT_SECRET).getBytes());
        HttpResponse<Buffer> token = http.postAbs(base + "/oauth/token")
                .putHeader("Authorization", "Basic " + basic)
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
                .await();
        assertThat(token.statusCode()).isEqualTo(200);
        String access = token.bodyAsJsonObject().getString("access_token");
        HttpResponse<Buffer> secure = http.getAbs(base + "/secure")
                .putHeader("Authorization", "Bearer " + access)
                .send()
                .await();
        assertThat(secure.bodyAsJsonObject().getJsonObject("data").getString("authenticatedBy"))
                .isEqualTo("oauth2");
        store.revokeTokens();
        assertThat(http.getAbs(base + "/secure")
                        .putHeader("Authorization", "Bearer " + access)
                        .send()
                        .await()
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void describesItselfWithItsOwnAddress() {
        JsonObject doc = send(HttpMethod.GET, "/openapi.json", null).bodyAsJsonObject();
        assertThat(doc.getString("openapi")).startsWith("3.");
        assertThat(doc.getJsonArray("servers").getJsonObject(0).getString("url"))
                .isEqualTo(base);
        assertThat(doc.getJsonObject("paths").fieldNames()).contains("/pets", "/pets/{id}", "/pets/{id}/photo");
        assertThat(send(HttpMethod.GET, "/openapi.yaml", null).bodyAsString()).contains("url: " + base);
    }

    @Test
    void failsFirstThenSucceeds() {
        assertThat(send(HttpMethod.GET, "/flaky/a?failures=1", null).statusCode())
                .isEqualTo(503);
        assertThat(send(HttpMethod.GET, "/flaky/a?failures=1", null).statusCode())
                .isEqualTo(200);
        assertThat(send(HttpMethod.GET, "/redirect?to=/api/pets", null).getHeader("Location"))
                .isEqualTo("/api/pets");
        assertThat(send(HttpMethod.GET, "/big?bytes=100000", null).body().length())
                .isEqualTo(100_000 + 11);
    }
}
