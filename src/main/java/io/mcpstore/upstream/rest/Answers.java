package io.mcpstore.upstream.rest;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP answer as an MCP tool result: JSON becomes {@code structuredContent} and text (the tool's template applied
 * to the selected part, else that part as JSON), an image or audio its content kind (base64), other text as text,
 * other binary an embedded resource; a non-2xx answer a result with {@code isError: true}, its status and the start
 * of its body.
 */
final class Answers {
    private Answers() {}

    static JsonObject result(RestTool tool, HttpCaller.Answer answer) {
        if (!answer.ok()) {
            String body = answer.body().toString(StandardCharsets.UTF_8).strip();
            boolean cut = answer.body().length() >= HttpCaller.ERROR_BODY_BYTES;
            String text =
                    "HTTP " + answer.status() + (answer.statusMessage() == null ? "" : " " + answer.statusMessage())
                            + (body.isEmpty() ? "" : ": " + body + (cut ? "…" : ""));
            return error(text);
        }
        String type = mediaType(answer.contentType());
        byte[] bytes = answer.body().getBytes();
        if (bytes.length == 0) {
            return text(
                    "HTTP " + answer.status() + (answer.statusMessage() == null ? "" : " " + answer.statusMessage()));
        }
        if (isJson(type, bytes)) {
            try {
                return json(tool, answer, tool.selection.select(bytes));
            } catch (Selection.Missing e) {
                return error(e.getMessage() + " (HTTP " + answer.status() + ")");
            } catch (IOException notJson) {
                if (!type.isEmpty() && !type.endsWith("json")) return text(new String(bytes, StandardCharsets.UTF_8));
                return error("the answer is not valid JSON: " + notJson.getMessage());
            }
        }
        if (type.startsWith("image/") || type.startsWith("audio/")) {
            String kind = type.startsWith("image/") ? "image" : "audio";
            return content(new JsonObject()
                    .put("type", kind)
                    .put("data", Base64.getEncoder().encodeToString(bytes))
                    .put("mimeType", type));
        }
        if (isText(type)) return text(new String(bytes, StandardCharsets.UTF_8));
        return content(new JsonObject()
                .put("type", "resource")
                .put(
                        "resource",
                        new JsonObject()
                                .put("uri", HttpCaller.shown(answer.url()))
                                .put("mimeType", type.isEmpty() ? "application/octet-stream" : type)
                                .put("blob", Base64.getEncoder().encodeToString(bytes))));
    }

    private static JsonObject json(RestTool tool, HttpCaller.Answer answer, Object selected) {
        String text;
        if (tool.answer != null) {
            text = Templates.render(tool.answer, selected);
        } else if (tool.selection.selects()) {
            text = Templates.json(selected);
        } else {
            text = answer.body().toString(StandardCharsets.UTF_8);
        }
        JsonObject result = text(text);
        if (!tool.wrapsOutput && selected instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            result.put("structuredContent", new JsonObject(object));
        } else {
            result.put("structuredContent", new JsonObject().put("result", wrap(selected)));
        }
        return result;
    }

    /** A value Vert.x JSON holds as it is (maps and lists wrapped). */
    private static Object wrap(Object value) {
        if (value instanceof Map<?, ?> || value instanceof java.util.List<?>) {
            return Json.decodeValue(Json.encode(value));
        }
        return value;
    }

    static JsonObject text(String text) {
        return content(new JsonObject().put("type", "text").put("text", text));
    }

    static JsonObject error(String text) {
        return text(text).put("isError", true);
    }

    private static JsonObject content(JsonObject item) {
        return new JsonObject().put("content", new JsonArray().add(item));
    }

    static String mediaType(String contentType) {
        if (contentType == null) return "";
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String type, byte[] bytes) {
        if (type.equals("application/json") || type.endsWith("+json")) return true;
        if (!type.isEmpty() && !type.equals("text/plain")) return false;
        // No type, or text/plain from a sloppy API: JSON if it looks like it.
        for (byte b : bytes) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') continue;
            return b == '{' || b == '[';
        }
        return false;
    }

    private static boolean isText(String type) {
        return type.isEmpty()
                || type.startsWith("text/")
                || type.endsWith("+xml")
                || type.equals("application/xml")
                || type.equals("application/yaml")
                || type.equals("application/x-yaml")
                || type.equals("application/javascript")
                || type.equals("application/x-www-form-urlencoded");
    }
}
