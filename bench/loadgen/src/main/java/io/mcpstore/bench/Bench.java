package io.mcpstore.bench;

/**
 * Entry point of the benchmark jar: {@code upstream} (a fast MCP server), {@code calls} (closed-loop tools/call
 * load), {@code list} (full paginated tools/list timing), {@code sessions} (many sessions with GET streams).
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: java -jar mcpstore-bench.jar upstream|calls|list|sessions [--options]");
            System.exit(2);
        }
        Args args = new Args(argv, 1);
        try {
            switch (argv[0]) {
                case "upstream" -> {
                    FastUpstream.main(args);
                    return; // serves until killed
                }
                case "calls" -> LoadGen.calls(args);
                case "list" -> LoadGen.list(args);
                case "sessions" -> LoadGen.sessions(args);
                case "reload" -> LoadGen.reload(args);
                default -> {
                    System.err.println("unknown command: " + argv[0]);
                    System.exit(2);
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // Vert.x threads would keep the JVM, and the script waiting for it, alive
        }
        System.exit(0);
    }
}
