package io.mcpstore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 spoken by hand on a socket, for what java.net.http will not send: a chosen or doubled {@code Host}, a
 * request line cut in half, a connection that stalls.
 */
public final class RawHttp implements AutoCloseable {
    /** A response as read off the wire; {@code status} is -1 when the server closed without answering. */
    public record Response(int status, String head, String body) {
        public boolean closedWithoutAnswer() {
            return status == -1;
        }
    }

    private final Socket socket;
    private final InputStream in;

    public RawHttp(int port, int readTimeoutMs) {
        this("127.0.0.1", port, readTimeoutMs);
    }

    public RawHttp(String address, int port, int readTimeoutMs) {
        try {
            socket = new Socket(address, port);
            socket.setSoTimeout(readTimeoutMs);
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One exchange on a fresh connection that the request itself asks to close. */
    public static Response exchange(int port, String request) {
        return exchange("127.0.0.1", port, request);
    }

    public static Response exchange(String address, int port, String request) {
        try (RawHttp http = new RawHttp(address, port, 20_000)) {
            http.write(request);
            return http.read();
        }
    }

    /** A POST of {@code body} to {@code path} with the headers a Streamable HTTP client sends, plus {@code extra}. */
    public static String post(String path, String host, String extra, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n" + extra
                + "Connection: close\r\n\r\n" + body;
    }

    public void write(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads one response: its head, then a Content-Length or chunked body (a stream's body: what came so far). */
    public Response read() {
        try {
            String head = readHead();
            if (head == null) return new Response(-1, "", "");
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            String lower = head.toLowerCase(Locale.ROOT);
            String body;
            int cl = lower.indexOf("\ncontent-length:");
            if (cl >= 0) {
                int end = lower.indexOf('\r', cl + 1);
                int length = Integer.parseInt(lower.substring(cl + 16, end).trim());
                body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            } else if (lower.contains("transfer-encoding: chunked")) {
                body = readChunked();
            } else {
                body = "";
            }
            return new Response(status, head, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads only the head of one response (a stream's body never ends); status -1 when closed first. */
    public Response head() {
        try {
            String head = readHead();
            if (head == null) return new Response(-1, "", "");
            return new Response(Integer.parseInt(head.split(" ", 3)[1]), head, "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the server has closed the connection: blocks until it does (true) or the read timeout (false). */
    public boolean closedByServer() {
        try {
            while (true) {
                if (in.read() == -1) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Reads from a chunked stream until {@code text} has appeared; returns all read so far. */
    public String readUntil(String text) {
        StringBuilder seen = new StringBuilder();
        try {
            while (seen.indexOf(text) < 0) {
                int b = in.read();
                if (b == -1) throw new IllegalStateException("closed before '" + text + "' arrived: " + seen);
                seen.append((char) b);
            }
            return seen.toString();
        } catch (IOException e) {
            throw new IllegalStateException("no '" + text + "' in: " + seen, e);
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b == -1) return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private String readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                line();
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(n));
            line();
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') if (b != '\r') sb.append((char) b);
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
