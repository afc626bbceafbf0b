package io.mcpstore.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mcpstore.config.ConfigException;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
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
 * An OpenAPI 3.0 or 3.1 document (JSON or YAML) as the entry of a {@code rest} service: one tool per operation,
 * parameters and request bodies as {@code args} with their full schemas, {@code $ref}s inlined, the 200/201 JSON
 * object response as the tool's output schema, the security schemes as {@code auth}/{@code headers}/{@code query}
 * with secrets left as references ({@link SecurityMapping}). What cannot be carried over is listed in the result's
 * warnings. The swagger-parser reads and checks the document (its messages are the error of a document it cannot
 * read) and resolves references to other documents; those are refused for a document given as text, which has no
 * location to resolve them against. Blocking and CPU-bound: call it off the event loop.
 */
public final class OpenApiImport {
    /**
     * What to import: the service's {@code name} (for the secrets' variable names), a {@code baseUrl} that wins over
     * the document's servers, the operationIds to {@code include} (null: all), the document's {@code location} (its
     * URL, or null for text) and whether references to other documents may reach private addresses.
     */
    public record Options(
            String name, String baseUrl, List<String> include, String location, boolean allowPrivateRefs) {}

    /** The service entry ({@code transport: rest}, no name), its tools' names, and what was left out or changed. */
    public record Result(JsonObject service, List<String> tools, List<String> warnings) {}

    private static final List<String> METHODS =
            List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> parserMessages = new ArrayList<>();
    private JsonObject document;
    private SchemaRefs refs;

    private OpenApiImport(Options options) {
        this.options = options;
    }

    /** Converts {@code text}; a document that cannot be imported is a {@link ConfigException} naming the key. */
    public static Result convert(String text, Options options) {
        OpenApiImport conversion = new OpenApiImport(options);
        try {
            return conversion.run(text);
        } catch (ConfigException e) {
            // A document the parser read with complaints, that then has nothing usable: its complaints say why.
            if (!e.key().equals("document") || conversion.parserMessages.isEmpty()) throw e;
            throw new ConfigException(
                    "document",
                    e.getMessage().substring(e.key().length() + 2) + "; the OpenAPI parser says: "
                            + String.join("; ", conversion.parserMessages));
        }
    }

    private record Operation(String path, String method, JsonObject op, JsonArray common, String at) {
        String operationId() {
            return op.getString("operationId");
        }
    }

    private Result run(String text) {
        if (text == null || text.isBlank()) throw new ConfigException("document", "is empty");
        JsonObject raw = readTree(text);
        String version = version(raw);
        List<String> external = externalRefs(raw);
        document = external.isEmpty() ? raw : null;
        OpenAPI parsed = parse(text, external);
        if (document == null) document = serialized(parsed);
        refs = new SchemaRefs(document, version.startsWith("3.0"), warnings);

        List<Operation> operations = operations();
        List<Operation> chosen = included(operations);
        String baseUrl = baseUrl();
        JsonArray tools = new JsonArray();
        List<String> names = new ArrayList<>();
        ToolNames toolNames = new ToolNames();
        for (Operation o : chosen) {
            String name = toolNames.name(o.operationId(), o.method(), o.path());
            tools.add(tool(name, o));
            names.add(name);
        }
        if (document.getValue("webhooks") instanceof JsonObject hooks && !hooks.isEmpty()) {
            warnings.add("webhooks " + hooks.fieldNames() + " are not imported (a rest service only calls out)");
        }

        SecurityMapping security =
                new SecurityMapping(options.name(), components().getJsonObject("securitySchemes"), baseUrl, warnings);
        security.require(document.getJsonArray("security"), "security");
        for (Operation o : chosen) {
            if (o.op().getValue("security") instanceof JsonArray list) security.require(list, o.at() + ".security");
        }
        security.map();

        JsonObject service = new JsonObject().put("transport", "rest").put("baseUrl", baseUrl);
        if (!security.headers.isEmpty()) service.put("headers", security.headers);
        if (!security.query.isEmpty()) service.put("query", security.query);
        if (security.auth != null) service.put("auth", security.auth);
        service.put("tools", tools);
        return new Result(service, List.copyOf(names), List.copyOf(new LinkedHashSet<>(warnings)));
    }

    // ---- reading

    /** JSON or YAML (JSON is YAML), as a JSON object. */
    private static JsonObject readTree(String text) {
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (Exception e) {
            throw new ConfigException("document", "is neither JSON nor YAML: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new ConfigException("document", "must be a JSON or YAML object (an OpenAPI document)");
        }
        try {
            return new JsonObject(JSON.writeValueAsString(node));
        } catch (Exception e) {
            throw new ConfigException("document", "cannot be read: " + firstLine(e.getMessage()));
        }
    }

    private static String version(JsonObject raw) {
        if (raw.containsKey("swagger")) {
            throw new ConfigException(
                    "document",
                    "is Swagger " + raw.getValue("swagger") + "; only OpenAPI 3.0 and 3.1 are supported (convert it,"
                            + " e.g. with swagger-converter)");
        }
        Object v = raw.getValue("openapi");
        if (v == null) throw new ConfigException("document", "has no 'openapi' version: not an OpenAPI 3 document");
        String version = String.valueOf(v);
        if (!version.startsWith("3.0") && !version.startsWith("3.1")) {
            throw new ConfigException("document", "is OpenAPI " + version + "; only OpenAPI 3.0 and 3.1 are supported");
        }
        return version;
    }

    /** Every {@code $ref} that leaves the document; for a document given as text, none may. */
    private List<String> externalRefs(JsonObject raw) {
        List<String> out = new ArrayList<>();
        collectExternalRefs(raw, out);
        if (out.isEmpty()) return out;
        if (options.location() == null) {
            throw new ConfigException(
                    "document",
                    "refers to other documents " + new LinkedHashSet<>(out) + ", which cannot be resolved for a"
                            + " document given as text: import it by url, or bundle it into one document");
        }
        for (String ref : out) {
            String scheme;
            try {
                scheme = URI.create(options.location()).resolve(ref).getScheme();
            } catch (IllegalArgumentException e) {
                throw new ConfigException("document", "$ref '" + ref + "' is not a URI reference");
            }
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new ConfigException("document", "$ref '" + ref + "' is not an http(s) reference");
            }
        }
        return out;
    }

    private static void collectExternalRefs(Object node, List<String> out) {
        if (node instanceof JsonObject o) {
            if (o.getValue("$ref") instanceof String ref && !ref.startsWith("#")) out.add(ref);
            o.forEach(e -> collectExternalRefs(e.getValue(), out));
        } else if (node instanceof JsonArray a) {
            a.forEach(v -> collectExternalRefs(v, out));
        }
    }

    /**
     * The swagger-parser's reading: its messages are the error when it finds no document, and warnings otherwise.
     * References to other documents are resolved (only when there are some, and only over http(s)).
     */
    private OpenAPI parse(String text, List<String> external) {
        ParseOptions parse = new ParseOptions();
        parse.setResolve(!external.isEmpty());
        parse.setResolveFully(false);
        parse.setSafelyResolveURL(!options.allowPrivateRefs());
        SwaggerParseResult result;
        try {
            result = new OpenAPIV3Parser().readContents(text, null, parse, options.location());
        } catch (RuntimeException e) {
            throw new ConfigException("document", "cannot be parsed: " + firstLine(String.valueOf(e.getMessage())));
        }
        List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
        if (result.getOpenAPI() == null) {
            throw new ConfigException(
                    "document",
                    "is not a valid OpenAPI document: "
                            + (messages.isEmpty() ? "the parser found nothing" : String.join("; ", messages)));
        }
        parserMessages.addAll(messages);
        messages.forEach(m -> warnings.add("parser: " + m));
        return result.getOpenAPI();
    }

    private static JsonObject serialized(OpenAPI parsed) {
        try {
            ObjectMapper mapper = parsed.getSpecVersion() == SpecVersion.V31 ? Json31.mapper() : Json.mapper();
            return new JsonObject(mapper.writeValueAsString(parsed));
        } catch (Exception e) {
            throw new ConfigException("document", "cannot be read after resolving references: " + e.getMessage());
        }
    }

    private JsonObject components() {
        return document.getValue("components") instanceof JsonObject c ? c : new JsonObject();
    }

    // ---- operations

    private List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        if (!(document.getValue("paths") instanceof JsonObject paths) || paths.isEmpty()) {
            throw new ConfigException("document", "has no paths: nothing to import");
        }
        for (String path : paths.fieldNames()) {
            String at = "paths." + path;
            JsonObject item = refs.object(paths.getValue(path), at);
            if (item == null) continue;
            if (item.getValue("servers") instanceof JsonArray s && !s.isEmpty()) {
                warnings.add(at + ": path-level servers are not supported; the service's baseUrl is used");
            }
            JsonArray common = item.getValue("parameters") instanceof JsonArray p ? p : new JsonArray();
            for (String method : item.fieldNames()) {
                if (!METHODS.contains(method.toLowerCase(Locale.ROOT))) continue;
                if (!(item.getValue(method) instanceof JsonObject op)) continue;
                out.add(new Operation(path, method.toUpperCase(Locale.ROOT), op, common, at + "." + method));
            }
        }
        if (out.isEmpty()) throw new ConfigException("document", "has no operations: nothing to import");
        return out;
    }

    private List<Operation> included(List<Operation> operations) {
        List<String> include = options.include();
        if (include == null) return operations;
        if (include.isEmpty()) throw new ConfigException("include", "must name at least one operationId");
        Set<String> known = new LinkedHashSet<>();
        operations.forEach(o -> {
            if (o.operationId() != null) known.add(o.operationId());
        });
        List<String> unknown =
                include.stream().filter(id -> !known.contains(id)).toList();
        if (!unknown.isEmpty()) {
            List<String> shown = new ArrayList<>(known);
            String list =
                    shown.size() > 30 ? String.join(", ", shown.subList(0, 30)) + ", …" : String.join(", ", shown);
            throw new ConfigException(
                    "include",
                    "unknown operationId" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
                            + " (the document has: " + (known.isEmpty() ? "none" : list) + ")");
        }
        return operations.stream()
                .filter(o -> o.operationId() != null && include.contains(o.operationId()))
                .toList();
    }

    private JsonObject tool(String name, Operation o) {
        JsonObject op = o.op();
        JsonObject tool = new JsonObject().put("name", name);
        String description = description(op);
        if (description != null) tool.put("description", description);
        tool.put("method", o.method()).put("path", o.path());
        Args args = new Args(o.at());
        parameters(o, args);
        body(o, args, tool);
        if (!args.list.isEmpty()) tool.put("args", args.list);
        JsonObject output = outputSchema(op, o.at());
        if (output != null) tool.put("response", new JsonObject().put("schema", output));
        JsonObject annotations = annotations(o.method());
        if (annotations != null) tool.put("annotations", annotations);
        if (op.getValue("callbacks") instanceof JsonObject c && !c.isEmpty()) {
            warnings.add(o.at() + ": callbacks are not supported");
        }
        if (op.getValue("servers") instanceof JsonArray s && !s.isEmpty()) {
            warnings.add(o.at() + ": operation-level servers are not supported; the service's baseUrl is used");
        }
        return tool;
    }

    private static String description(JsonObject op) {
        String summary = trimmed(op.getString("summary"));
        String text = trimmed(op.getString("description"));
        String out;
        if (summary == null) out = text;
        else if (text == null || text.startsWith(summary)) out = text == null ? summary : text;
        else out = summary + "\n\n" + text;
        if (Boolean.TRUE.equals(op.getValue("deprecated"))) out = "Deprecated." + (out == null ? "" : " " + out);
        return out;
    }

    /** Reads hint at what the method does: GET and HEAD read, DELETE destroys, PUT and DELETE are idempotent. */
    private static JsonObject annotations(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> new JsonObject().put("readOnlyHint", true);
            case "PUT" -> new JsonObject().put("idempotentHint", true);
            case "DELETE" -> new JsonObject().put("destructiveHint", true).put("idempotentHint", true);
            default -> null;
        };
    }

    // ---- arguments

    /** A tool's args, names unique; a body field whose name a parameter has needs a body template. */
    private final class Args {
        final JsonArray list = new JsonArray();
        final Set<String> names = new LinkedHashSet<>();
        final String at;

        Args(String at) {
            this.at = at;
        }

        boolean add(JsonObject arg) {
            if (!names.add(arg.getString("name"))) return false;
            list.add(arg);
            return true;
        }

        /** The first of {@code name}, {@code prefix_name}, {@code prefix_name_2}, … no arg has. */
        String free(String name, String prefix) {
            if (!names.contains(name)) return name;
            String candidate = prefix + "_" + name;
            for (int n = 2; names.contains(candidate); n++) candidate = prefix + "_" + name + "_" + n;
            return candidate;
        }
    }

    private void parameters(Operation o, Args args) {
        Map<String, JsonObject> byKey = new LinkedHashMap<>();
        for (JsonArray list : List.of(o.common(), o.op().getJsonArray("parameters", new JsonArray()))) {
            for (int i = 0; i < list.size(); i++) {
                JsonObject p = refs.object(list.getValue(i), o.at() + ".parameters[" + i + "]");
                if (p == null || p.getString("name") == null) continue;
                byKey.put(p.getString("in", "") + ":" + p.getString("name"), p);
            }
        }
        Set<String> pathNames = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(o.path());
        while (m.find()) pathNames.add(m.group(1));

        for (JsonObject p : byKey.values()) {
            String name = p.getString("name");
            String in = p.getString("in", "");
            String at = o.at() + ".parameters." + name;
            switch (in) {
                case "cookie" -> {
                    warnings.add(at + ": cookie parameters are not supported; the tool does not send it");
                    continue;
                }
                case "header" -> {
                    if (IGNORED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) continue;
                }
                case "path" -> {
                    if (!pathNames.contains(name)) {
                        warnings.add(at + ": path parameter not in the path " + o.path() + "; left out");
                        continue;
                    }
                }
                case "query" -> {}
                default -> {
                    warnings.add(at + ": parameter location '" + in + "' is unknown; left out");
                    continue;
                }
            }
            JsonObject schema = parameterSchema(p, at);
            style(p, in, schema, at);
            JsonObject arg = new JsonObject().put("name", name).put("in", in);
            boolean required = in.equals("path") || Boolean.TRUE.equals(p.getValue("required"));
            if (required) arg.put("required", true);
            String description = trimmed(p.getString("description"));
            if (Boolean.TRUE.equals(p.getValue("deprecated"))) {
                description = "Deprecated." + (description == null ? "" : " " + description);
            }
            if (description != null) arg.put("description", description);
            arg.put("schema", schema);
            if (!args.add(arg)) warnings.add(at + ": a parameter of the same name is already an argument; left out");
        }
        for (String name : pathNames) {
            if (args.names.contains(name)) continue;
            warnings.add(o.at() + ": path parameter {" + name + "} is not declared; taken as a required string");
            args.add(new JsonObject()
                    .put("name", name)
                    .put("in", "path")
                    .put("required", true)
                    .put("schema", new JsonObject().put("type", "string")));
        }
    }

    private JsonObject parameterSchema(JsonObject p, String at) {
        if (p.getValue("schema") != null) return refs.schema(p.getValue("schema"), at + ".schema");
        if (p.getValue("content") instanceof JsonObject content && !content.isEmpty()) {
            String type = content.fieldNames().iterator().next();
            warnings.add(at + ": a parameter serialized as " + type + " is sent as the tool's argument text");
            JsonObject media = refs.object(content.getValue(type), at + ".content");
            JsonObject schema = media == null ? null : refs.schema(media.getValue("schema"), at + ".content.schema");
            if (schema != null) return schema;
        }
        return new JsonObject().put("type", "string");
    }

    /** Styles other than a location's default are sent the default way; say so. */
    private void style(JsonObject p, String in, JsonObject schema, String at) {
        String style = p.getString("style");
        Object explode = p.getValue("explode");
        String dflt = in.equals("query") ? "form" : "simple";
        if (style != null && !style.equals(dflt)) {
            warnings.add(at + ": style '" + style + "' is not supported; sent as style '" + dflt + "'");
        } else if (in.equals("query") && Boolean.FALSE.equals(explode) && structured(schema)) {
            warnings.add(at + ": explode: false is not supported; values are sent as repeated parameters");
        }
    }

    private static boolean structured(JsonObject schema) {
        Object type = schema.getValue("type");
        return "array".equals(type) || "object".equals(type);
    }

    private void body(Operation o, Args args, JsonObject tool) {
        JsonObject rb = refs.object(o.op().getValue("requestBody"), o.at() + ".requestBody");
        if (rb == null) return;
        String at = o.at() + ".requestBody";
        JsonObject content = rb.getValue("content") instanceof JsonObject c ? c : new JsonObject();
        String type = pick(content);
        if (type == null) {
            if (!content.isEmpty()) {
                warnings.add(at + ": request body types " + content.fieldNames()
                        + " are not supported (JSON and forms are); the tool sends no body");
            }
            return;
        }
        boolean required = Boolean.TRUE.equals(rb.getValue("required"));
        JsonObject media = refs.object(content.getValue(type), at + ".content");
        JsonObject schema = media == null ? null : refs.schema(media.getValue("schema"), at + ".schema");
        if (schema == null) schema = new JsonObject();
        boolean form = !isJson(type);
        JsonObject properties = properties(schema);
        if (form) {
            if (properties == null) {
                warnings.add(at + ": a " + type + " body that is not an object of fields is not supported; the tool"
                        + " sends no body");
                return;
            }
            if (type.startsWith("multipart/")) {
                tool.put("contentType", "multipart/form-data");
                properties.forEach(e -> {
                    if (e.getValue() instanceof JsonObject s && "binary".equals(s.getString("format"))) {
                        warnings.add(at + "." + e.getKey() + ": a file field is sent as text");
                    }
                });
            }
            fields(properties, requiredNames(schema), required, "form", args, at, null);
            return;
        }
        if (properties != null && !(schema.getValue("additionalProperties") instanceof JsonObject)) {
            Map<String, String> renamed = new LinkedHashMap<>();
            fields(properties, requiredNames(schema), required, "body", args, at, renamed);
            if (renamed.entrySet().stream().anyMatch(e -> !e.getKey().equals(e.getValue()))) {
                tool.put("body", Templates.jsonObject(renamed));
            }
            return;
        }
        String name = args.free("body", "request");
        JsonObject arg = new JsonObject().put("name", name).put("in", "body");
        if (required) arg.put("required", true);
        String description = trimmed(rb.getString("description"));
        if (description == null) description = trimmed(schema.getString("description"));
        if (description != null) arg.put("description", description);
        arg.put("schema", schema);
        args.add(arg);
        tool.put("body", Templates.json(name));
    }

    /**
     * Body or form fields as args; a field whose name an arg already has gets {@code body_name} (or {@code
     * form_name}), and {@code renamed} (field → arg) tells the caller a template must put it back.
     */
    private void fields(
            JsonObject properties,
            Set<String> requiredNames,
            boolean bodyRequired,
            String in,
            Args args,
            String at,
            Map<String, String> renamed) {
        properties.forEach(e -> {
            String field = e.getKey();
            JsonObject schema = e.getValue() instanceof JsonObject s ? s : new JsonObject();
            if (Boolean.TRUE.equals(schema.getValue("readOnly"))) return; // the server sets it; never sent
            String name = args.free(field, in);
            if (!name.equals(field) && renamed == null) {
                warnings.add(at + "." + field + ": a parameter of the same name is already an argument; left out");
                return;
            }
            JsonObject arg = new JsonObject().put("name", name).put("in", in);
            if (bodyRequired && requiredNames.contains(field)) arg.put("required", true);
            String description = trimmed(schema.getString("description"));
            if (description != null) arg.put("description", description);
            arg.put("schema", schema);
            args.add(arg);
            if (renamed != null) renamed.put(field, name);
        });
    }

    /** JSON first (application/json, then any +json type), then a URL-encoded form, then multipart. */
    private static String pick(JsonObject content) {
        String json = null;
        String urlencoded = null;
        String multipart = null;
        for (String type : content.fieldNames()) {
            String t = type.toLowerCase(Locale.ROOT).trim();
            if (t.startsWith("application/json")) return type;
            if (json == null && isJson(t)) json = type;
            if (urlencoded == null && t.startsWith("application/x-www-form-urlencoded")) urlencoded = type;
            if (multipart == null && t.startsWith("multipart/form-data")) multipart = type;
        }
        return json != null ? json : urlencoded != null ? urlencoded : multipart;
    }

    private static boolean isJson(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return t.startsWith("application/json") || t.matches("[a-z]+/[^;]*\\+json.*");
    }

    /** The fields of an object schema ({@code allOf} parts merged), or null when it is not one. */
    private static JsonObject properties(JsonObject schema) {
        JsonObject out = new JsonObject();
        if (schema.getValue("properties") instanceof JsonObject p) out.mergeIn(p);
        if (schema.getValue("allOf") instanceof JsonArray parts) {
            for (Object part : parts) {
                if (!(part instanceof JsonObject s)) return null;
                JsonObject more = properties(s);
                if (more == null) return null;
                out.mergeIn(more);
            }
        }
        Object type = schema.getValue("type");
        boolean object = "object".equals(type) || (type == null && !out.isEmpty());
        if (!object || schema.containsKey("oneOf") || schema.containsKey("anyOf")) return null;
        return out.isEmpty() && schema.getValue("additionalProperties") != null ? null : out;
    }

    private static Set<String> requiredNames(JsonObject schema) {
        Set<String> out = new LinkedHashSet<>();
        if (schema.getValue("required") instanceof JsonArray r) r.forEach(v -> out.add(String.valueOf(v)));
        if (schema.getValue("allOf") instanceof JsonArray parts) {
            parts.forEach(p -> {
                if (p instanceof JsonObject s) out.addAll(requiredNames(s));
            });
        }
        return out;
    }

    // ---- response

    /** The 200 (else 201) JSON response's schema, when it is an object schema (what MCP's outputSchema must be). */
    private JsonObject outputSchema(JsonObject op, String at) {
        if (!(op.getValue("responses") instanceof JsonObject responses)) return null;
        for (String code : List.of("200", "201")) {
            JsonObject response = refs.object(responses.getValue(code), at + ".responses." + code);
            if (response == null) continue;
            if (!(response.getValue("content") instanceof JsonObject content)) return null;
            String type = content.fieldNames().stream()
                    .filter(OpenApiImport::isJson)
                    .findFirst()
                    .orElse(null);
            if (type == null) return null;
            JsonObject media = refs.object(content.getValue(type), at + ".responses." + code + ".content");
            JsonObject schema =
                    media == null ? null : refs.schema(media.getValue("schema"), at + ".responses." + code + ".schema");
            if (schema == null) return null;
            Object t = schema.getValue("type");
            if ("object".equals(t)) return schema;
            // An object without "type" (properties only, or allOf of objects) says it is one.
            if (t == null && properties(schema) != null) return schema.put("type", "object");
            return null;
        }
        return null;
    }

    // ---- where calls go

    private String baseUrl() {
        if (options.baseUrl() != null && !options.baseUrl().isBlank())
            return withoutSlash(options.baseUrl().trim());
        JsonArray servers = document.getValue("servers") instanceof JsonArray s ? s : new JsonArray();
        JsonObject server = servers.isEmpty() ? null : refs.object(servers.getValue(0), "servers[0]");
        if (servers.size() > 1) {
            warnings.add("the document lists " + servers.size() + " servers; the first is used ("
                    + (server == null ? "?" : server.getString("url")) + ")");
        }
        String url = server == null ? "/" : server.getString("url", "/");
        JsonObject variables = server == null ? new JsonObject() : server.getJsonObject("variables", new JsonObject());
        Matcher m = VARIABLE.matcher(url);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            JsonObject v = variables.getJsonObject(m.group(1));
            String value = v == null ? null : v.getString("default");
            if (value == null) {
                throw new ConfigException(
                        "baseUrl", "is required: server variable {" + m.group(1) + "} in " + url + " has no default");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        url = b.toString();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("baseUrl", "is required: the document's server URL '" + url + "' is not a URL");
        }
        if (!uri.isAbsolute()) {
            if (options.location() == null) {
                throw new ConfigException(
                        "baseUrl",
                        "is required: the document's server URL '" + url + "' is relative"
                                + (servers.isEmpty() ? " (it names no servers)" : "")
                                + " and the document was given as text");
            }
            url = URI.create(options.location()).resolve(uri).toString();
        }
        return withoutSlash(url);
    }

    private static String withoutSlash(String url) {
        String u = url;
        while (u.endsWith("/") && !u.endsWith("://")) u = u.substring(0, u.length() - 1);
        return u;
    }

    private static String trimmed(String s) {
        if (s == null) return null;
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    private static String firstLine(String message) {
        if (message == null) return "(no detail)";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
