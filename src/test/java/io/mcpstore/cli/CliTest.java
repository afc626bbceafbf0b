package io.mcpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Main;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
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

/** {@code mcpstore service|tool|config …} end to end against a running gateway, over real HTTP. */
@Timeout(120)
class CliTest {
    private TestGateway gateway;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        gateway = TestGateway.startReady(Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx")));
    }

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
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
    void servicesToolsAndConfigFromTheCommandLine() throws Exception {
        Run list = mcpstore("service", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow())
                .startsWith("NAME")
                .contains("TRANSPORT", "STATE", "TOOLS");
        assertThat(list.out()).containsPattern("fx\\s+stdio\\s+ready");

        JsonObject fy = Upstreams.fixtureStdio("--name", "fy");
        List<String> add = new ArrayList<>(List.of("service", "add", "fy", "--command", fy.getString("command")));
        fy.getJsonArray("args").forEach(a -> {
            add.add("--arg=" + a);
        });
        add.addAll(List.of("--env", "TOKEN=${env:HOME}"));
        Run added = mcpstore(add.toArray(String[]::new));
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added service 'fy' (revision 2)");
        gateway.awaitState("fy", Duration.ofSeconds(30), "ready");

        Run tools = mcpstore("tool", "list", "--json");
        assertThat(tools.exit()).isZero();
        assertThat(new JsonObject(tools.out()).getJsonArray("tools").encode()).contains("fy__echo");
        Run table = mcpstore("tool", "list", "-q", "add");
        assertThat(table.out()).contains("fx__add").contains("fy__add").doesNotContain("fx__echo");

        Run call = mcpstore("tool", "call", "fy__add", "--args", "{\"a\": 20, \"b\": 22}");
        assertThat(call.exit()).as(call.err()).isZero();
        assertThat(call.out().trim()).isEqualTo("42");
        Run unknown = mcpstore("tool", "call", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("HTTP 404").contains("tool 'nope' not found");

        Run restart = mcpstore("service", "restart", "fx");
        assertThat(restart.exit()).as(restart.err()).isZero();
        assertThat(restart.out()).contains("Restarted service 'fx'");

        Run export = mcpstore("config", "export", "--format", "mcpServers");
        assertThat(new JsonObject(export.out()).getJsonObject("mcpServers").fieldNames())
                .containsExactly("fx", "fy");

        Run removed = mcpstore("service", "remove", "fy");
        assertThat(removed.out()).contains("Removed service 'fy' (revision 3)");

        Run revisions = mcpstore("config", "revisions");
        assertThat(revisions.out()).contains("REVISION").contains("* 3").contains("service fy removed");

        Run rollback = mcpstore("config", "rollback", "2");
        assertThat(rollback.out()).contains("now revision 4");
        gateway.awaitState("fy", Duration.ofSeconds(30), "ready");

        Path desktop = dir.resolve("claude_desktop_config.json");
        Files.writeString(
                desktop,
                new JsonObject()
                        .put("mcpServers", new JsonObject().put("fz", Upstreams.fixtureStdio("--name", "fz")))
                        .encode());
        Run imported = mcpstore("config", "import", desktop.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Imported: revision 5");
        gateway.awaitState("fz", Duration.ofSeconds(30), "ready");

        Run json = mcpstore("service", "list", "--json");
        assertThat(new JsonObject(json.out()).getJsonArray("services")).hasSize(3);
    }

    @Test
    void anUnreachableGatewayIsOneClearLine() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main())
                .setErr(new PrintWriter(err, true))
                .execute("service", "list", "--url", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("mcpstore: cannot reach the gateway at http://127.0.0.1:1");
    }

    @Test
    void stopAndStartAreNewRevisionsTheGatewayFollows() throws Exception {
        Run stop = mcpstore("service", "stop", "fx");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).containsPattern("Stopped service 'fx' \\(revision \\d+\\)");
        gateway.awaitState("fx", Duration.ofSeconds(30), "disabled", "stopped");

        Run start = mcpstore("service", "start", "fx");
        assertThat(start.exit()).as(start.err()).isZero();
        assertThat(start.out()).containsPattern("Started service 'fx' \\(revision \\d+\\)");
        gateway.awaitState("fx", Duration.ofSeconds(30), "ready");

        Run status = mcpstore("service", "status", "fx");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("FIELD")
                .containsPattern("state\\s+ready")
                .containsPattern("pid\\s+\\d+");
    }

    /** The admin API takes changes only as JSON or YAML (415 otherwise): the CLI declares what it sends. */
    @Test
    void aYamlAndAJsonFileAreImportedAsWhatTheyAre() throws Exception {
        Path yaml = dir.resolve("apps.yaml");
        Files.writeString(yaml, "# an app over the fixture\napps:\n  lab: {prefix: /lab, services: [fx]}\n");
        Run imported = mcpstore("config", "import", yaml.toString(), "--mode", "merge");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Imported: revision 2");
        Run tools = mcpstore("tool", "list", "--app", "lab");
        assertThat(tools.exit()).as(tools.err()).isZero();
        assertThat(tools.out()).contains("fx__echo");

        Path json = dir.resolve("apps.json");
        Files.writeString(json, "{\"apps\": {\"lab\": {\"prefix\": \"/lab2\", \"services\": [\"fx\"]}}}");
        Run again = mcpstore("config", "import", json.toString(), "--mode", "merge");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("Imported: revision 3");
    }
}
