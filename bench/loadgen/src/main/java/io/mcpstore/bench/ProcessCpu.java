package io.mcpstore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time (user + system) of a process and all its descendants, read from /proc, in seconds. */
final class ProcessCpu {
    private static final double TICKS = 100.0; // USER_HZ on Linux

    private ProcessCpu() {}

    static double seconds(long pid) {
        return ticks(pid, 0) / TICKS;
    }

    private static long ticks(long pid, int depth) {
        if (depth > 8) return 0;
        long total = 0;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String children = Files.readString(task.resolve("children")).trim();
                    if (children.isEmpty()) continue;
                    for (String child : children.split(" ")) total += ticks(Long.parseLong(child), depth + 1);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended meanwhile
        }
        return total;
    }

    static double self() {
        return seconds(ProcessHandle.current().pid());
    }
}
