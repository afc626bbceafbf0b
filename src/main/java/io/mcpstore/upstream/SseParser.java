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
 *
 * <p>One event holds at most {@code maxEventBytes}: a longer one is reported with its start, as soon as it passes
 * the limit, and the rest of it is read and dropped, never buffered.
 */
public final class SseParser {

    /** One dispatched event. {@code event} is {@code "message"} when the stream named none. */
    public record Event(String id, String event, String data) {}

    /** How much of an event over the limit is kept for the report. */
    static final int START_BYTES = 4096;

    private final Consumer<Event> sink;
    private final int maxEventBytes;
    private final Consumer<byte[]> tooLarge;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    /** Bytes of the current event so far: its data lines and the line being read. */
    private long eventBytes;
    /** Dropping the rest of a line, or of an event, that passed the limit. */
    private boolean skippingLine;

    private boolean skippingEvent;
    private boolean hasData;
    private String eventType;
    private String lastEventId;
    private Long retryMs;
    private boolean afterCarriageReturn;
    private boolean atStreamStart = true;

    /** A parser without a size limit, for trusted input. */
    public SseParser(Consumer<Event> sink) {
        this(sink, Integer.MAX_VALUE, start -> {});
    }

    /** {@code tooLarge} gets the start of each event over {@code maxEventBytes} (its data, as far as it came). */
    public SseParser(Consumer<Event> sink, int maxEventBytes, Consumer<byte[]> tooLarge) {
        this.sink = sink;
        this.maxEventBytes = maxEventBytes;
        this.tooLarge = tooLarge;
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
                take(bytes, start, i);
                if (skippingLine) {
                    skippingLine = false;
                    line.reset();
                } else {
                    endOfLine();
                }
                afterCarriageReturn = b == '\r';
                start = i + 1;
            }
        }
        take(bytes, start, bytes.length);
    }

    private void take(byte[] bytes, int from, int to) {
        if (skippingLine || from == to) return;
        int count = to - from;
        if (eventBytes + line.size() + count <= maxEventBytes) {
            line.write(bytes, from, count);
            return;
        }
        skippingLine = true;
        if (skippingEvent) return; // reported already
        skippingEvent = true;
        // The start of the event's data: what the data lines held so far, else this line's value.
        byte[] start;
        if (data.length() > 0) {
            start = data.substring(0, Math.min(data.length(), START_BYTES)).getBytes(StandardCharsets.UTF_8);
        } else {
            line.write(bytes, from, Math.min(count, START_BYTES));
            String text = line.toString(StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            String value = colon < 0 ? "" : text.substring(colon + 1);
            start = (value.startsWith(" ") ? value.substring(1) : value).getBytes(StandardCharsets.UTF_8);
        }
        line.reset();
        data.setLength(0);
        hasData = false;
        tooLarge.accept(start);
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
        int lineBytes = line.size();
        line.reset();
        if (skippingEvent) { // an event over the limit: only its end (and its id, to resume from) still matter
            if (text.isEmpty()) {
                skippingEvent = false;
                eventBytes = 0;
                eventType = null;
            } else if (text.startsWith("id:")) {
                String value = text.substring(3).startsWith(" ") ? text.substring(4) : text.substring(3);
                if (value.indexOf('\0') < 0) lastEventId = value;
            }
            return;
        }
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
                eventBytes += lineBytes;
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
        eventBytes = 0;
    }
}
