package io.mcpstore.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcpstore login}: signs in with a password and keeps the gateway's token for the commands that follow. */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Sign in to a gateway with security on; later commands send the token it returns.")
public final class LoginCommand implements Callable<Integer> {
    @Mixin
    AdminClient client;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-u", "--user"},
            description = "The user name (asked on the terminal when missing)")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin")
    boolean passwordStdin;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            String name = user != null ? user : Passwords.promptLine("User");
            String password = Passwords.read(passwordStdin, "Password", false);
            JsonObject login = new JsonObject(client.send(
                            "POST",
                            "/auth/login",
                            "application/json",
                            new JsonObject()
                                    .put("username", name)
                                    .put("password", password)
                                    .encode(),
                            null)
                    .body());
            String token = login.getString("token");
            if (token == null) throw new AdminClient.Failure("the gateway answered no token");
            JsonObject me = new JsonObject(
                    client.send("GET", "/auth/me", null, null, token).body());
            TokenFile file = client.tokenFile();
            file.write(token);
            JsonObject shown = new JsonObject()
                    .put("url", client.base())
                    .put("user", me.getString("name", name))
                    .put("role", me.getString("role"))
                    .put("expiresAt", login.getString("expiresAt"))
                    .put("tokenFile", file.path().toString());
            if (client.printJson(spec.commandLine().getOut(), shown)) return;
            spec.commandLine()
                    .getOut()
                    .println("Signed in to " + client.base() + " as " + shown.getString("user") + " (role "
                            + shown.getString("role") + ")"
                            + (login.getString("expiresAt") == null ? "" : " until " + login.getString("expiresAt"))
                            + "; token saved in " + file.path());
        });
    }

    /** {@code mcpstore logout}: forgets the saved token. */
    @Command(name = "logout", mixinStandardHelpOptions = true, description = "Remove the token `mcpstore login` saved.")
    public static final class Logout implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                TokenFile file = client.tokenFile();
                boolean removed = file.delete();
                JsonObject shown = new JsonObject()
                        .put("removed", removed)
                        .put("tokenFile", file.path().toString());
                if (client.printJson(spec.commandLine().getOut(), shown)) return;
                spec.commandLine()
                        .getOut()
                        .println(removed ? "Signed out: removed " + file.path() : "Not signed in: no " + file.path());
            });
        }
    }

    /** {@code mcpstore whoami}: the principal the gateway sees for the credential the CLI sends. */
    @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the gateway takes you for.")
    public static final class WhoAmI implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject me = client.get("/auth/me");
                if (client.printJson(spec.commandLine().getOut(), me)) return;
                Table t = new Table("FIELD", "VALUE");
                for (String k : java.util.List.of("name", "kind", "role", "apps", "tools", "expiresAt"))
                    if (me.getValue(k) != null) t.row(k, Show.value(me.getValue(k)));
                t.print(spec.commandLine().getOut());
            });
        }
    }
}
