package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Cursor pagination for list results. Cursors are opaque to clients: an encoded offset into the list. */
final class Pagination {
    private static final String PREFIX = "offset:";

    private Pagination() {}

    /** One page of {@code items} under {@code key}, with {@code nextCursor} when more follow. */
    static JsonObject page(String key, List<JsonObject> items, JsonObject params, int pageSize) {
        int from = offset(params == null ? null : params.getString("cursor"), items.size());
        int to = Math.min(items.size(), from + pageSize);
        JsonObject result = new JsonObject().put(key, new JsonArray(List.copyOf(items.subList(from, to))));
        return to < items.size() ? result.put("nextCursor", encode(to)) : result;
    }

    private static int offset(String cursor, int size) {
        if (cursor == null) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(PREFIX)) {
                int offset = Integer.parseInt(decoded.substring(PREFIX.length()));
                if (offset >= 0 && offset <= size) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through: not a cursor we issued
        }
        throw new McpException(JsonRpc.INVALID_PARAMS, "Invalid cursor: " + cursor);
    }

    private static String encode(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }
}
