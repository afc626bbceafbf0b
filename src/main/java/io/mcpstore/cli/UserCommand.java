package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpstore user add|list|remove|passwd}: the people who sign in to the console and the admin API. */
@Command(
        name = "user",
        mixinStandardHelpOptions = true,
        description = "Add, list and remove users; change a password.",
        subcommands = {UserCommand.Add.class, UserCommand.List.class, UserCommand.Remove.class, UserCommand.Passwd.class
        })
public final class UserCommand {

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Add a user; the password is asked on the terminal (or read with --password-stdin).")
    static final class Add implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The user name")
        String name;

        @Option(names = "--role", required = true, description = "admin, operator, viewer or client")
        String role;

        @Option(names = "--app", description = "An app whose endpoint they may use (repeat); default: every endpoint")
        java.util.List<String> apps;

        @Option(names = "--tool", description = "A tool pattern they may see and call (repeat)")
        java.util.List<String> tools;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin")
        boolean passwordStdin;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                String password = Passwords.read(passwordStdin, "Password for " + name, true);
                JsonObject body =
                        new JsonObject().put("name", name).put("role", role).put("password", password);
                if (apps != null) body.put("apps", new JsonArray(new ArrayList<>(apps)));
                if (tools != null) body.put("tools", new JsonArray(new ArrayList<>(tools)));
                JsonObject reply = client.post("/users", body);
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine().getOut().println("Added user '" + name + "' (role " + role + ")");
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every user and their role.")
    static final class List implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonArray users = client.list("/users", "users");
                if (client.printJson(spec.commandLine().getOut(), new JsonObject().put("users", users))) return;
                Table table = new Table("NAME", "ROLE", "APPS", "TOOLS", "CREATED");
                for (Object o : users) {
                    JsonObject u = (JsonObject) o;
                    table.row(
                            u.getString("name"),
                            u.getString("role"),
                            Show.limit(u.getValue("apps")),
                            Show.limit(u.getValue("tools")),
                            u.getString("created"));
                }
                table.print(spec.commandLine().getOut());
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user (not the last admin).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The user name")
        String name;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject reply = client.delete("/users/" + AdminClient.path(name));
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine().getOut().println("Removed user '" + name + "'");
            });
        }
    }

    @Command(
            name = "passwd",
            mixinStandardHelpOptions = true,
            description = "Set a user's password (asked on the terminal, or read with --password-stdin).")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The user name")
        String name;

        @Option(names = "--password-stdin", description = "Read the new password from the first line of stdin")
        boolean passwordStdin;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                String path = "/users/" + AdminClient.path(name);
                // PUT replaces the entry: send what it has (role, apps, tools) with the new password
                JsonObject current = client.get(path);
                JsonObject user = current.getValue("user") instanceof JsonObject u ? u : current;
                String password = Passwords.read(passwordStdin, "New password for " + name, true);
                JsonObject body =
                        new JsonObject().put("role", user.getString("role")).put("password", password);
                if (user.getValue("apps") != null) body.put("apps", user.getValue("apps"));
                if (user.getValue("tools") != null) body.put("tools", user.getValue("tools"));
                JsonObject reply = client.put(path, body);
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine().getOut().println("Changed the password of '" + name + "'");
            });
        }
    }
}
