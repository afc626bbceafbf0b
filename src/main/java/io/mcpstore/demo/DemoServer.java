package io.mcpstore.demo;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The demo upstream that MCPStore's default configuration fronts, so that a fresh install has something to show
 * without installing anything: {@code java -cp <gateway classpath> io.mcpstore.demo.DemoServer [--era 2025|2026|both]}
 * speaks MCP on stdio: 2025-11-25 sessions by default, only the stateless 2026-07-28 revision with {@code --era 2026},
 * or both. Everything it offers is deterministic except {@code now}.
 */
public final class DemoServer {
    public static final String NAME = "mcpstore-demo";
    public static final String VERSION = "1.0.0";

    static final String README = """
            # MCPStore demo server

            This server ships inside MCPStore and runs as a stdio child process of the gateway, so that a fresh \
            install has an upstream to talk to. MCPStore connects to it like to any other MCP server and publishes its \
            tools, resources and prompts to clients, named according to the gateway's naming mode.

            Tools: echo (repeats text), add (adds two numbers), now (the current time, optionally in a time zone), \
            word_count (counts words, characters and lines).
            Resources: demo://readme (this text) and demo://notes/{name} (notes: welcome, gateway, tools).
            Prompts: greeting (greets someone by name; the name can be completed).
            """;

    static final Map<String, String> NOTES = Map.of(
            "welcome", "Welcome to MCPStore. Point an MCP client at the gateway's /mcp endpoint to see this server.",
            "gateway", "The gateway fronts many MCP servers behind one endpoint and keeps their catalogs in sync.",
            "tools", "Try the add tool with {\"a\": 2, \"b\": 3}, or word_count with some text.");

    static final List<String> NAMES = List.of("Ada", "Alan", "Barbara", "Grace", "Linus", "Margaret");

    private DemoServer() {}

    public static void main(String[] args) throws Exception {
        Eras eras = Eras.V2025;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--era") && i + 1 < args.length) {
                eras = Eras.parse(args[++i]);
            } else {
                System.err.println("usage: DemoServer [--era 2025|2026|both] (unknown argument " + args[i] + ")");
                System.exit(2);
            }
        }
        StdioServer.onSystemStreams(create().eras(eras)).run();
        System.exit(0); // stdin closed: the gateway is gone or stopped us
    }

    /** A server core holding the demo features, ready for any transport. */
    public static McpServerCore create() {
        return new McpServerCore(NAME, VERSION)
                .instructions(
                        "A demo server bundled with MCPStore: small, deterministic tools to try the gateway with.")
                .addTool(echo())
                .addTool(add())
                .addTool(now())
                .addTool(wordCount())
                .addResource(new Resource(
                        "demo://readme", "readme", "What the MCPStore demo server is", "text/markdown", () -> README))
                .addResourceTemplate(new ResourceTemplate(
                        "demo://notes/{name}",
                        "note",
                        "A short note about MCPStore",
                        "text/plain",
                        vars -> NOTES.get(vars.get("name")),
                        Map.of(
                                "name",
                                Completer.of(NOTES.keySet().stream().sorted().toList()))))
                .addPrompt(new Prompt(
                        "greeting",
                        "Asks the model to greet someone by name",
                        List.of(new Prompt.Argument("name", "Who to greet", true, Completer.of(NAMES))),
                        args -> Prompt.userText(
                                "Please write a short, friendly greeting for " + args.get("name") + ".")));
    }

    private static Tool echo() {
        return Tool.of(
                "echo",
                "Returns the given text unchanged",
                Schemas.object(new JsonObject().put("text", Schemas.string("The text to echo")), "text"),
                args -> ToolResults.text(args.getString("text")));
    }

    private static Tool add() {
        JsonObject output = Schemas.object(new JsonObject().put("sum", Schemas.number("a + b")), "sum");
        return Tool.of(
                        "add",
                        "Adds two numbers",
                        Schemas.object(
                                new JsonObject()
                                        .put("a", Schemas.number("The first addend"))
                                        .put("b", Schemas.number("The second addend")),
                                "a",
                                "b"),
                        args -> {
                            BigDecimal sum = decimal(args.getNumber("a")).add(decimal(args.getNumber("b")));
                            return ToolResults.structured(plain(sum), new JsonObject().put("sum", number(sum)));
                        })
                .withOutputSchema(output);
    }

    private static Tool now() {
        return Tool.of(
                "now",
                "The current date and time in ISO-8601, in UTC or the given IANA time zone",
                Schemas.object(new JsonObject()
                        .put("timezone", Schemas.string("An IANA time zone such as Europe/Paris; default UTC"))),
                args -> {
                    ZoneId zone;
                    try {
                        zone = ZoneId.of(args.getString("timezone", "UTC"));
                    } catch (DateTimeException e) {
                        return ToolResults.error("Unknown time zone: " + args.getString("timezone"));
                    }
                    Instant instant = Instant.now();
                    String iso = ZonedDateTime.ofInstant(
                                    instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), zone)
                            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    return ToolResults.structured(
                            iso,
                            new JsonObject()
                                    .put("iso", iso)
                                    .put("timezone", zone.getId())
                                    .put("epochMillis", instant.toEpochMilli()));
                });
    }

    private static Tool wordCount() {
        return Tool.of(
                "word_count",
                "Counts the words, characters and lines of a text",
                Schemas.object(new JsonObject().put("text", Schemas.string("The text to count")), "text"),
                args -> {
                    String text = args.getString("text");
                    String trimmed = text.strip();
                    int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
                    int lines = text.isEmpty() ? 0 : (int) text.lines().count();
                    int characters = text.codePointCount(0, text.length());
                    return ToolResults.structured(
                            words + " words, " + characters + " characters, " + lines + " lines",
                            new JsonObject()
                                    .put("words", words)
                                    .put("characters", characters)
                                    .put("lines", lines));
                });
    }

    private static BigDecimal decimal(Number n) {
        return new BigDecimal(n.toString());
    }

    /** "5" for 2 + 3, not "5.0": what a person expects to read. */
    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static Number number(BigDecimal d) {
        BigDecimal stripped = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.toBigInteger().bitLength() < 63) {
            return stripped.longValueExact();
        }
        return d.doubleValue();
    }
}
