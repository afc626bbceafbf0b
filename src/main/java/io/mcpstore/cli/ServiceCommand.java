package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpstore service list|add|import-openapi|remove|restart|start|stop|status}. */
@Command(
        name = "service",
        mixinStandardHelpOptions = true,
        description = "Manage the services of a running gateway.",
        subcommands = {
            ServiceCommand.List.class,
            ServiceCommand.Add.class,
            ServiceCommand.ImportOpenApi.class,
            ServiceCommand.Remove.class,
            ServiceCommand.Restart.class,
            ServiceCommand.Start.class,
            ServiceCommand.Stop.class,
            ServiceCommand.Status.class
        })
public final class ServiceCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Services, their state and counts.")
    static final class List implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject body = client.get("/services");
                if (client.printJson(spec.commandLine().getOut(), body)) return;
                Table table = new Table("NAME", "TRANSPORT", "STATE", "TOOLS", "RESOURCES", "PROMPTS", "ERROR");
                for (Object o : body.getJsonArray("services", new JsonArray())) {
                    JsonObject s = (JsonObject) o;
                    table.row(
                            s.getString("name"),
                            s.getString("transport"),
                            s.getString("state"),
                            s.getValue("tools"),
                            s.getValue("resources"),
                            s.getValue("prompts"),
                            s.getString("error"));
                }
                table.print(spec.commandLine().getOut());
            });
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description =
                    "Add a service: --command/--arg/--env for stdio, --http-url/--header for HTTP, or --entry JSON.")
    static final class Add implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The service's name")
        String name;

        @Option(names = "--command", description = "Executable of a stdio server")
        String command;

        @Option(names = "--arg", description = "An argument (repeat for each)")
        java.util.List<String> args;

        @Option(names = "--env", description = "NAME=VALUE (repeat); prefer NAME=$${env:VAR} for secrets")
        Map<String, String> env;

        @Option(names = "--http-url", description = "URL of a Streamable HTTP or SSE server")
        String serviceUrl;

        @Option(names = "--transport", description = "stdio, streamable-http or sse")
        String transport;

        @Option(names = "--header", description = "NAME=VALUE (repeat)")
        Map<String, String> headers;

        @Option(names = "--timeout-ms", description = "Per-call timeout")
        Long timeoutMs;

        @Option(names = "--entry", description = "The whole entry as JSON (as under 'services' in the YAML)")
        String entry;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject body = entry == null ? new JsonObject() : new JsonObject(entry);
                body.put("name", name);
                if (command != null) body.put("command", command);
                if (args != null) body.put("args", new JsonArray(new java.util.ArrayList<>(args)));
                if (env != null) body.put("env", new JsonObject(new java.util.LinkedHashMap<>(env)));
                if (serviceUrl != null) body.put("url", serviceUrl);
                if (transport != null) body.put("transport", transport);
                if (headers != null) body.put("headers", new JsonObject(new java.util.LinkedHashMap<>(headers)));
                if (timeoutMs != null) body.put("timeoutMs", timeoutMs);
                JsonObject reply = client.post("/services", body);
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine()
                        .getOut()
                        .println("Added service '" + name + "' (revision " + reply.getLong("revision") + ")");
            });
        }
    }

    @Command(
            name = "import-openapi",
            mixinStandardHelpOptions = true,
            description = "Add a rest service from an OpenAPI 3.0/3.1 document (a file, sent as its text, or an"
                    + " http(s) URL the gateway fetches): one tool per operation.")
    static final class ImportOpenApi implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE|URL", description = "The OpenAPI document (JSON or YAML)")
        String source;

        @Option(names = "--name", required = true, description = "The new service's name")
        String name;

        @Option(names = "--include", split = ",", description = "Only these operationIds (comma-separated)")
        java.util.List<String> include;

        @Option(names = "--base-url", description = "Where calls go (default: the document's first server)")
        String baseUrl;

        @Option(names = "--allow-private-network", description = "Allow a loopback or private address")
        boolean allowPrivateNetwork;

        @Option(names = "--header", description = "NAME=VALUE sent with every call (repeat)")
        Map<String, String> headers;

        @Option(names = "--timeout-ms", description = "Per-call timeout")
        Long timeoutMs;

        @Option(names = "--dry-run", description = "Show the service that would be created; create nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject body = new JsonObject().put("name", name);
                if (source.startsWith("http://") || source.startsWith("https://")) {
                    body.put("url", source);
                } else {
                    java.nio.file.Path file = java.nio.file.Path.of(source);
                    if (!java.nio.file.Files.isRegularFile(file)) {
                        throw new AdminClient.Failure(source + ": no such file (give a file or an http(s) URL)");
                    }
                    body.put("document", java.nio.file.Files.readString(file));
                }
                if (include != null) body.put("include", new JsonArray(new java.util.ArrayList<>(include)));
                if (baseUrl != null) body.put("baseUrl", baseUrl);
                if (allowPrivateNetwork) body.put("allowPrivateNetwork", true);
                if (headers != null) body.put("headers", new JsonObject(new java.util.LinkedHashMap<>(headers)));
                if (timeoutMs != null) body.put("timeoutMs", timeoutMs);
                if (dryRun) body.put("dryRun", true);
                JsonObject reply = client.post("/services/import-openapi", body);
                var out = spec.commandLine().getOut();
                if (client.printJson(out, reply)) return;
                JsonObject service = reply.getJsonObject("service", new JsonObject());
                JsonArray tools = reply.getJsonArray("tools", new JsonArray());
                out.println((dryRun
                                ? "Would add rest service '" + name + "'"
                                : "Added rest service '" + name + "' (revision " + reply.getLong("revision") + ")")
                        + " calling " + service.getString("baseUrl") + " with " + tools.size() + " tools:");
                Table table = new Table("TOOL", "METHOD", "PATH");
                for (Object o : service.getJsonArray("tools", new JsonArray())) {
                    JsonObject t = (JsonObject) o;
                    table.row(t.getString("name"), t.getString("method", "GET"), t.getString("path"));
                }
                table.print(out);
                if (service.containsKey("auth"))
                    out.println("auth: " + service.getJsonObject("auth").encode());
                for (Object w : reply.getJsonArray("warnings", new JsonArray())) out.println("warning: " + w);
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a service (its process ends).")
    static final class Remove extends Action {
        @Override
        JsonObject send() {
            return client.delete("/services/" + AdminClient.path(name));
        }

        @Override
        String done(JsonObject reply) {
            return "Removed service '" + name + "' (revision " + reply.getLong("revision") + ")";
        }
    }

    /** A command on one named service of the gateway the client talks to. */
    abstract static class OnService implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0")
        String name;
    }

    /** remove, restart, start and stop: one request on the service, and a line saying what happened. */
    abstract static class Action extends OnService {
        /** Sends the request and returns the gateway's answer. */
        abstract JsonObject send();

        /** {@code POST /services/NAME/<verb>}: restart, start, stop. */
        JsonObject post(String verb) {
            return client.post("/services/" + AdminClient.path(name) + "/" + verb, null);
        }

        abstract String done(JsonObject reply);

        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject reply = send();
                if (client.printJson(spec.commandLine().getOut(), reply)) return;
                spec.commandLine().getOut().println(done(reply));
            });
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart a service's upstream.")
    static final class Restart extends Action {
        @Override
        JsonObject send() {
            return post("restart");
        }

        @Override
        String done(JsonObject reply) {
            return "Restarted service '" + name + "'";
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Enable a service (a new revision).")
    static final class Start extends Action {
        @Override
        JsonObject send() {
            return post("start");
        }

        @Override
        String done(JsonObject reply) {
            return "Started service '" + name + "' (revision " + reply.getLong("revision") + ")";
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Disable a service (a new revision).")
    static final class Stop extends Action {
        @Override
        JsonObject send() {
            return post("stop");
        }

        @Override
        String done(JsonObject reply) {
            return "Stopped service '" + name + "' (revision " + reply.getLong("revision") + ")";
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "State, error, pid, recent stderr.")
    static final class Status extends OnService {
        @Override
        public Integer call() {
            return Cli.run(spec, () -> {
                JsonObject s = client.get("/services/" + AdminClient.path(name) + "/status");
                if (client.printJson(spec.commandLine().getOut(), s)) return;
                Table t = new Table("FIELD", "VALUE");
                for (String k : java.util.List.of("name", "transport", "state", "error", "pid", "tools"))
                    t.row(k, s.getValue(k));
                t.print(spec.commandLine().getOut());
                JsonArray stderr = s.getJsonArray("stderr", new JsonArray());
                if (!stderr.isEmpty()) {
                    spec.commandLine().getOut().println("recent stderr:");
                    stderr.forEach(l -> spec.commandLine().getOut().println("  " + l));
                }
            });
        }
    }
}
