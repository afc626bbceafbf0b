package io.mcpstore;

import io.mcpstore.cli.AuditCommand;
import io.mcpstore.cli.ConfigCommand;
import io.mcpstore.cli.KeyCommand;
import io.mcpstore.cli.LoginCommand;
import io.mcpstore.cli.ServiceCommand;
import io.mcpstore.cli.ToolCommand;
import io.mcpstore.cli.UserCommand;
import io.mcpstore.config.ClusterSettings;
import io.mcpstore.config.ConfigLoader;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.StoreSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code mcpstore [serve] [--config FILE] [--host H] [--port N]}, and {@code service}, {@code tool},
 * {@code config}, {@code login}, {@code key}, {@code user}, {@code audit} commands that talk to a running gateway's admin API;
 * {@code petstore} runs the demo REST API.
 */
@Command(
        name = "mcpstore",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "MCPStore: one MCP endpoint in front of many MCP servers.",
        subcommands = {
            Main.Serve.class,
            ServiceCommand.class,
            ToolCommand.class,
            ConfigCommand.class,
            LoginCommand.class,
            LoginCommand.Logout.class,
            LoginCommand.WhoAmI.class,
            KeyCommand.class,
            UserCommand.class,
            AuditCommand.class,
            Main.PetStoreCommand.class
        })
public final class Main implements Callable<Integer> {

    @CommandLine.Mixin
    ServeOptions serve = new ServeOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** With no subcommand, serve. */
    @Override
    public Integer call() throws Exception {
        return serve.run();
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway (the default).")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        ServeOptions options = new ServeOptions();

        @Override
        public Integer call() throws Exception {
            return options.run();
        }
    }

    static final class ServeOptions {
        /** The built-in config: the checkout's or, missing on disk, the jar's copy. Read, never written. */
        static final Path DEFAULT_CONFIG = Path.of("conf/mcpstore.yaml");

        @Option(
                names = {"-c", "--config"},
                description = "YAML config file, or an MCP client's mcpServers JSON; API changes are written to it "
                        + "(default: the built-in conf/mcpstore.yaml, with revisions in memory)")
        Path config;

        @Option(names = "--host", description = "Address to listen on (overrides http.host)")
        String host;

        @Option(names = "--port", description = "Port to listen on, 0 for any free port (overrides http.port)")
        Integer port;

        @Option(
                names = "--cluster",
                description = "Join a cluster of gateways (turns on the cluster section: cluster.host, cluster.port, "
                        + "cluster.members)")
        boolean cluster;

        int run() throws Exception {
            Path file = config == null ? DEFAULT_CONFIG : config;
            Vertx vertx = McpStore.createVertx();
            GatewayConfig gatewayConfig;
            StoreSettings store;
            ClusterSettings clusterSettings;
            try {
                JsonObject json = ConfigLoader.load(vertx, file).await(30, TimeUnit.SECONDS);
                JsonObject http = json.getJsonObject("http", new JsonObject());
                if (host != null) http.put("host", host);
                if (port != null) http.put("port", port);
                json.put("http", http);
                gatewayConfig = ConfigLoader.validate(json, file.toString());
                store = ConfigLoader.storeSettings(json, file, config != null);
                clusterSettings = ConfigLoader.clusterSettings(json, file, cluster);
            } catch (ConfigLoader.InvalidConfig e) {
                System.err.println(e.getMessage());
                vertx.close();
                return 2;
            }
            if (clusterSettings.enabled()) {
                // The config was read with a plain instance; the gateway runs in one that has joined the cluster.
                vertx.close().await(10, TimeUnit.SECONDS);
                try {
                    vertx = McpStore.createClusteredVertx(clusterSettings).await(2, TimeUnit.MINUTES);
                } catch (Exception e) {
                    System.err.println("Cannot join cluster '" + clusterSettings.name() + "' as "
                            + clusterSettings.nodeName() + ": " + StartFailure.rootMessage(e));
                    return 2;
                }
            }
            McpStore gateway;
            try {
                gateway = McpStore.start(vertx, gatewayConfig, file.toString(), store, clusterSettings)
                        .await(10, TimeUnit.MINUTES); // upstreams deploy in the background; a store may be slow
            } catch (Exception e) {
                System.err.println(StartFailure.describe(e, gatewayConfig.http(), store, file));
                return 2;
            }
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    gateway.close().await(10, TimeUnit.SECONDS);
                                } catch (Exception ignored) {
                                    // exiting anyway; child processes are also killed by their own hook
                                }
                            },
                            "mcpstore-shutdown"));
            System.out.println("MCPStore listening on " + gateway.url());
            System.out.flush();
            Thread.currentThread().join();
            return 0;
        }
    }

    @Command(
            name = "petstore",
            mixinStandardHelpOptions = true,
            description = "Run the demo pet-store HTTP API (under /api) to try REST tools and the OpenAPI import.")
    static final class PetStoreCommand implements Callable<Integer> {
        @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE})")
        String host = "127.0.0.1";

        @Option(names = "--port", description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE})")
        int port = 9000;

        @Override
        public Integer call() throws Exception {
            io.mcpstore.demo.PetStore.run(host, port);
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mcpstore " + McpStore.version()};
        }
    }
}
