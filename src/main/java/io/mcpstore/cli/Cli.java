package io.mcpstore.cli;

import picocli.CommandLine;

/** Runs one CLI command: an API error or an unreachable gateway prints one line on stderr and exits 1. */
final class Cli {
    private Cli() {}

    interface Body {
        void run() throws Exception;
    }

    static int run(CommandLine.Model.CommandSpec spec, Body body) {
        try {
            body.run();
            spec.commandLine().getOut().flush();
            return 0;
        } catch (AdminClient.Failure | io.vertx.core.json.DecodeException | java.io.IOException e) {
            spec.commandLine().getErr().println("mcpstore: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        } catch (Exception e) {
            spec.commandLine().getErr().println("mcpstore: " + e);
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
