package io.mcpstore.demo;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resources whose URIs follow a level-1 URI template such as {@code demo://notes/{name}}. The reader gets the
 * variables and returns the text, or {@code null} when no such resource exists. Completers suggest variable values.
 */
public record ResourceTemplate(
        String uriTemplate,
        String name,
        String description,
        String mimeType,
        Function<Map<String, String>, String> reader,
        Map<String, Completer> completers) {

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    public ResourceTemplate {
        completers = completers == null ? Map.of() : Map.copyOf(completers);
    }

    /** The entry in a {@code resources/templates/list} result. */
    public JsonObject describe() {
        JsonObject json = new JsonObject().put("uriTemplate", uriTemplate).put("name", name);
        if (description != null) {
            json.put("description", description);
        }
        return mimeType == null ? json : json.put("mimeType", mimeType);
    }

    /** The variables of {@code uri} when it matches this template, else {@code null}. */
    Map<String, String> match(String uri) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = VARIABLE.matcher(uriTemplate);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(uriTemplate.substring(last, m.start()))).append("([^/?#]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(uriTemplate.substring(last)));
        Matcher uriMatch = Pattern.compile(regex.toString()).matcher(uri);
        if (!uriMatch.matches()) {
            return null;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            variables.put(
                    names.get(i),
                    java.net.URLDecoder.decode(uriMatch.group(i + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return variables;
    }
}
