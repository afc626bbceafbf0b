package io.mcpstore.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Upstreams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed with SIGKILL at random moments, over and over: the file always holds the old content or the new
 * one, never a mix, a truncation or nothing; and a file store still loads from it.
 */
@Timeout(120)
class AtomicFilesCrashTest {
    private static final int SIZE = 2 * 1024 * 1024;

    @TempDir
    Path dir;

    static byte[] content(char c) {
        byte[] out = new byte[SIZE];
        Arrays.fill(out, (byte) c);
        byte[] head = ("# content " + c + "\nservices: {}\n#").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, out, 0, head.length);
        out[SIZE - 1] = '\n';
        return out;
    }

    @Test
    void aWriteKilledAtAnyMomentLeavesTheOldOrTheNewFile() throws Exception {
        Path file = dir.resolve("mcpstore.yaml");
        byte[] initial = "services: {}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, initial);
        List<byte[]> allowed = List.of(initial, content('a'), content('b'));
        Random random = new Random(42);
        for (int round = 0; round < 12; round++) {
            Process writer = new ProcessBuilder(
                            Upstreams.JAVA,
                            "-cp",
                            System.getProperty("java.class.path"),
                            AtomicWriterMain.class.getName(),
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("writing");
                Thread.sleep(20 + random.nextInt(300));
                writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                writer.destroyForcibly();
            }
            byte[] now = Files.readAllBytes(file);
            assertThat(allowed.stream().anyMatch(a -> Arrays.equals(a, now)))
                    .as("round %d: the file is one whole version (%d bytes)", round, now.length)
                    .isTrue();
        }
        // Left-over temporary files do not confuse a loader: the file parses.
        assertThat(ConfigDocument.parseYaml(Files.readString(file)).getJsonObject("services"))
                .isNotNull();
    }
}
