package io.mcpstore.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one guard on what a change to the admin API may carry: a {@code POST}, {@code PUT}, {@code PATCH} or {@code
 * DELETE} with a body must declare it JSON or YAML, and one that declares any other type is refused even when empty —
 * 415 before anything is read or changed. A browser sends {@code text/plain}, form encodings, or a body with no type
 * to another site without a CORS preflight; with this rule a page elsewhere cannot make such a request count.
 * A change without a body and without a type ({@code curl -X POST …/rollback/1}) passes.
 */
final class ChangeContentTypes implements Handler<RoutingContext> {
    /** The media types a change may carry, parameters such as {@code charset} aside. */
    static final List<String> ACCEPTED =
            List.of("application/json", "application/yaml", "application/x-yaml", "text/yaml");

    private static final Set<HttpMethod> CHANGES =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    @Override
    public void handle(RoutingContext ctx) {
        if (!CHANGES.contains(ctx.request().method())) {
            ctx.next();
            return;
        }
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        // Runs after the BodyHandler, so the body's length is known whatever the framing (length, chunks, HTTP/2).
        boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
        if (type == null ? hasBody : !ACCEPTED.contains(mediaType(type))) {
            throw new Problem(
                    415,
                    "a change must send its body as " + String.join(", ", ACCEPTED)
                            + (type == null ? " (the request has a body but no Content-Type)" : ", not " + type));
        }
        ctx.next();
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }
}
