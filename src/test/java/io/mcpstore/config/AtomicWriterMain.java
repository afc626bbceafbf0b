package io.mcpstore.config;

import java.nio.file.Path;

/** Rewrites a file with two alternating contents until it is killed: the victim of the crash-safety test. */
public final class AtomicWriterMain {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        byte[] a = AtomicFilesCrashTest.content('a');
        byte[] b = AtomicFilesCrashTest.content('b');
        System.out.println("writing");
        System.out.flush();
        for (long i = 0; ; i++) AtomicFiles.write(file, i % 2 == 0 ? a : b);
    }
}
