package io.mcpstore.catalog;

import io.mcpstore.protocol.McpException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Cursor pagination over a merged list. Cursors are opaque to clients: base64 of an offset. */
public final class Page {
    private Page() {}

    private static final String PREFIX = "o:";

    /** The page of {@code items} that {@code cursor} points at, as an MCP list result under {@code field}. */
    public static JsonObject of(String field, JsonArray items, String cursor, int pageSize) {
        int offset = decode(cursor, items.size());
        int end = Math.min(items.size(), offset + pageSize);
        JsonArray page = offset == 0 && end == items.size()
                ? items
                : new JsonArray(items.getList().subList(offset, end));
        JsonObject result = new JsonObject().put(field, page);
        if (end < items.size()) result.put("nextCursor", encode(end));
        return result;
    }

    /** A list whose items are already encoded JSON. */
    interface EncodedItems {
        int size();

        /** The length of item {@code i}'s JSON. */
        int length(int i);

        /** Copies item {@code i}'s JSON into {@code to} at {@code at}; returns the position after it. */
        int copy(int i, byte[] to, int at);

        /** The array of items {@code from} to {@code to} (exclusive) that a page of a full listing holds. */
        default EncodedJson page(int from, int to) {
            return array(this, from, to);
        }
    }

    /**
     * As {@link #of}, for a list of encoded items: the page's array is assembled from their bytes (or taken as the
     * list keeps it, for the pages of a listing from its start) and placed in the result already encoded, so that
     * writing the answer copies it instead of serializing every item again.
     */
    static JsonObject encoded(String field, EncodedItems items, String cursor, int pageSize) {
        int size = items.size();
        int offset = decode(cursor, size);
        int end = Math.min(size, offset + pageSize);
        // Cursors we hand out fall on multiples of the page size; others (a cursor from before a change of the page
        // size, or made up) get a page of their own that is not kept.
        EncodedJson array = offset % pageSize == 0 ? items.page(offset, end) : array(items, offset, end);
        JsonObject result = new JsonObject().put(field, array);
        if (end < size) result.put("nextCursor", encode(end));
        return result;
    }

    /** Items {@code from} to {@code to} (exclusive) as one encoded JSON array. */
    static EncodedJson array(EncodedItems items, int from, int to) {
        int length = 2 + Math.max(0, to - from - 1);
        for (int i = from; i < to; i++) length += items.length(i);
        byte[] array = new byte[length];
        int at = 0;
        array[at++] = '[';
        for (int i = from; i < to; i++) {
            if (i > from) array[at++] = ',';
            at = items.copy(i, array, at);
        }
        array[at] = ']';
        return new EncodedJson(array);
    }

    static String encode(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String cursor, int size) {
        if (cursor == null) return 0;
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (raw.startsWith(PREFIX)) {
                int offset = Integer.parseInt(raw.substring(PREFIX.length()));
                if (offset >= 0 && offset <= size) return offset;
            }
        } catch (IllegalArgumentException e) {
            // fall through: not one of ours
        }
        throw McpException.invalidParams("Invalid cursor: " + cursor);
    }
}
