package io.mcpstore.upstream;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An incremental parser for a {@code text/event-stream} body, per the WHATWG "server-sent events" rules: feed it
 * chunks as they arrive (split anywhere, even inside a UTF-8 character or between {@code \r} and {@code \n}) and it
 * emits each complete event. Lines end with {@code \n}, {@code \r\n} or {@code \r}; {@code data} lines join with
 * {@code \n}; lines starting with {@code :} are comments; an event without data is not dispatched, but its {@code
 * id} is still remembered (the MCP priming event).
 */
public final class SseParser {

    /** One dispatched event. {@code event} is {@code "message"} when the stream named none. */
    public record Event(String id, String event, String data) {}

    private final Consumer<Event> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;
    private String lastEventId;
    private Long retryMs;
    private boolean afterCarriageReturn;
    private boolean atStreamStart = true;

    public SseParser(Consumer<Event> sink) {
        this.sink = sink;
    }

    public void feed(Buffer chunk) {
        feed(chunk.getBytes());
    }

    public void feed(String chunk) {
        feed(chunk.getBytes(StandardCharsets.UTF_8));
    }

    public void feed(byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (b == '\n') { // the second half of a \r\n whose \r ended the previous line
                    start = i + 1;
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                line.write(bytes, start, i - start);
                endOfLine();
                afterCarriageReturn = b == '\r';
                start = i + 1;
            }
        }
        line.write(bytes, start, bytes.length - start);
    }

    /** The id of the last event seen (even one without data), for a {@code Last-Event-ID} on reconnect. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection delay the server asked for with {@code retry:}, or null. */
    public Long retryMs() {
        return retryMs;
    }

    private void endOfLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (atStreamStart) {
            atStreamStart = false;
            if (text.startsWith("\uFEFF")) text = text.substring(1);
        }
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') return; // comment, e.g. a keep-alive
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> {
                if (hasData) data.append('\n');
                data.append(value);
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) lastEventId = value;
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    try {
                        retryMs = Long.parseLong(value);
                    } catch (NumberFormatException tooLong) {
                        // ignored, as the spec says for a value that is not a number
                    }
                }
            }
            default -> {} // unknown fields are ignored
        }
    }

    private void dispatch() {
        if (hasData) {
            sink.accept(new Event(
                    lastEventId, eventType == null || eventType.isEmpty() ? "message" : eventType, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        eventType = null;
    }
}
