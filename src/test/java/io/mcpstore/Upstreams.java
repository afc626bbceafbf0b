package io.mcpstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code services} entries for the real upstreams tests put behind the gateway. */
public final class Upstreams {
    private Upstreams() {}

    public static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    public static final Path NODE_DIR = Path.of(System.getProperty("mcpstore.node.dir", "src/test/node"));

    /** Our fixture server as a stdio child process, started from the test classpath. */
    public static JsonObject fixtureStdio(String... options) {
        JsonArray args = new JsonArray(new java.util.ArrayList<>(List.of(
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "io.mcpstore.fixture.FixtureServer",
                "stdio")));
        for (String o : options) args.add(o);
        return new JsonObject().put("command", JAVA).put("args", args);
    }

    /** {@code @modelcontextprotocol/server-everything} over stdio, from the pinned npm install. */
    public static JsonObject everythingStdio() {
        return new JsonObject()
                .put("command", "node")
                .put("args", new JsonArray().add(everythingScript()).add("stdio"));
    }

    public static String everythingScript() {
        Path script = NODE_DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
                .toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("server-everything is not installed: run npm ci in " + NODE_DIR);
        }
        return script.toString();
    }

    public static JsonObject url(String url) {
        return new JsonObject().put("url", url);
    }

    public static JsonObject services(Object... nameAndEntry) {
        JsonObject services = new JsonObject();
        for (int i = 0; i < nameAndEntry.length; i += 2) services.put((String) nameAndEntry[i], nameAndEntry[i + 1]);
        return new JsonObject().put("services", services);
    }
}
