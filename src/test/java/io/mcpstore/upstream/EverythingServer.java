package io.mcpstore.upstream;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The reference MCP server {@code @modelcontextprotocol/server-everything}, run with node as a real peer: either
 * as a command line for a stdio service, or started here over HTTP ({@code sse} or {@code streamableHttp}).
 */
final class EverythingServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private EverythingServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The server's entry script, from the node directory surefire names, else the source tree's. */
    static String script() {
        Path dir = Path.of(System.getProperty("mcpstore.node.dir", "src/test/node"));
        Path script = dir.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
                .toAbsolutePath();
        if (!Files.isRegularFile(script)) throw new IllegalStateException("not installed: " + script);
        return script.toString();
    }

    /** Starts {@code node index.js <mode>} on a free port and waits until it accepts connections. */
    static EverythingServer start(String mode) throws Exception {
        return start(mode, freePort());
    }

    static EverythingServer start(String mode, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", script(), mode);
        builder.environment().put("PORT", String.valueOf(port));
        File log = Files.createTempFile("everything-" + mode, ".log").toFile();
        log.deleteOnExit();
        builder.redirectErrorStream(true).redirectOutput(log);
        EverythingServer server = new EverythingServer(builder.start(), port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!server.accepting()) {
            if (!server.process.isAlive() || Instant.now().isAfter(deadline)) {
                server.close();
                throw new IllegalStateException(
                        "server-everything " + mode + " did not start: " + Files.readString(log.toPath()));
            }
            Thread.sleep(50);
        }
        return server;
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    /** A port nothing listens on (just released; good enough for a test). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
