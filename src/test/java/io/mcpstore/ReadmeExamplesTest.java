package io.mcpstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every {@code ```bash} block of README.md, in the README's order, with bash against one real gateway started
 * on the default config — as a reader who has run the set-up command would type them — and fails naming the block's
 * line when one exits non-zero or does not print what it shows.
 *
 * <p>The rules, also stated in the README's Tests section:
 *
 * <ul>
 *   <li>A block opts out with the line {@code <!-- not run by ReadmeExamplesTest: REASON -->} right above its fence
 *       (blank lines between are allowed); the reason is required. Opt-outs are for what this test cannot do: the
 *       set-up itself, commands that need PostgreSQL, run Maven or take minutes.
 *   <li>A line {@code #> TEXT} in a block is output the block must print: its stdout must contain each such TEXT,
 *       in that order (anything may come between); {@code …} in TEXT matches anything within a line.
 *   <li>A block runs under {@code set -e}; {@code curl} gets {@code --fail-with-body} unless the command fails or
 *       prints the status itself ({@code -f}, {@code --fail…}, {@code -w}), so an HTTP error fails the block.
 *   <li>The gateway listens on a free port, not 8080: {@code localhost:8080} and {@code 127.0.0.1:8080} in a block
 *       are rewritten to it, and {@code MCPSTORE_URL} points the CLI at it.
 *   <li>{@code java -jar target/mcpstore.jar …} (which the README's {@code mcpstore} alias stands for) runs {@code
 *       io.mcpstore.Main} from this test's classpath: during {@code mvn verify} the jar is built only after the
 *       tests. A bash function named {@code java} does it, so the README's alias is used unchanged (aliases are
 *       expanded as in an interactive shell).
 *   <li>The gateway runs the jar's embedded default config (from a scratch working directory, so nothing is written
 *       into the checkout); blocks run in the repository root.
 * </ul>
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of("README.md");
    private static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+)\\s*([^`\\s]*).*$");
    private static final Pattern OPT_OUT = Pattern.compile("^\\s*<!--\\s*not run by ReadmeExamplesTest:(.*)-->\\s*$");
    private static final Pattern EXPECTED = Pattern.compile("^\\s*#> ?(.*)$");
    private static final Pattern DEFAULT_URL = Pattern.compile("\\b(?:localhost|127\\.0\\.0\\.1):8080\\b");

    /** What the test puts before each block; see the class comment. */
    private static final String PREAMBLE = """
            set -e
            shopt -s expand_aliases
            java() {
              if [ "$1" = -jar ] && [ "$2" = target/mcpstore.jar ]; then
                shift 2
                set -- -cp "$MCPSTORE_TEST_CLASSPATH" io.mcpstore.Main "$@"
              fi
              # In a subshell (`mcpstore … &`, `$(…)`) java takes its place, so that `kill $!` stops java itself
              # and not only the subshell that started it, which would leave java running.
              # (exec runs the java on PATH, never this function.)
              if [ "$BASHPID" != "$$" ]; then exec java "$@"; fi
              command java "$@"
            }
            curl() {
              for a in "$@"; do
                case "$a" in --fail|--fail-with-body|--fail-early|-w|--write-out|-[!-]*f*|-[!-]*w*) command curl "$@"; return;; esac
              done
              command curl --fail-with-body "$@"
            }
            """;

    /** A fenced shell block of the README: where it starts (1-based line of the fence), its text, and its markers. */
    record Block(int line, String code, String optOut, List<String> expected) {}

    private static Path work;
    private static Process gateway;
    private static String url;

    @BeforeAll
    static void startGateway() throws Exception {
        work = Files.createTempDirectory("readme-examples");
        ProcessBuilder builder = new ProcessBuilder(
                        Upstreams.JAVA, "-cp", System.getProperty("java.class.path"), "io.mcpstore.Main", "--port", "0")
                .directory(work.toFile())
                .redirectError(work.resolve("gateway.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("MCPSTORE_"));
        gateway = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as(log()).isNotNull().startsWith("MCPStore listening on ");
        url = line.substring("MCPStore listening on ".length()).trim();
        // Like a reader, wait for the demo service before the first example.
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (http.send(
                                HttpRequest.newBuilder(URI.create(url + "/health/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                != 200) {
            assertThat(System.nanoTime())
                    .as("the default gateway ready within 60 s\n" + log())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway == null) return;
        List<ProcessHandle> children = gateway.descendants().toList();
        gateway.destroy();
        if (!gateway.waitFor(20, TimeUnit.SECONDS)) gateway.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String log() {
        try {
            return "gateway log:\n" + Files.readString(work.resolve("gateway.log"));
        } catch (IOException e) {
            return "(no gateway log: " + e + ")";
        }
    }

    @TestFactory
    Stream<DynamicTest> everyShellBlockOfTheReadmeRunsAsWritten() throws IOException {
        return blocks(Files.readAllLines(README)).stream()
                .map(block -> DynamicTest.dynamicTest("README.md line " + block.line(), () -> run(block)));
    }

    /** The parser itself, on a README of its own: what counts as a block, an opt-out and expected output. */
    @Test
    @Timeout(10)
    void blocksOptOutsAndExpectedOutputAreFound() {
        List<Block> found = blocks(List.of(
                "# t", // 1
                "```bash", // 2
                "echo one", // 3
                "#> one", // 4
                "```", // 5
                "<!-- not run by ReadmeExamplesTest: needs a database -->", // 6
                "", // 7
                "```bash", // 8
                "psql", // 9
                "```", // 10
                "```yaml", // 11
                "a: 1", // 12
                "```", // 13
                "  ```bash", // 14
                "  echo indented", // 15
                "  ```")); // 16
        assertThat(found).hasSize(3);
        assertThat(found.get(0)).isEqualTo(new Block(2, "echo one\n#> one\n", null, List.of("one")));
        assertThat(found.get(1).line()).isEqualTo(8);
        assertThat(found.get(1).optOut()).isEqualTo("needs a database");
        assertThat(found.get(2).code()).isEqualTo("echo indented\n");
    }

    @Test
    @Timeout(10)
    void expectedTextsAreFoundInOrderWithEllipsisAsWildcard() {
        String out = "Added service 'x' (revision 2)\nNAME  STATE\nx     ready\n{\"a\":1}{\"b\":42}";
        assertThat(missing(List.of("Added service 'x' (revision …)", "{\"b\":42}"), out))
                .isNull();
        assertThat(missing(List.of("{\"a\":1}", "NAME  STATE"), out)).isEqualTo("NAME  STATE");
        assertThat(missing(List.of("x ready"), out)).isEqualTo("x ready");
        assertThat(missing(List.of("revision … ready"), out))
                .as("… stays within a line")
                .isEqualTo("revision … ready");
    }

    static List<Block> blocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) continue;
            String fence = open.group(1);
            String info = open.group(2);
            int indent = lines.get(i).indexOf('`');
            StringBuilder code = new StringBuilder();
            List<String> expected = new ArrayList<>();
            int j = i + 1;
            for (; j < lines.size(); j++) {
                String l = lines.get(j);
                if (l.trim().equals(fence)
                        || (l.trim().startsWith(fence) && l.trim().matches("`+"))) break;
                String text = l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l;
                code.append(text).append('\n');
                Matcher e = EXPECTED.matcher(text);
                if (e.matches()) expected.add(e.group(1));
            }
            if (info.equals("bash") || info.equals("sh")) {
                blocks.add(new Block(i + 1, code.toString(), optOut(lines, i), List.copyOf(expected)));
            }
            i = j;
        }
        return blocks;
    }

    /** The reason given by an opt-out marker just above the fence at {@code fence} (blank lines between), or null. */
    private static String optOut(List<String> lines, int fence) {
        for (int k = fence - 1; k >= 0; k--) {
            if (lines.get(k).isBlank()) continue;
            Matcher m = OPT_OUT.matcher(lines.get(k));
            return m.matches() ? m.group(1).trim() : null;
        }
        return null;
    }

    private void run(Block block) throws Exception {
        String where = "README.md line " + block.line();
        if (block.optOut() != null) {
            assertThat(block.optOut()).as(where + ": an opt-out needs a reason").isNotBlank();
            Assumptions.abort(where + " is not run: " + block.optOut());
        }
        String port = url.substring(url.lastIndexOf(':') + 1);
        String script = PREAMBLE + DEFAULT_URL.matcher(block.code()).replaceAll("127.0.0.1:" + port);
        Path out = Files.createTempFile(work, "block-" + block.line(), ".out");
        Path err = Files.createTempFile(work, "block-" + block.line(), ".err");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("MCPSTORE_"));
        builder.environment().put("MCPSTORE_URL", url);
        builder.environment().put("MCPSTORE_TEST_CLASSPATH", System.getProperty("java.class.path"));
        Process bash = builder.start();
        boolean finished = bash.waitFor(BLOCK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        bash.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!finished) bash.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String stdout = Files.readString(out);
        String report = "\n--- the block ---\n" + block.code() + "--- its stdout ---\n" + stdout
                + "--- its stderr ---\n" + Files.readString(err);
        assertThat(finished)
                .as(where + ": did not finish within " + BLOCK_TIMEOUT + report)
                .isTrue();
        assertThat(bash.exitValue())
                .as(where + ": exited with " + bash.exitValue() + report)
                .isZero();
        String missing = missing(block.expected(), stdout);
        assertThat(missing)
                .as(where + ": did not print '#> " + missing + "' (in that order)" + report)
                .isNull();
    }

    /**
     * The first expected text that {@code actual} does not contain after the previous one's match, or null when all
     * are there. Texts need not be whole lines: {@code curl -s} prints no newline, so answers run together.
     */
    static String missing(List<String> expected, String actual) {
        int at = 0;
        for (String e : expected) {
            Matcher m = Pattern.compile(Stream.of(e.trim().split("…", -1))
                            .map(Pattern::quote)
                            .reduce((a, b) -> a + ".*?" + b)
                            .orElse(""))
                    .matcher(actual);
            if (!m.find(at)) return e;
            at = m.end();
        }
        return null;
    }
}
