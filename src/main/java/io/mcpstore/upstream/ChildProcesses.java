package io.mcpstore.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The child processes this JVM started for stdio upstreams, so that none outlives the gateway: a JVM shutdown hook
 * ends whatever is still registered. Also the one place that knows how to end a process tree.
 */
final class ChildProcesses {
    private ChildProcesses() {}

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean shuttingDown;
    private static final Duration KILL_WAIT = Duration.ofSeconds(1);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::endAll, "mcpstore-child-reaper"));
    }

    /**
     * Tracks {@code process} until it exits. A process started while the JVM shuts down is ended at once: the
     * verticles keep running during the hooks and would otherwise restart the children the hook just ended.
     */
    static void register(Process process) {
        LIVE.add(process);
        // Deregister on its own exit too, so a crashed child does not linger in the set.
        process.onExit().thenRun(() -> LIVE.remove(process));
        if (shuttingDown) end(process, Duration.ZERO); // the hook may have iterated before we were added
    }

    /**
     * What a child gets from the gateway's environment unless its service sets {@code inheritEnv: true}: what
     * programs need to run — find commands, a home and a temp directory, a user, a locale, a time zone, a terminal
     * type, and on Windows the system's own directories — and nothing that could be one of the gateway's secrets.
     */
    static final Set<String> PASSED_ON = Set.of(
            "PATH",
            "HOME",
            "USER",
            "LOGNAME",
            "SHELL",
            "TMPDIR",
            "LANG",
            "LANGUAGE",
            "TZ",
            "TERM",
            // Windows (variable names there are case-insensitive)
            "SYSTEMROOT",
            "SYSTEMDRIVE",
            "WINDIR",
            "COMSPEC",
            "PATHEXT",
            "TEMP",
            "TMP",
            "USERNAME",
            "USERPROFILE",
            "HOMEDRIVE",
            "HOMEPATH",
            "APPDATA",
            "LOCALAPPDATA",
            "PROGRAMDATA",
            "PROGRAMFILES",
            "PROGRAMFILES(X86)",
            "COMMONPROGRAMFILES",
            "NUMBER_OF_PROCESSORS",
            "PROCESSOR_ARCHITECTURE",
            "OS");

    /**
     * Turns {@code environment} (a ProcessBuilder's, which starts as the gateway's own) into a child's: the {@link
     * #PASSED_ON} variables and the locale's {@code LC_*}, or everything when {@code inherit}; then the service's
     * own {@code env} on top.
     */
    static void environment(Map<String, String> environment, Map<String, String> own, boolean inherit) {
        if (!inherit) environment.keySet().removeIf(name -> !passedOn(name));
        environment.putAll(own);
    }

    private static boolean passedOn(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return PASSED_ON.contains(upper) || upper.startsWith("LC_");
    }

    static boolean shuttingDown() {
        return shuttingDown;
    }

    /** {@code process} and its descendants, listed now: an orphan is re-parented and no longer listed later. */
    static List<ProcessHandle> tree(Process process) {
        return Stream.concat(process.descendants(), Stream.of(process.toHandle()))
                .toList();
    }

    /**
     * Ends {@code process} and its descendants: SIGTERM first, SIGKILL whatever is still alive after {@code grace}.
     * Blocks, so it runs on a transport's own thread or in the shutdown hook, never on an event loop.
     */
    static void end(Process process, Duration grace) {
        end(tree(process), grace);
        LIVE.remove(process);
    }

    static void end(List<ProcessHandle> tree, Duration grace) {
        tree.forEach(ProcessHandle::destroy);
        List<ProcessHandle> survivors = awaitExit(tree, grace);
        // A parent that ignored SIGTERM may have started children since the tree was listed (a shell running its
        // next command): list again, or the SIGKILL would orphan them to init.
        List<ProcessHandle> stubborn = survivors.stream()
                .flatMap(p -> Stream.concat(p.descendants(), Stream.of(p)))
                .distinct()
                .toList();
        stubborn.forEach(ProcessHandle::destroyForcibly);
        // SIGKILL is asynchronous too: return only once they are gone, so that callers can rely on it.
        awaitExit(stubborn, KILL_WAIT);
    }

    /** Waits until {@code deadline} for each to exit; returns those still alive. */
    private static List<ProcessHandle> awaitExit(List<ProcessHandle> handles, Duration within) {
        Instant deadline = Instant.now().plus(within);
        List<ProcessHandle> alive = new ArrayList<>();
        for (ProcessHandle handle : handles) {
            long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                handle.onExit().get(left, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                alive.add(handle);
            } catch (Exception stillAlive) {
                alive.add(handle);
            }
        }
        return alive;
    }

    private static void endAll() {
        shuttingDown = true;
        // Ends them in parallel: the hook has little time and each may use its whole grace period.
        List<Thread> enders = LIVE.stream()
                .map(p -> new Thread(() -> end(p, Duration.ofSeconds(2)), "mcpstore-child-end-" + p.pid()))
                .toList();
        enders.forEach(Thread::start);
        for (Thread t : enders) {
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
