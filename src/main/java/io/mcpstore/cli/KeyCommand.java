package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpstore key create|list|revoke}: the API keys MCP clients and scripts authenticate with. */
@Command(
        name = "key",
        mixinStandardHelpOptions = true,
        description = "Create, list and revoke API keys.",
        subcommands = {KeyCommand.Create.class, KeyCommand.List.class, KeyCommand.Revoke.class})
public final class KeyCommand {

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a key. Its text is printed once, on stdout, and never again.")
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", required = true, description = "What the key is for, e.g. ci or claude-desktop")
        String name;

        @Option(names = "--role", required = true, description = "admin, operator, viewer or client")
        String role;

        @Option(names = "--app", description = "An app whose endpoint it may use (repeat); default: every endpoint")
        java.util.List<String> apps;

        @Option(
                names = "--tool",
                description = "A tool pattern it may see and call, e.g. 'github__*' or '!github__delete_*' (repeat)")
        java.util.List<String> tools;

        @Option(
                names = "--expires",
                description = "When it stops working: an instant (2027-01-31T00:00:00Z), a date (2027-01-31) or a"
                        + " time from now (30d, 12h, 45m)")
        String expires;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject entry = new JsonObject().put("name", name).put("role", role);
                if (apps != null) entry.put("apps", new JsonArray(new ArrayList<>(apps)));
                if (tools != null) entry.put("tools", new JsonArray(new ArrayList<>(tools)));
                if (expires != null)
                    entry.put("expiresAt", expiresAt(expires, Clock.systemUTC()).toString());
                JsonObject reply = client.post("/keys", entry);
                JsonObject key = reply.containsKey("key") && reply.getValue("key") instanceof JsonObject k ? k : reply;
                String text = key.getString("key");
                if (text == null) throw new AdminClient.Failure("the gateway answered no key");
                var err = spec.commandLine().getErr();
                if (!client.printJson(spec.commandLine().getOut(), key)) {
                    // stdout is the key alone, so KEY=$(mcpstore key create …) works; the rest is for the person
                    spec.commandLine().getOut().println(text);
                    err.println("Created key " + key.getString("id") + " '" + key.getString("name", name) + "' (role "
                            + key.getString("role", role) + ", apps " + Show.limit(key.getValue("apps"))
                            + ", tools " + Show.limit(key.getValue("tools"))
                            + (key.getString("expiresAt") == null
                                    ? ", no expiry"
                                    : ", expires " + key.getString("expiresAt"))
                            + ")");
                }
                err.println("Copy the key now: it will not be shown again (the gateway keeps only its hash).");
                err.flush();
            });
        }
    }

    private static final Pattern FROM_NOW = Pattern.compile("(\\d+)\\s*([dhmw])");

    /** {@code --expires}: an ISO instant, an ISO date (its start, UTC), an ISO duration or {@code 30d}/{@code 12h}. */
    static Instant expiresAt(String text, Clock clock) {
        String t = text.trim();
        Matcher m = FROM_NOW.matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "w" -> Duration.ofDays(7 * n);
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
            return clock.instant().plus(d).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notInstant) {
            // try the other forms
        }
        try {
            return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notOffset) {
            // try the other forms
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notDate) {
            // try the other forms
        }
        try {
            return clock.instant().plus(Duration.parse(t)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        } catch (DateTimeParseException notDuration) {
            throw new AdminClient.Failure("--expires: expected an instant (2027-01-31T00:00:00Z), a date"
                    + " (2027-01-31) or a time from now (30d, 12h, 45m), got '" + text + "'");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every key (never the key text).")
    static final class List implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonArray keys = client.list("/keys", "keys");
                if (client.printJson(spec.commandLine().getOut(), new JsonObject().put("keys", keys))) return;
                Table table = new Table("ID", "NAME", "ROLE", "APPS", "TOOLS", "EXPIRES", "CREATED", "BY");
                for (Object o : keys) {
                    JsonObject k = (JsonObject) o;
                    table.row(
                            k.getString("id"),
                            k.getString("name"),
                            k.getString("role"),
                            Show.limit(k.getValue("apps")),
                            Show.limit(k.getValue("tools")),
                            k.getString("expiresAt", "never"),
                            k.getString("created"),
                            k.getString("createdBy"));
                }
                table.print(spec.commandLine().getOut());
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: it stops working at once.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The key's id, or its name when one key has it (see key list)")
        String key;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                String id = idOf(client.list("/keys", "keys"), key);
                JsonObject reply = client.delete("/keys/" + AdminClient.path(id));
                if (client.printJson(spec.commandLine().getOut(), reply.put("id", id))) return;
                spec.commandLine().getOut().println("Revoked key " + id);
            });
        }
    }

    /** The id of the key called {@code idOrName}: an id as it is, else the one key of that name. */
    static String idOf(JsonArray keys, String idOrName) {
        java.util.List<String> named = new ArrayList<>();
        for (Object o : keys) {
            JsonObject k = (JsonObject) o;
            if (idOrName.equals(k.getString("id"))) return idOrName;
            if (idOrName.equals(k.getString("name"))) named.add(k.getString("id"));
        }
        if (named.size() == 1) return named.get(0);
        if (named.isEmpty()) return idOrName; // the gateway answers 404 for an unknown id
        throw new AdminClient.Failure(
                "several keys are named '" + idOrName + "' (ids " + String.join(", ", named) + "): give the id");
    }
}
