package io.mcpstore.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.github.jknack.handlebars.Handlebars;
import com.jayway.jsonpath.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of a {@code transport: rest} service: where its API is ({@code baseUrl}), what goes on every request
 * ({@code query}, {@code auth}; headers are the service's {@code headers}), the limits of an answer, and its tools,
 * each an HTTP call built from the tool's arguments. Parsed and checked here, with errors naming the key ({@code
 * services.petstore.tools[0].args[1].in}); the upstream compiles the templates once when it starts.
 */
public record RestConfig(
        String baseUrl,
        Map<String, String> query,
        Auth auth,
        long maxResponseBytes,
        Redirects redirects,
        Retry retry,
        boolean retryGiven,
        List<Tool> tools) {

    /** The largest answer read: 8 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 8L * 1024 * 1024;

    public static final Retry DEFAULT_RETRY = new Retry(3, 200);

    /** The keys of a service entry that only a rest service has. */
    static final List<String> SERVICE_KEYS =
            List.of("baseUrl", "query", "auth", "maxResponseBytes", "redirects", "retry", "tools");

    static final ConfigKeys TOOL_KEYS = ConfigKeys.of(
            "name",
            "title",
            "description",
            "method",
            "path",
            "args",
            "body",
            "contentType",
            "response",
            "retry",
            "annotations");
    static final ConfigKeys ARG_KEYS =
            ConfigKeys.of("name", "in", "type", "items", "enum", "schema", "required", "default", "description");
    static final ConfigKeys RESPONSE_KEYS = ConfigKeys.of("select", "template", "schema");
    static final ConfigKeys RETRY_KEYS = ConfigKeys.of("attempts", "backoffMs");
    static final ConfigKeys ANNOTATION_KEYS =
            ConfigKeys.of("title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint");

    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}/]+)}");
    private static final Pattern ENV_HELPER = Pattern.compile("\\{\\{~?\\s*env\\s+[\"']([^\"']+)[\"']");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");
    /** Retries beyond this are a misconfiguration, not resilience. */
    static final int MAX_ATTEMPTS = 10;

    public RestConfig {
        query = Map.copyOf(query);
        tools = List.copyOf(tools);
    }

    public enum In {
        PATH,
        QUERY,
        HEADER,
        BODY,
        FORM;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Redirects {
        SAME_HOST("same-host"),
        ANY("any"),
        NONE("none");

        private final String id;

        Redirects(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** Retries of idempotent calls: {@code attempts} in all (1: none), the first wait {@code backoffMs}, doubling. */
    public record Retry(int attempts, long backoffMs) {}

    /**
     * How requests authenticate: {@code basic} (username, password), {@code bearer} (token) or {@code oauth2} client
     * credentials (tokenUrl, clientId, clientSecret, scopes, audience, clientAuth {@code basic} or {@code post}).
     */
    public record Auth(
            String type,
            String username,
            String password,
            String token,
            String tokenUrl,
            String clientId,
            String clientSecret,
            List<String> scopes,
            String audience,
            String clientAuth,
            JsonObject source) {
        static final ConfigKeys BASIC = ConfigKeys.of("type", "username", "password");
        static final ConfigKeys BEARER = ConfigKeys.of("type", "token");
        static final ConfigKeys OAUTH2 =
                ConfigKeys.of("type", "tokenUrl", "clientId", "clientSecret", "scopes", "audience", "clientAuth");

        /** The fields of an auth entry that hold secrets. */
        public static final List<String> SECRET_FIELDS = List.of("password", "token", "clientSecret");
    }

    /** One argument: where it goes and its JSON Schema ({@code schema}, or made of type/items/enum/description). */
    public record Arg(String name, In in, JsonObject schema, boolean required, Object defaultValue) {}

    /** What to make of a 2xx JSON answer: a part of it ({@code select}), the text shown, the declared shape. */
    public record Response(String select, String template, JsonObject schema) {
        static final Response NONE = new Response(null, null, null);
    }

    public record Tool(
            String name,
            String title,
            String description,
            String method,
            String path,
            List<Arg> args,
            String body,
            String contentType,
            Response response,
            boolean retry,
            JsonObject annotations,
            JsonObject source) {
        public Tool {
            args = List.copyOf(args);
        }

        /** Whether a failed attempt may be sent again: an idempotent method, or the tool says so. */
        public boolean retryable() {
            return retry || IDEMPOTENT.contains(method);
        }
    }

    /** Reads the rest keys of service entry {@code json} at {@code key} ({@code services.NAME}). */
    static RestConfig fromJson(JsonObject json, Map<String, String> env, String key) {
        String baseUrl = ServiceConfig.string(json, "baseUrl", key);
        if (baseUrl == null) {
            throw new ConfigException(
                    key + ".baseUrl",
                    "is required for a rest service (the API's URL, e.g." + " http://127.0.0.1:9000/api)");
        }
        ServiceConfig.validateUrl(baseUrl, key + ".baseUrl");
        Map<String, String> query = ServiceConfig.stringMap(json, "query", key);
        Auth auth = auth(json.getValue("auth"), key + ".auth");
        long maxResponseBytes = ServiceConfig.positiveLong(json, "maxResponseBytes", DEFAULT_MAX_RESPONSE_BYTES, key);
        if (maxResponseBytes > ServiceConfig.MAX_MESSAGE_BYTES_LIMIT) {
            throw new ConfigException(
                    key + ".maxResponseBytes", "must be at most " + ServiceConfig.MAX_MESSAGE_BYTES_LIMIT);
        }
        Redirects redirects = redirects(ServiceConfig.string(json, "redirects", key), key + ".redirects");
        Retry retry = retry(json.getValue("retry"), key + ".retry");
        Object tools = json.getValue("tools");
        if (tools != null && !(tools instanceof JsonArray)) {
            throw new ConfigException(key + ".tools", "must be a list of tools ({name, method, path, args, …})");
        }
        List<Tool> parsed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonArray list = tools == null ? new JsonArray() : (JsonArray) tools;
        for (int i = 0; i < list.size(); i++) {
            String at = key + ".tools[" + i + "]";
            Tool tool = tool(list.getValue(i), at, env, key);
            if (!names.add(tool.name())) {
                throw new ConfigException(at + ".name", "tool '" + tool.name() + "' is defined twice");
            }
            parsed.add(tool);
        }
        return new RestConfig(
                baseUrl,
                query,
                auth,
                maxResponseBytes,
                redirects,
                retry == null ? DEFAULT_RETRY : retry,
                retry != null,
                parsed);
    }

    /** The rest keys as written back into the service entry. */
    void writeTo(JsonObject json) {
        json.put("baseUrl", baseUrl);
        if (!query.isEmpty()) json.put("query", new JsonObject(new LinkedHashMap<>(query)));
        if (auth != null) json.put("auth", auth.source().copy());
        if (maxResponseBytes != DEFAULT_MAX_RESPONSE_BYTES) json.put("maxResponseBytes", maxResponseBytes);
        if (redirects != Redirects.SAME_HOST) json.put("redirects", redirects.id());
        if (retryGiven) {
            json.put("retry", new JsonObject().put("attempts", retry.attempts()).put("backoffMs", retry.backoffMs()));
        }
        json.put(
                "tools",
                new JsonArray(
                        tools.stream().map(t -> (Object) t.source().copy()).toList()));
    }

    private static Auth auth(Object value, String key) {
        if (value == null) return null;
        if (!(value instanceof JsonObject json)) {
            throw new ConfigException(key, "must be {type: basic|bearer|oauth2, …}");
        }
        String type = ServiceConfig.string(json, "type", key);
        if (type == null) throw new ConfigException(key + ".type", "is required: basic, bearer or oauth2");
        switch (type) {
            case "basic" -> {
                Auth.BASIC.check(json, key);
                return new Auth(
                        type,
                        required(json, "username", key),
                        required(json, "password", key),
                        null,
                        null,
                        null,
                        null,
                        List.of(),
                        null,
                        null,
                        json.copy());
            }
            case "bearer" -> {
                Auth.BEARER.check(json, key);
                return new Auth(
                        type,
                        null,
                        null,
                        required(json, "token", key),
                        null,
                        null,
                        null,
                        List.of(),
                        null,
                        null,
                        json.copy());
            }
            case "oauth2" -> {
                Auth.OAUTH2.check(json, key);
                String tokenUrl = required(json, "tokenUrl", key);
                ServiceConfig.validateUrl(tokenUrl, key + ".tokenUrl");
                String clientAuth = ServiceConfig.string(json, "clientAuth", key);
                if (clientAuth == null) clientAuth = "basic";
                if (!clientAuth.equals("basic") && !clientAuth.equals("post")) {
                    throw new ConfigException(
                            key + ".clientAuth",
                            "must be basic (client_secret_basic) or post (client_secret_post), got '" + clientAuth
                                    + "'");
                }
                List<String> scopes = ServiceConfig.stringList(json, "scopes", key);
                return new Auth(
                        type,
                        null,
                        null,
                        null,
                        tokenUrl,
                        required(json, "clientId", key),
                        required(json, "clientSecret", key),
                        scopes,
                        ServiceConfig.string(json, "audience", key),
                        clientAuth,
                        json.copy());
            }
            default ->
                throw new ConfigException(
                        key + ".type", "unknown auth type '" + type + "' (expected basic, bearer or oauth2)");
        }
    }

    private static String required(JsonObject json, String field, String key) {
        String v = ServiceConfig.string(json, field, key);
        if (v == null || v.isEmpty()) throw new ConfigException(key + "." + field, "is required");
        return v;
    }

    private static Redirects redirects(String value, String key) {
        if (value == null) return Redirects.SAME_HOST;
        for (Redirects r : Redirects.values()) {
            if (r.id.equals(value)) return r;
        }
        throw new ConfigException(key, "must be same-host, any or none, got '" + value + "'");
    }

    private static Retry retry(Object value, String key) {
        if (value == null) return null;
        if (!(value instanceof JsonObject json)) {
            throw new ConfigException(key, "must be {attempts, backoffMs}");
        }
        RETRY_KEYS.check(json, key);
        long attempts = ServiceConfig.positiveLong(json, "attempts", DEFAULT_RETRY.attempts(), key);
        if (attempts > MAX_ATTEMPTS) throw new ConfigException(key + ".attempts", "must be at most " + MAX_ATTEMPTS);
        long backoff = ServiceConfig.nonNegativeLong(json, "backoffMs", DEFAULT_RETRY.backoffMs(), key);
        return new Retry((int) attempts, backoff);
    }

    private static Tool tool(Object value, String key, Map<String, String> env, String serviceKey) {
        if (!(value instanceof JsonObject json)) throw new ConfigException(key, "must be {name, method, path, …}");
        TOOL_KEYS.check(json, key);
        String name = ServiceConfig.string(json, "name", key);
        if (name == null) throw new ConfigException(key + ".name", "is required");
        if (!TOOL_NAME.matcher(name).matches()) {
            throw new ConfigException(
                    key + ".name", "must be 1-128 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        String method = ServiceConfig.string(json, "method", key);
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new ConfigException(
                    key + ".method", "must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS, got '" + method + "'");
        }
        String path = ServiceConfig.string(json, "path", key);
        if (path == null) path = "";
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new ConfigException(
                    key + ".path", "must start with '/' (it is appended to baseUrl), got '" + path + "'");
        }
        Set<String> placeholders = new HashSet<>();
        Matcher m = PLACEHOLDER.matcher(path);
        while (m.find()) placeholders.add(m.group(1));
        List<Arg> args = args(json.getValue("args"), key + ".args", method, placeholders);
        for (String placeholder : placeholders) {
            if (args.stream().noneMatch(a -> a.in() == In.PATH && a.name().equals(placeholder))) {
                throw new ConfigException(
                        key + ".path", "names {" + placeholder + "} but no argument '" + placeholder + "' is in: path");
            }
        }
        String body = ServiceConfig.string(json, "body", key);
        if (body != null) template(body, key + ".body", env, serviceKey);
        boolean bodyArgs = args.stream().anyMatch(a -> a.in() == In.BODY);
        boolean formArgs = args.stream().anyMatch(a -> a.in() == In.FORM);
        if (bodyArgs && formArgs && body == null) {
            throw new ConfigException(
                    key + ".args",
                    "mixes in: body and in: form arguments; a request has one body (give a 'body' template)");
        }
        Response response = response(json.getValue("response"), key + ".response", env, serviceKey);
        Object retry = json.getValue("retry", Boolean.FALSE);
        if (!(retry instanceof Boolean)) throw new ConfigException(key + ".retry", "must be true or false");
        Object annotations = json.getValue("annotations");
        if (annotations != null) {
            if (!(annotations instanceof JsonObject a)) {
                throw new ConfigException(key + ".annotations", "must be an object ({readOnlyHint: true, …})");
            }
            ANNOTATION_KEYS.check(a, key + ".annotations");
        }
        return new Tool(
                name,
                ServiceConfig.string(json, "title", key),
                ServiceConfig.string(json, "description", key),
                method,
                path,
                args,
                body,
                ServiceConfig.string(json, "contentType", key),
                response,
                (Boolean) retry,
                (JsonObject) annotations,
                json.copy());
    }

    private static List<Arg> args(Object value, String key, String method, Set<String> placeholders) {
        if (value == null) return List.of();
        if (!(value instanceof JsonArray list)) throw new ConfigException(key, "must be a list of {name, in, type, …}");
        List<Arg> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            if (!(list.getValue(i) instanceof JsonObject json))
                throw new ConfigException(at, "must be {name, in, type, …}");
            ARG_KEYS.check(json, at);
            String name = ServiceConfig.string(json, "name", at);
            if (name == null || name.isEmpty()) throw new ConfigException(at + ".name", "is required");
            if (!names.add(name)) throw new ConfigException(at + ".name", "argument '" + name + "' is defined twice");
            In in = in(ServiceConfig.string(json, "in", at), at + ".in", name, method, placeholders);
            if (in == In.HEADER && !HEADER_NAME.matcher(name).matches()) {
                throw new ConfigException(at + ".name", "'" + name + "' is not a valid HTTP header name");
            }
            if (in == In.PATH && !placeholders.contains(name)) {
                throw new ConfigException(at + ".in", "is path, but the path has no {" + name + "}");
            }
            Object required = json.getValue("required", Boolean.FALSE);
            if (!(required instanceof Boolean)) throw new ConfigException(at + ".required", "must be true or false");
            out.add(new Arg(name, in, schema(json, at), in == In.PATH || (Boolean) required, json.getValue("default")));
        }
        return out;
    }

    private static In in(String value, String key, String name, String method, Set<String> placeholders) {
        if (value == null) {
            if (placeholders.contains(name)) return In.PATH;
            return Set.of("POST", "PUT", "PATCH").contains(method) ? In.BODY : In.QUERY;
        }
        for (In in : In.values()) {
            if (in.id().equals(value)) return in;
        }
        throw new ConfigException(key, "must be path, query, header, body or form, got '" + value + "'");
    }

    /** The argument's JSON Schema: {@code schema} as given, or one made of type, items, enum and description. */
    private static JsonObject schema(JsonObject json, String key) {
        Object given = json.getValue("schema");
        JsonObject schema;
        if (given != null) {
            if (!(given instanceof JsonObject s))
                throw new ConfigException(key + ".schema", "must be a JSON Schema object");
            schema = s.copy();
        } else {
            String type = ServiceConfig.string(json, "type", key);
            if (type == null) type = "string";
            if (!TYPES.contains(type)) {
                throw new ConfigException(
                        key + ".type", "must be string, integer, number, boolean, array or object, got '" + type + "'");
            }
            schema = new JsonObject().put("type", type);
            Object items = json.getValue("items");
            if (items != null) {
                if (!type.equals("array")) throw new ConfigException(key + ".items", "is only for type: array");
                if (!(items instanceof JsonObject i))
                    throw new ConfigException(key + ".items", "must be a JSON Schema object");
                schema.put("items", i.copy());
            }
            Object values = json.getValue("enum");
            if (values != null) {
                if (!(values instanceof JsonArray e) || e.isEmpty()) {
                    throw new ConfigException(key + ".enum", "must be a non-empty list of values");
                }
                schema.put("enum", e.copy());
            }
        }
        String description = ServiceConfig.string(json, "description", key);
        if (description != null && !schema.containsKey("description")) schema.put("description", description);
        if (json.containsKey("default") && !schema.containsKey("default"))
            schema.put("default", json.getValue("default"));
        return schema;
    }

    private static Response response(Object value, String key, Map<String, String> env, String serviceKey) {
        if (value == null) return Response.NONE;
        if (!(value instanceof JsonObject json)) throw new ConfigException(key, "must be {select, template, schema}");
        RESPONSE_KEYS.check(json, key);
        String select = ServiceConfig.string(json, "select", key);
        if (select != null) selection(select, key + ".select");
        String template = ServiceConfig.string(json, "template", key);
        if (template != null) template(template, key + ".template", env, serviceKey);
        Object schema = json.getValue("schema");
        if (schema != null && !(schema instanceof JsonObject)) {
            throw new ConfigException(key + ".schema", "must be a JSON Schema object");
        }
        return new Response(select, template, (JsonObject) schema);
    }

    /** Checks a selection: a JSON Pointer ({@code /data}) or a JsonPath ({@code $.data[0]}). */
    private static void selection(String select, String key) {
        try {
            if (select.startsWith("$")) {
                JsonPath.compile(select);
            } else if (select.isEmpty() || select.startsWith("/")) {
                JsonPointer.compile(select);
            } else {
                throw new ConfigException(
                        key, "must be a JSON Pointer (/data/0) or a JsonPath ($.data[0]), got '" + select + "'");
            }
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(
                    key,
                    "is not a valid " + (select.startsWith("$") ? "JsonPath" : "JSON Pointer") + " (" + e.getMessage()
                            + ")");
        }
    }

    /** The helper that stands for a literal '}' right after a tag (see {@link #handlebarsSource}). */
    public static final String RIGHT_BRACE_HELPER = "mcpstore-rbrace";

    /**
     * A body template as Handlebars must read it. JSON closes objects right after a tag, {@code {"tags": {{json
     * tags}}}}, and Handlebars would take that {@code }}}} for the end of a triple-stash; each '}' right after a
     * {@code {{…}}} tag becomes a helper call that writes '}'.
     */
    public static String handlebarsSource(String text) {
        if (!text.contains("}}}")) return text;
        StringBuilder out = new StringBuilder(text.length() + 32);
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                out.append(text, i, text.length());
                break;
            }
            boolean triple = text.startsWith("{{{", open);
            int close = text.indexOf(triple ? "}}}" : "}}", open + (triple ? 3 : 2));
            if (close < 0) {
                out.append(text, i, text.length());
                break;
            }
            int end = close + (triple ? 3 : 2);
            out.append(text, i, end);
            while (!triple && end < text.length() && text.charAt(end) == '}') {
                out.append("{{").append(RIGHT_BRACE_HELPER).append("}}");
                end++;
            }
            i = end;
        }
        return out.toString();
    }

    /**
     * Checks that a Handlebars template parses, and that each {@code {{env "NAME"}}} in it names a variable of the
     * service's {@code env}: a template sees only the variables its service hands it, never the gateway's own.
     */
    private static void template(String text, String key, Map<String, String> env, String serviceKey) {
        try {
            Handlebars check = new Handlebars();
            for (String helper : List.of(RIGHT_BRACE_HELPER, "json", "default", "env")) {
                check.registerHelper(helper, (context, options) -> "");
            }
            check.compileInline(handlebarsSource(text));
        } catch (Exception e) {
            throw new ConfigException(key, "is not a valid Handlebars template: " + e.getMessage());
        }
        Matcher m = ENV_HELPER.matcher(text);
        while (m.find()) {
            if (!env.containsKey(m.group(1))) {
                throw new ConfigException(
                        key,
                        "uses {{env \"" + m.group(1) + "\"}} but " + serviceKey + ".env has no " + m.group(1)
                                + " (a template sees only the service's env, e.g. env: {" + m.group(1)
                                + ": \"${env:" + m.group(1) + "}\"})");
            }
        }
    }
}
