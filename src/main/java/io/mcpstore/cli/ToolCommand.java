package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpstore tool list|call|dry-run}. */
@Command(
        name = "tool",
        mixinStandardHelpOptions = true,
        description = "List and call the tools of a running gateway.",
        subcommands = {ToolCommand.List.class, ToolCommand.Call.class, ToolCommand.DryRun.class})
public final class ToolCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every tool, its service and state.")
    static final class List implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--app", description = "Only the tools this app shows")
        String app;

        @Option(
                names = {"-q", "--query"},
                description = "Text in the name or description")
        String query;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                StringBuilder path = new StringBuilder("/tools?");
                if (app != null)
                    path.append("app=").append(AdminClient.path(app)).append('&');
                if (query != null) path.append("q=").append(AdminClient.path(query));
                JsonObject body = client.get(path.toString());
                if (client.printJson(spec.commandLine().getOut(), body)) return;
                Table table = new Table("NAME", "SERVICE", "STATE", "DESCRIPTION");
                for (Object o : body.getJsonArray("tools", new JsonArray())) {
                    JsonObject t = (JsonObject) o;
                    table.row(
                            t.getString("name"),
                            t.getString("service"),
                            t.getString("state"),
                            t.getString("description"));
                }
                table.print(spec.commandLine().getOut());
            });
        }
    }

    @Command(name = "call", mixinStandardHelpOptions = true, description = "Call a tool; prints its result.")
    static final class Call implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The tool's public name (see tool list)")
        String name;

        @Option(names = "--args", description = "The arguments as a JSON object", defaultValue = "{}")
        String args;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject arguments = arguments(args);
                JsonObject result = client.post(
                        "/tools/call", new JsonObject().put("name", name).put("arguments", arguments));
                if (client.printJson(spec.commandLine().getOut(), result)) return;
                var out = spec.commandLine().getOut();
                for (Object o : result.getJsonArray("content", new JsonArray())) {
                    JsonObject c = (JsonObject) o;
                    out.println("text".equals(c.getString("type")) ? c.getString("text") : c.encode());
                }
                if (result.getBoolean("isError", false)) throw new AdminClient.Failure("the tool reported an error");
            });
        }
    }

    @Command(
            name = "dry-run",
            mixinStandardHelpOptions = true,
            description = "The HTTP request a rest service's tool would send (secrets redacted); nothing is sent.")
    static final class DryRun implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The rest service")
        String service;

        @Parameters(index = "1", description = "The tool's name in the service (without the service prefix)")
        String tool;

        @Option(names = "--args", description = "The arguments as a JSON object", defaultValue = "{}")
        String args;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject arguments = arguments(args);
                JsonObject request = client.post(
                        "/services/" + AdminClient.path(service) + "/tools/" + AdminClient.path(tool) + "/dry-run",
                        new JsonObject().put("arguments", arguments));
                var out = spec.commandLine().getOut();
                if (client.printJson(out, request)) return;
                out.println(request.getString("method") + " " + request.getString("url"));
                request.getJsonObject("headers", new JsonObject())
                        .forEach(h -> out.println(h.getKey() + ": " + h.getValue()));
                Object body = request.getValue("body");
                if (body != null) {
                    out.println();
                    out.println(body);
                }
            });
        }
    }

    /** The {@code --args} option as a JSON object, or the error a user can act on. */
    static JsonObject arguments(String args) {
        try {
            return new JsonObject(args);
        } catch (RuntimeException e) {
            throw new AdminClient.Failure("--args must be a JSON object: " + e.getMessage());
        }
    }
}
