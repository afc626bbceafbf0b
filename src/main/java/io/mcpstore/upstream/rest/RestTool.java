package io.mcpstore.upstream.rest;

import com.github.jknack.handlebars.Template;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.mcpstore.config.RestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tool of a rest service, ready to call: its {@code tools/list} entry (an input schema made of its args, an
 * output schema from {@code response.schema}), its argument check, and its templates compiled once. {@link #request}
 * turns arguments into the HTTP request.
 */
final class RestTool {
    static final String JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    /** Arguments that do not fit the tool's input schema: a JSON-RPC -32602 naming the argument. */
    static final class BadArguments extends RuntimeException {
        BadArguments(String message) {
            super(message, null, false, false);
        }
    }

    final RestConfig.Tool config;
    final Selection selection;
    final Template answer;
    /** Whether {@code structuredContent} is the selected value wrapped as {@code {"result": …}} (not an object). */
    final boolean wrapsOutput;

    private final JsonObject listing;
    private final Schema input;
    private final Template body;
    private final HttpMethod method;
    private final boolean bodyArgs;
    private final boolean formArgs;

    RestTool(RestConfig.Tool config, Templates templates) {
        this.config = config;
        this.method = HttpMethod.valueOf(config.method());
        this.selection = new Selection(config.response().select());
        this.answer = config.response().template() == null
                ? null
                : templates.compile(config.response().template());
        this.body = config.body() == null ? null : templates.compile(config.body());
        this.bodyArgs = config.args().stream().anyMatch(a -> a.in() == RestConfig.In.BODY);
        this.formArgs = config.args().stream().anyMatch(a -> a.in() == RestConfig.In.FORM);
        JsonObject inputSchema = inputSchema(config);
        this.input = SCHEMAS.getSchema(inputSchema.encode(), InputFormat.JSON);
        JsonObject declared = config.response().schema();
        this.wrapsOutput = declared != null && !"object".equals(declared.getValue("type"));
        JsonObject tool = new JsonObject().put("name", config.name());
        if (config.title() != null) tool.put("title", config.title());
        if (config.description() != null) tool.put("description", config.description());
        tool.put("inputSchema", inputSchema);
        if (declared != null) {
            tool.put(
                    "outputSchema",
                    wrapsOutput
                            ? new JsonObject()
                                    .put("type", "object")
                                    .put("properties", new JsonObject().put("result", declared.copy()))
                                    .put("required", new JsonArray().add("result"))
                            : declared.copy());
        }
        if (config.annotations() != null)
            tool.put("annotations", config.annotations().copy());
        this.listing = tool;
    }

    String name() {
        return config.name();
    }

    JsonObject listing() {
        return listing;
    }

    /** {@code {type: object, properties, required, additionalProperties: false}}, JSON Schema 2020-12. */
    private static JsonObject inputSchema(RestConfig.Tool tool) {
        JsonObject properties = new JsonObject();
        JsonArray required = new JsonArray();
        for (RestConfig.Arg arg : tool.args()) {
            properties.put(arg.name(), arg.schema().copy());
            if (arg.required()) required.add(arg.name());
        }
        JsonObject schema = new JsonObject()
                .put("$schema", JSON_SCHEMA_2020_12)
                .put("type", "object")
                .put("properties", properties);
        if (!required.isEmpty()) schema.put("required", required);
        return schema.put("additionalProperties", false);
    }

    /** Fails with {@link BadArguments} when {@code arguments} do not fit the input schema. */
    void check(JsonObject arguments) {
        List<Error> errors = input.validate(arguments.encode(), InputFormat.JSON);
        if (errors.isEmpty()) return;
        Error first = errors.get(0);
        String where = first.getInstanceLocation() == null
                        || first.getInstanceLocation().getNameCount() == 0
                ? null
                : String.valueOf(first.getInstanceLocation().getElement(0));
        String message = first.getMessage();
        throw new BadArguments("invalid arguments for tool " + config.name() + ": "
                + (where == null ? message : "argument '" + where + "': " + message));
    }

    /**
     * The HTTP request for {@code arguments} (checked already). {@code shown}: as the dry run shows it, the service's
     * secrets redacted.
     */
    RestRequest request(JsonObject arguments, RestApi api, boolean shown) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RestConfig.Arg arg : config.args()) {
            Object v = arguments.getValue(arg.name());
            if (v == null) v = arg.defaultValue();
            if (v != null) values.put(arg.name(), v);
        }
        StringBuilder url = new StringBuilder(shown ? api.shownBaseUrl : api.baseUrl);
        url.append(path(values));
        Query query = new Query(url);
        (shown ? api.shownQuery : api.query).forEach(query::add);
        Map<String, String> headers = new LinkedHashMap<>(shown ? api.shownHeaders : api.headers);
        Map<String, Object> form = new LinkedHashMap<>();
        JsonObject jsonBody = new JsonObject();
        for (RestConfig.Arg arg : config.args()) {
            Object v = values.get(arg.name());
            if (v == null) continue;
            switch (arg.in()) {
                case PATH -> {}
                case QUERY -> query.addValue(arg.name(), v);
                case HEADER -> headers.put(arg.name(), headerText(v));
                case BODY -> jsonBody.put(arg.name(), v);
                case FORM -> form.put(arg.name(), v);
            }
        }
        Buffer payload = null;
        String contentType = config.contentType();
        if (body != null) {
            String rendered = Templates.render(body, Templates.plain(new JsonObject(values)));
            payload = Buffer.buffer(shown ? api.redactSecrets(rendered) : rendered);
            if (contentType == null) contentType = JSON;
        } else if (bodyArgs) {
            payload = jsonBody.toBuffer();
            if (contentType == null) contentType = JSON;
        } else if (formArgs) {
            StringBuilder encoded = new StringBuilder();
            form.forEach((k, v) -> {
                for (Object item : v instanceof JsonArray array ? array.getList() : List.of(v)) {
                    if (encoded.length() > 0) encoded.append('&');
                    encoded.append(encode(k)).append('=').append(encode(text(item)));
                }
            });
            payload = Buffer.buffer(encoded.toString());
            if (contentType == null) contentType = FORM;
        }
        if (payload != null) headers.put("Content-Type", contentType);
        return new RestRequest(method, url.toString(), headers, payload);
    }

    private String path(Map<String, Object> values) {
        String path = config.path();
        if (path.indexOf('{') < 0) return path;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < path.length()) {
            int open = path.indexOf('{', i);
            int close = open < 0 ? -1 : path.indexOf('}', open);
            if (open < 0 || close < 0) {
                out.append(path, i, path.length());
                break;
            }
            out.append(path, i, open);
            Object v = values.get(path.substring(open + 1, close));
            out.append(encode(v == null ? "" : text(v)));
            i = close + 1;
        }
        return out.toString();
    }

    /** Query parameters appended to a URL that may have some already. */
    private static final class Query {
        private final StringBuilder url;
        private boolean first;

        Query(StringBuilder url) {
            this.url = url;
            this.first = url.indexOf("?") < 0;
        }

        void add(String name, String value) {
            url.append(first ? '?' : '&').append(encode(name)).append('=').append(encode(value));
            first = false;
        }

        /** A list is the parameter repeated, an object one parameter per property (OpenAPI's form style). */
        void addValue(String name, Object v) {
            if (v instanceof JsonArray array) {
                array.forEach(item -> add(name, text(item)));
            } else if (v instanceof JsonObject object) {
                object.forEach(e -> add(e.getKey(), text(e.getValue())));
            } else {
                add(name, text(v));
            }
        }
    }

    /** A value as it goes into a path, a query or a form: strings as they are, numbers plainly, others as JSON. */
    static String text(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return v.toString();
        if (v instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString());
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Boolean) return v.toString();
        return Templates.json(v);
    }

    private static String headerText(Object v) {
        if (v instanceof JsonArray array) {
            StringBuilder out = new StringBuilder();
            array.forEach(item -> out.append(out.length() == 0 ? "" : ",").append(text(item)));
            return out.toString();
        }
        return text(v).replaceAll("[\\r\\n]+", " ");
    }

    /** Percent-encoding for a path segment or a query part (a space is %20, a slash %2F). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
