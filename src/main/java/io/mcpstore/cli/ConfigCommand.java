package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpstore config export|import|revisions|rollback}. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Export, import and roll back the config of a running gateway.",
        subcommands = {
            ConfigCommand.Export.class,
            ConfigCommand.Import.class,
            ConfigCommand.Revisions.class,
            ConfigCommand.Rollback.class
        })
public final class ConfigCommand {

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description =
                    "Print the config: references as written, secrets encrypted with the gateway's key (or *** without one).")
    static final class Export implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--format",
                description = "yaml, json or mcpServers (default: ${DEFAULT-VALUE})",
                defaultValue = "yaml")
        String format;

        @Option(
                names = {"-o", "--output"},
                description = "Write to this file instead of stdout")
        Path output;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                String fmt = client.json && format.equals("yaml") ? "json" : format;
                String body = client.send("GET", "/config/export?format=" + AdminClient.path(fmt), null, null)
                        .body();
                if (output != null) Files.writeString(output, body);
                else spec.commandLine().getOut().println(body);
            });
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Import a YAML/JSON config or an MCP client's {\"mcpServers\": {...}} file.")
    static final class Import implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The file ('-' for stdin)")
        String file;

        @Option(names = "--mode", description = "merge (by name) or replace (the sections given)")
        String mode;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                String text = file.equals("-") ? new String(System.in.readAllBytes()) : Files.readString(Path.of(file));
                String type =
                        file.endsWith(".json") || text.trim().startsWith("{") ? "application/json" : "application/yaml";
                String path = "/config/import" + (mode == null ? "" : "?mode=" + AdminClient.path(mode));
                JsonObject reply =
                        new JsonObject(client.send("POST", path, type, text).body());
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine()
                        .getOut()
                        .println(
                                reply.getBoolean("changed", true)
                                        ? "Imported: revision " + reply.getLong("revision")
                                        : "Nothing changed: revision " + reply.getLong("revision"));
            });
        }
    }

    @Command(name = "revisions", mixinStandardHelpOptions = true, description = "The config history, newest first.")
    static final class Revisions implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject body = client.get("/config/revisions?limit=" + limit);
                if (client.printJson(spec.commandLine().getOut(), body)) return;
                long current = body.getLong("current", 0L);
                Table table = new Table("REVISION", "AT", "SUMMARY");
                for (Object o : body.getJsonArray("revisions", new JsonArray())) {
                    JsonObject r = (JsonObject) o;
                    long n = r.getLong("revision");
                    table.row((n == current ? "* " : "  ") + n, r.getString("at"), r.getString("summary"));
                }
                table.print(spec.commandLine().getOut());
            });
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Restore a revision (as a new one).")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The revision to restore")
        long revision;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject reply = client.post("/config/rollback/" + revision, null);
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine()
                        .getOut()
                        .println("Rolled back to revision " + revision + ": now revision " + reply.getLong("revision"));
            });
        }
    }
}
