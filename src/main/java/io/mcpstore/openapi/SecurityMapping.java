package io.mcpstore.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The security schemes a document requires, as a rest service's {@code auth}, {@code headers} and {@code query},
 * with every secret left as an environment reference for the admin to provide: {@code ${env:SERVICE_SCHEME:-}} for
 * an API key or bearer token, {@code ..._USERNAME}/{@code ..._PASSWORD} for basic, {@code ..._CLIENT_ID}/{@code
 * ..._CLIENT_SECRET} for OAuth 2 client credentials (names upper-cased, other characters as {@code _}). The empty
 * default lets the service start before the variables are set; the API then refuses the calls. What a rest service
 * cannot send (OAuth 2 flows other than client credentials, OpenID Connect, mutual TLS, API keys in cookies) becomes
 * a warning.
 */
final class SecurityMapping {
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+):-}");

    JsonObject auth;
    final JsonObject headers = new JsonObject();
    final JsonObject query = new JsonObject();

    private final String service;
    private final JsonObject schemes;
    private final String baseUrl;
    private final List<String> warnings;
    private final Map<String, Set<String>> used = new LinkedHashMap<>();

    SecurityMapping(String service, JsonObject schemes, String baseUrl, List<String> warnings) {
        this.service = service;
        this.schemes = schemes == null ? new JsonObject() : schemes;
        this.baseUrl = baseUrl;
        this.warnings = warnings;
    }

    /**
     * One {@code security} list (the document's or an operation's): its first alternative that a rest service can
     * send in full, else its first; an empty alternative ({@code {}}, security optional) needs nothing.
     */
    void require(JsonArray alternatives, String at) {
        if (alternatives == null || alternatives.isEmpty()) return;
        JsonObject chosen = null;
        for (Object o : alternatives) {
            if (!(o instanceof JsonObject alternative)) continue;
            if (alternative.isEmpty()) return;
            boolean all = alternative.fieldNames().stream().allMatch(this::supported);
            if (all) {
                chosen = alternative;
                break;
            }
            if (chosen == null) chosen = alternative;
        }
        if (chosen == null) return;
        chosen.forEach(e -> {
            Set<String> scopes = used.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
            if (e.getValue() instanceof JsonArray list) list.forEach(s -> scopes.add(String.valueOf(s)));
        });
        if (alternatives.size() > 1) {
            warnings.add(at + ": security alternatives " + alternatives.encode() + "; using " + chosen.encode());
        }
    }

    private boolean supported(String name) {
        JsonObject s = schemes.getJsonObject(name);
        if (s == null) return false;
        String type = s.getString("type", "");
        return switch (type) {
            case "apiKey" -> !"cookie".equals(s.getString("in"));
            case "http" -> List.of("basic", "bearer").contains(lower(s.getString("scheme")));
            case "oauth2" -> s.getJsonObject("flows", new JsonObject()).getJsonObject("clientCredentials") != null;
            default -> false;
        };
    }

    /** Maps every scheme some requirement uses. */
    void map() {
        used.forEach((name, scopes) -> {
            JsonObject s = schemes.getJsonObject(name);
            if (s == null) {
                warnings.add(
                        "security: scheme '" + name + "' is required but not declared in components.securitySchemes");
                return;
            }
            String type = s.getString("type", "");
            switch (type) {
                case "apiKey" -> apiKey(name, s);
                case "http" -> http(name, s);
                case "oauth2" -> oauth2(name, s, scopes);
                case "openIdConnect" ->
                    warnings.add("security: scheme '" + name + "' (openIdConnect) is not supported; set auth or"
                            + " headers on the service yourself");
                case "mutualTLS" -> warnings.add("security: scheme '" + name + "' (mutualTLS) is not supported");
                default -> warnings.add("security: scheme '" + name + "' of type '" + type + "' is not supported");
            }
        });
        // The variables of what was mapped (a scheme refused for a second auth leaves none).
        Set<String> variables = new LinkedHashSet<>();
        List<JsonObject> mapped = new ArrayList<>(List.of(headers, query));
        if (auth != null) mapped.add(0, auth);
        Matcher m =
                ENV_REFERENCE.matcher(mapped.stream().map(JsonObject::encode).reduce("", String::concat));
        while (m.find()) variables.add(m.group(1));
        if (!variables.isEmpty()) {
            warnings.add("security: the credentials are references to the environment variables "
                    + String.join(", ", variables) + " of the gateway (empty until set); set them, or replace the"
                    + " references in the service's auth, headers or query (e.g. with ${enc:…} secrets)");
        }
    }

    private void apiKey(String name, JsonObject s) {
        String param = s.getString("name");
        String in = s.getString("in", "");
        if (param == null || param.isBlank()) {
            warnings.add("security: apiKey scheme '" + name + "' names no parameter");
            return;
        }
        switch (in) {
            case "header" -> headers.put(param, env(name));
            case "query" -> query.put(param, env(name));
            default ->
                warnings.add("security: apiKey scheme '" + name + "' in " + in + " is not supported (a rest service"
                        + " sends headers and query parameters); set a Cookie header yourself");
        }
    }

    private void http(String name, JsonObject s) {
        String scheme = lower(s.getString("scheme"));
        JsonObject wanted = switch (scheme) {
            case "basic" ->
                new JsonObject()
                        .put("type", "basic")
                        .put("username", env(name + "_USERNAME"))
                        .put("password", env(name + "_PASSWORD"));
            case "bearer" -> new JsonObject().put("type", "bearer").put("token", env(name));
            default -> null;
        };
        if (wanted == null) {
            warnings.add("security: http scheme '" + name + "' (" + scheme + ") is not supported (basic and bearer"
                    + " are)");
            return;
        }
        setAuth(name, wanted);
    }

    private void oauth2(String name, JsonObject s, Set<String> scopes) {
        JsonObject flows = s.getJsonObject("flows", new JsonObject());
        JsonObject cc = flows.getJsonObject("clientCredentials");
        List<String> others = new ArrayList<>(flows.fieldNames());
        others.remove("clientCredentials");
        if (cc == null) {
            warnings.add("security: oauth2 scheme '" + name + "' has no clientCredentials flow (it has " + others
                    + "); only client credentials are supported — set auth on the service yourself");
            return;
        }
        if (!others.isEmpty()) {
            warnings.add("security: oauth2 scheme '" + name + "': using its clientCredentials flow; " + others
                    + " are not supported");
        }
        String tokenUrl = cc.getString("tokenUrl", "");
        try {
            if (!URI.create(tokenUrl).isAbsolute() && baseUrl != null) {
                tokenUrl = URI.create(baseUrl).resolve(tokenUrl).toString();
            }
        } catch (IllegalArgumentException e) {
            warnings.add("security: oauth2 scheme '" + name + "': tokenUrl '" + tokenUrl + "' is not a URL");
        }
        JsonArray scopeList = new JsonArray(new ArrayList<>(scopes));
        JsonObject wanted = new JsonObject()
                .put("type", "oauth2")
                .put("tokenUrl", tokenUrl)
                .put("clientId", env(name + "_CLIENT_ID"))
                .put("clientSecret", env(name + "_CLIENT_SECRET"));
        if (!scopeList.isEmpty()) wanted.put("scopes", scopeList);
        setAuth(name, wanted);
    }

    private void setAuth(String name, JsonObject wanted) {
        if (auth != null) {
            warnings.add("security: scheme '" + name + "' (" + wanted.getString("type") + ") not mapped: a rest"
                    + " service has one auth, already " + auth.getString("type"));
            return;
        }
        auth = wanted;
    }

    /** {@code ${env:SERVICE_SUFFIX:-}}: the variable the admin sets. */
    private String env(String suffix) {
        return "${env:" + envName(service + "_" + suffix) + ":-}";
    }

    static String envName(String raw) {
        String name = raw.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
        return Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
