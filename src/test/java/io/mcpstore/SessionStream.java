package io.mcpstore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The GET stream of a Streamable HTTP session: the server's notifications, line by line. */
public final class SessionStream implements AutoCloseable {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final HttpResponse<Stream<String>> response;

    private SessionStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        reader = new Thread(
                () -> {
                    try {
                        response.body().forEach(lines::add);
                    } catch (RuntimeException ignored) {
                        // closed
                    }
                },
                "session-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream of session {@code sessionId} at {@code baseUrl + path}. */
    public static SessionStream open(String baseUrl, String path, String sessionId) throws Exception {
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(baseUrl + path))
                                .header("Accept", "text/event-stream")
                                .header("Mcp-Session-Id", sessionId)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        if (response.statusCode() != 200) throw new AssertionError("GET stream: HTTP " + response.statusCode());
        return new SessionStream(response);
    }

    /** The next data line containing {@code text} within {@code seconds}, or null. */
    public String await(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) return line;
        }
        return null;
    }

    /**
     * The lines that arrive up to and including the first containing {@code text}, within {@code seconds}; null
     * when it does not come. A test can then check what did not arrive before it.
     */
    public java.util.List<String> linesUntil(String text, long seconds) throws InterruptedException {
        java.util.List<String> seen = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) continue;
            seen.add(line);
            if (line.contains(text)) return seen;
        }
        return null;
    }

    /** Forgets what arrived so far. */
    public void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
