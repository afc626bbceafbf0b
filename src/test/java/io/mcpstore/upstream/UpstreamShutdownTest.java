package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A gateway that is killed (SIGTERM) leaves no child process behind. */
class UpstreamShutdownTest {
    private Process gateway;
    private long childPid;

    @AfterEach
    void stop() throws InterruptedException {
        if (gateway != null && gateway.isAlive()) gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // Should the test fail, end what the gateway left behind, so the next run starts clean.
        ProcessHandle.of(childPid).ifPresent(shell -> {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        });
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aKilledGatewayTakesItsChildrenWithIt() throws Exception {
        // If the shell outlived the gateway, the server would leave on stdin EOF and the shell would start an
        // orphan: this sleep must never run. Its odd duration tells it from any other run's on this machine.
        String orphan = orphanDuration();
        String child = "node '" + EverythingServer.script() + "' stdio; sleep " + orphan;
        Path output = Files.createTempFile("gateway", ".log");
        output.toFile().deleteOnExit();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        gateway = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), OneUpstreamGateway.class.getName(), child)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        long pid = await().atMost(Duration.ofSeconds(60))
                .until(() -> childPid(output), Optional::isPresent)
                .orElseThrow();
        childPid = pid;
        assertThat(alive(pid)).isTrue();

        gateway.destroy(); // SIGTERM: shutdown hooks run
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !alive(pid));
        Thread.sleep(500); // time for a surviving shell to start its orphan
        assertThat(endSurvivors(orphan)).isEmpty();
    }

    private static Optional<Long> childPid(Path output) throws Exception {
        return Files.readAllLines(output).stream()
                .filter(line -> line.startsWith("PID "))
                .map(line -> Long.parseLong(line.substring(4).trim()))
                .findFirst();
    }

    /** A sleep duration no other test run on this machine uses: 3000 s and a random fraction. */
    static String orphanDuration() {
        return "3000." + ThreadLocalRandom.current().nextInt(100_000_000, 999_999_999);
    }

    /** The processes whose command line has {@code marker}, ended so that a failing run leaves nothing behind. */
    static List<Long> endSurvivors(String marker) {
        List<ProcessHandle> survivors = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker))
                .toList();
        survivors.forEach(ProcessHandle::destroyForcibly);
        return survivors.stream().map(ProcessHandle::pid).toList();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
