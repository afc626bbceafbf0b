package io.mcpstore.upstream.rest;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.RestConfig;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every request of one rest service carries, resolved once when it starts: the base URL, the static query
 * parameters and headers, and a static {@code Authorization} (basic, bearer) — each also as the dry run shows it,
 * secrets redacted by the admin API's rule ({@link Secrets}).
 */
final class RestApi {
    static final String DEFAULT_ACCEPT = "application/json, */*;q=0.5";

    final String baseUrl;
    final String shownBaseUrl;
    final Map<String, String> query = new LinkedHashMap<>();
    final Map<String, String> shownQuery = new LinkedHashMap<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    final Map<String, String> shownHeaders = new LinkedHashMap<>();
    /** The static {@code Authorization} value (basic, bearer), or null. */
    final String authorization;
    /** What the dry run shows for the {@code Authorization} auth adds, or null. */
    final String shownAuthorization;
    /** Resolved secret values (env, headers, query, auth) and what shows in their place. */
    private final Map<String, String> secrets = new LinkedHashMap<>();

    /** Throws {@link io.mcpstore.config.ConfigException} when a reference names an unset variable. */
    RestApi(ServiceConfig service, String userAgent) {
        RestConfig rest = service.rest();
        baseUrl = trimSlash(Placeholders.resolve(rest.baseUrl()));
        shownBaseUrl = trimSlash(Secrets.redactUrl(rest.baseUrl()));
        rest.query().forEach((k, v) -> {
            query.put(k, secret(v));
            shownQuery.put(k, Secrets.redactValue(v));
        });
        service.headers().forEach((k, v) -> {
            headers.put(k, secret(v));
            shownHeaders.put(k, Secrets.redactValue(v));
        });
        for (Map<String, String> h : java.util.List.of(headers, shownHeaders)) {
            if (h.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Accept"))) h.put("Accept", DEFAULT_ACCEPT);
            if (h.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("User-Agent"))) h.put("User-Agent", userAgent);
        }
        service.env().forEach((k, v) -> secret(v));
        RestConfig.Auth auth = rest.auth();
        if (auth == null) {
            authorization = null;
            shownAuthorization = null;
        } else {
            switch (auth.type()) {
                case "basic" -> {
                    String pair = secret(auth.username()) + ":" + secret(auth.password());
                    authorization =
                            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
                    shownAuthorization = "Basic " + Secrets.REDACTED;
                }
                case "bearer" -> {
                    authorization = "Bearer " + secret(auth.token());
                    shownAuthorization = "Bearer " + Secrets.REDACTED;
                }
                default -> {
                    secret(auth.clientSecret());
                    authorization = null; // a token fetched when a call needs one
                    shownAuthorization = "Bearer " + Secrets.REDACTED;
                }
            }
        }
    }

    /** The value resolved, remembered (when long enough to be a secret at all) for {@link #redactSecrets}. */
    private String secret(String configured) {
        String resolved = Placeholders.resolve(configured);
        if (resolved != null && resolved.length() >= 4) secrets.put(resolved, Secrets.redactValue(configured));
        return resolved;
    }

    /** {@code text} with every secret value of the service in it redacted (for a rendered body in a dry run). */
    String redactSecrets(String text) {
        String out = text;
        for (Map.Entry<String, String> e : secrets.entrySet()) out = out.replace(e.getKey(), e.getValue());
        return out;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
