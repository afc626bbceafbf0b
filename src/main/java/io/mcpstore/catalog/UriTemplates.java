package io.mcpstore.catalog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Matching URIs against RFC 6570 URI templates, enough to route {@code resources/read} to a template's owner. */
final class UriTemplates {
    private UriTemplates() {}

    private static final Pattern EXPRESSION = Pattern.compile("\\{([+#./;?&]?)([^}]*)}");

    static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = EXPRESSION.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            // Simple expansion stops at '/'; reserved, fragment and query expansions may contain anything.
            regex.append(m.group(1).isEmpty() ? "[^/]*" : ".*");
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }
}
