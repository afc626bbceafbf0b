package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcpstore audit}: who did what, newest first — admin changes, tool calls, refusals. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Read the audit log, newest first (--jsonl: every match as JSON lines).")
public final class AuditCommand implements Callable<Integer> {
    @Mixin
    AdminClient client;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--who", description = "Only this subject (a user name, key:ID, …)")
    String who;

    @Option(names = "--tool", description = "Only calls of this tool")
    String tool;

    @Option(names = "--outcome", description = "ok, tool_error, error, timeout, denied, unauthenticated, rate_limited")
    String outcome;

    @Option(names = "--kind", description = "admin, tool or auth")
    String kind;

    @Option(names = "--from", description = "From this instant (2026-12-02T12:00:00Z)")
    String from;

    @Option(names = "--to", description = "Up to this instant")
    String to;

    @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--jsonl", description = "Export every matching entry as JSON lines")
    boolean jsonl;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            StringBuilder query = new StringBuilder();
            add(query, "who", who);
            add(query, "tool", tool);
            add(query, "outcome", outcome);
            add(query, "kind", kind);
            add(query, "from", from);
            add(query, "to", to);
            var out = spec.commandLine().getOut();
            if (jsonl) {
                add(query, "format", "jsonl");
                out.print(client.send("GET", "/audit" + query, null, null).body());
                out.flush();
                return;
            }
            add(query, "limit", Integer.toString(limit));
            JsonObject page = client.get("/audit" + query);
            if (client.printJson(out, page)) return;
            Table table = new Table("AT", "KIND", "WHO", "ACTION", "TARGET", "OUTCOME", "STATUS", "MS");
            for (Object o : page.getJsonArray("entries", new JsonArray())) {
                JsonObject e = (JsonObject) o;
                table.row(
                        e.getString("at"),
                        e.getString("kind"),
                        e.getString("who"),
                        e.getString("action"),
                        e.getString("tool", e.getString("target")),
                        e.getString("outcome"),
                        e.getValue("status"),
                        e.getValue("latencyMs"));
            }
            table.print(out);
        });
    }

    private static void add(StringBuilder query, String name, String value) {
        if (value == null) return;
        query.append(query.isEmpty() ? '?' : '&').append(name).append('=').append(AdminClient.path(value));
    }
}
