package io.mcpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mcpstore.Main;
import io.mcpstore.TestGateway;
import io.mcpstore.demo.PetStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mcpstore service import-openapi} and {@code mcpstore tool dry-run} against a gateway and the demo pet store. */
@Timeout(120)
class CliOpenApiTest {
    private Vertx vertx;
    private PetStore store;
    private TestGateway gateway;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        store = new PetStore();
        store.listen(vertx, "127.0.0.1", 0).await();
        gateway = TestGateway.startReady(new JsonObject().put("services", new JsonObject()));
    }

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
        if (store != null) store.close().await();
        if (vertx != null) vertx.close().await();
    }

    private record Run(int exit, String out, String err) {}

    private Run mcpstore(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(gateway.url());
        int exit = new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void importAFileOrAUrlAndDryRunATool() throws Exception {
        Path file = dir.resolve("petstore.yaml");
        Files.writeString(file, PetStore.openApiText());
        Run preview = mcpstore(
                "service",
                "import-openapi",
                file.toString(),
                "--name",
                "pets",
                "--base-url",
                store.baseUrl(),
                "--allow-private-network",
                "--dry-run");
        assertThat(preview.exit()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("Would add rest service 'pets'");
        assertThat(gateway.state("pets")).isNull();

        Run imported = mcpstore(
                "service",
                "import-openapi",
                file.toString(),
                "--name",
                "pets",
                "--base-url",
                store.baseUrl(),
                "--allow-private-network",
                "--include",
                "getPet,listPets,addPhoto",
                "--header",
                "X-Team=blue");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out())
                .contains("Added rest service 'pets' (revision 2) calling " + store.baseUrl() + " with 3 tools:")
                .containsPattern("getPet\\s+GET\\s+/pets/\\{id}")
                .containsPattern("addPhoto\\s+POST\\s+/pets/\\{id}/photo")
                .doesNotContain("warning:"); // only whoAmI needs credentials, and it is not included
        await().atMost(Duration.ofSeconds(30)).until(() -> "ready".equals(gateway.state("pets")));

        Run dry = mcpstore("tool", "dry-run", "pets", "getPet", "--args", "{\"id\": 3, \"verbose\": true}");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out())
                .startsWith("GET " + store.baseUrl() + "/pets/3?verbose=true")
                .contains("X-Team: ***");
        Run form = mcpstore("tool", "dry-run", "pets", "addPhoto", "--args", "{\"id\": 1, \"url\": \"u\"}");
        assertThat(form.out())
                .startsWith("POST " + store.baseUrl() + "/pets/1/photo")
                .endsWith("url=u\n");
        Run call = mcpstore("tool", "call", "pets__getPet", "--args", "{\"id\": 3}");
        assertThat(call.exit()).as(call.err()).isZero();
        assertThat(call.out()).contains("Polly");

        Run byUrl = mcpstore(
                "service",
                "import-openapi",
                store.baseUrl() + "/openapi.yaml",
                "--name",
                "all",
                "--allow-private-network",
                "--json");
        assertThat(byUrl.exit()).as(byUrl.err()).isZero();
        assertThat(new JsonObject(byUrl.out()).getJsonArray("tools").getList()).contains("getPet", "whoAmI");
        assertThat(new JsonObject(byUrl.out()).getJsonArray("warnings").encode())
                .contains("security");

        Run unknown = mcpstore("service", "import-openapi", file.toString(), "--name", "x", "--include", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("HTTP 400").contains("unknown operationId nope");
        Run noFile = mcpstore(
                "service", "import-openapi", dir.resolve("missing.yaml").toString(), "--name", "x");
        assertThat(noFile.exit()).isEqualTo(1);
        assertThat(noFile.err()).contains("no such file");
        Run badArgs = mcpstore("tool", "dry-run", "pets", "getPet", "--args", "{\"id\": \"three\"}");
        assertThat(badArgs.exit()).isEqualTo(1);
        assertThat(badArgs.err()).contains("HTTP 400").contains("arguments");
    }
}
