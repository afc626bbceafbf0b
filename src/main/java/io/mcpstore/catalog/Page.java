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
