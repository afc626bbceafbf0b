package io.mcpstore.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SseParserTest {
    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    @Test
    @Timeout(5)
    void readsEventsWithEveryLineEnding() {
        parser.feed("data: one\n\ndata: two\r\n\r\ndata: three\r\rdata: four\n\n");

        assertThat(events).extracting(SseParser.Event::data).containsExactly("one", "two", "three", "four");
    }

    @Test
    @Timeout(5)
    void joinsMultiLineDataAndKeepsIdAndEventNames() {
        parser.feed("id: 7\nevent: endpoint\ndata: first\ndata:second\ndata\n\n");

        assertThat(events).containsExactly(new SseParser.Event("7", "endpoint", "first\nsecond\n"));
        assertThat(parser.lastEventId()).isEqualTo("7");
    }

    @Test
    @Timeout(5)
    void namesTheEventMessageWhenTheStreamDoesNot() {
        parser.feed("data: {\"jsonrpc\":\"2.0\"}\n\n");

        assertThat(events).containsExactly(new SseParser.Event(null, "message", "{\"jsonrpc\":\"2.0\"}"));
    }

    @Test
    @Timeout(5)
    void skipsCommentsAndDispatchesNothingWithoutData() {
        parser.feed(": keep-alive\n\nid: 42\n\nevent: ping\n\n:another\ndata: x\n\n");

        assertThat(events).containsExactly(new SseParser.Event("42", "message", "x"));
        assertThat(parser.lastEventId()).isEqualTo("42");
    }

    @Test
    @Timeout(5)
    void anEmptyDataLineIsAnEventWithEmptyData() {
        parser.feed("id: prime-1\ndata: \n\n"); // the MCP priming event

        assertThat(events).containsExactly(new SseParser.Event("prime-1", "message", ""));
    }

    @Test
    @Timeout(5)
    void readsTheRetryFieldAndIgnoresUnknownOnes() {
        parser.feed("retry: 2500\nfoo: bar\nretry: soon\ndata: x\n\n");

        assertThat(parser.retryMs()).isEqualTo(2500L);
        assertThat(events).extracting(SseParser.Event::data).containsExactly("x");
    }

    @Test
    @Timeout(5)
    void anEventCutOffByTheEndOfTheStreamIsNotDispatched() {
        parser.feed("data: complete\n\ndata: incomplete\n");

        assertThat(events).extracting(SseParser.Event::data).containsExactly("complete");
    }

    @Test
    @Timeout(5)
    void givesTheSameEventsHoweverTheBytesAreSplit() {
        String stream = "\uFEFFid: 1\r\nevent: message\r\ndata: {\"text\":\"größer → ✓\"}\r\n\r\n"
                + ": comment\r\rdata: a\rdata: b\r\r";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<SseParser.Event> whole = parse(List.of(bytes));
        assertThat(whole)
                .containsExactly(
                        new SseParser.Event("1", "message", "{\"text\":\"größer → ✓\"}"),
                        new SseParser.Event("1", "message", "a\nb"));

        for (int cut = 1; cut < bytes.length; cut++) {
            List<byte[]> chunks =
                    List.of(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(parse(chunks)).as("split at byte %d", cut).isEqualTo(whole);
        }
        List<byte[]> oneByteAtATime = new ArrayList<>();
        for (byte b : bytes) oneByteAtATime.add(new byte[] {b});
        assertThat(parse(oneByteAtATime)).isEqualTo(whole);
    }

    /** An event over the limit is reported once with its start; the rest is dropped, and the next one arrives. */
    @Test
    @Timeout(5)
    void reportsAnEventOverTheLimitAndReadsOnAfterIt() {
        List<String> tooLarge = new ArrayList<>();
        SseParser bounded =
                new SseParser(events::add, 64, start -> tooLarge.add(new String(start, StandardCharsets.UTF_8)));

        bounded.feed("id: 1\ndata: {\"id\":3,\"text\":\"" + "x".repeat(40));
        bounded.feed("x".repeat(1000) + "\"}\ndata: more\nid: 2\n\n");
        bounded.feed("data: small\n\n");

        assertThat(tooLarge).hasSize(1);
        assertThat(tooLarge.get(0)).startsWith("{\"id\":3,\"text\":\"xxx");
        assertThat(events).containsExactly(new SseParser.Event("2", "message", "small"));
    }

    private static List<SseParser.Event> parse(List<byte[]> chunks) {
        List<SseParser.Event> out = new ArrayList<>();
        SseParser p = new SseParser(out::add);
        chunks.forEach(p::feed);
        return out;
    }
}
