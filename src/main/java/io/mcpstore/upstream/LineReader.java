package io.mcpstore.upstream;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code \n}-delimited lines from a stream without ever holding more than {@code max} bytes of one: a longer
 * line is handed on as its first {@code max} bytes, marked cut, as soon as it passes the limit, and the rest of it
 * is read and dropped. A trailing {@code \r} is not part of a line.
 */
final class LineReader {
    /** Receives each line; {@code bytes} is reused after the call returns. */
    interface Sink {
        void line(byte[] bytes, int length, boolean cut);
    }

    private static final int CHUNK = 64 * 1024;
    private static final int INITIAL = 8 * 1024;
    /** A buffer grown past this for one long line is not kept for the lines after it. */
    private static final int KEPT = 1024 * 1024;

    private final int max;
    private final Sink sink;
    private byte[] line;
    private int length;
    private boolean skipping;

    private LineReader(int max, Sink sink) {
        this.max = max;
        this.sink = sink;
        this.line = new byte[Math.min(INITIAL, max)];
    }

    /** Reads until the stream ends; a last line without {@code \n} is handed on too. */
    static void read(InputStream in, int max, Sink sink) throws IOException {
        new LineReader(max, sink).run(in);
    }

    private void run(InputStream in) throws IOException {
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    take(chunk, start, i);
                    endOfLine();
                    start = i + 1;
                }
            }
            take(chunk, start, n);
        }
        if (length > 0 && !skipping) endOfLine();
    }

    private void take(byte[] bytes, int from, int to) {
        if (skipping || from == to) return;
        int count = to - from;
        if (count > max - length) { // over the limit: hand on what fits, drop the rest of the line
            int fits = max - length;
            grow(max);
            System.arraycopy(bytes, from, line, length, fits);
            length = max;
            sink.line(line, length, true);
            skipping = true;
            reset();
            return;
        }
        grow(length + count);
        System.arraycopy(bytes, from, line, length, count);
        length += count;
    }

    private void endOfLine() {
        if (skipping) { // handed on already, when it passed the limit
            skipping = false;
            return;
        }
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        sink.line(line, end, false);
        reset();
    }

    private void grow(int needed) {
        if (needed <= line.length) return;
        int size = line.length;
        while (size < needed) size = (int) Math.min((long) size * 2, max);
        line = java.util.Arrays.copyOf(line, size);
    }

    private void reset() {
        length = 0;
        if (line.length > KEPT) line = new byte[Math.min(INITIAL, max)];
    }
}
