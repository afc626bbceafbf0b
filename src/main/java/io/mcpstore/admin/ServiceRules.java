package io.mcpstore.admin;

import io.mcpstore.config.Secrets;
import io.mcpstore.security.Permission;
import io.mcpstore.security.Principal;
import io.mcpstore.security.SecurityConfig;
import io.mcpstore.security.ToolPatterns;
import io.mcpstore.upstream.rest.PrivateNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a service created or changed through the admin API must satisfy beyond its config rules: a stdio service
 * (its {@code command}, {@code args}, {@code env} and {@code cwd} run on the gateway's machine) needs {@link
 * Permission#PROCESSES}; its command must match {@code security.allowedCommands} when that is set, whoever asks; and,
 * with security on, a {@code url} whose host resolves to a loopback, private, link-local or unspecified address needs
 * {@code allowPrivateNetwork: true} on the service, so that the API cannot be used to reach the gateway's own network.
 * Each refusal is a 403 naming the rule. Services in the config file are not checked: whoever writes it owns the
 * machine.
 */
final class ServiceRules {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}]*}");

    private final Vertx vertx;

    ServiceRules(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Succeeds when {@code principal} may create or change service {@code name} to {@code entry}. */
    Future<Void> check(Principal principal, SecurityConfig security, String name, JsonObject entry) {
        Object command = entry.getValue("command");
        if (command instanceof String c && !c.isBlank()) {
            if (!principal.can(Permission.PROCESSES)) {
                return Future.failedFuture(new Problem(
                        403,
                        "service '" + name + "' runs a command on the gateway's machine (stdio), which needs the"
                                + " permission PROCESSES (role admin); role '"
                                + principal.role().id() + "' of "
                                + principal.subject() + " lacks it",
                        new JsonObject().put("permission", Permission.PROCESSES.name())));
            }
            if (!commandAllowed(security.allowedCommands(), c)) {
                return Future.failedFuture(new Problem(
                        403,
                        "service '" + name + "': command '" + c + "' is not in security.allowedCommands "
                                + security.allowedCommands(),
                        new JsonObject().put("rule", "security.allowedCommands")));
            }
            return Future.succeededFuture();
        }
        if (!security.enabled() || Boolean.TRUE.equals(entry.getValue("allowPrivateNetwork"))) {
            return Future.succeededFuture();
        }
        // A rest service's baseUrl and token endpoint are checked like an HTTP service's url (and again on every
        // call, after DNS, by the rest transport itself).
        List<String[]> urls = new java.util.ArrayList<>();
        for (String field : List.of("url", "baseUrl")) {
            if (entry.getValue(field) instanceof String u) urls.add(new String[] {field, u});
        }
        if (entry.getValue("auth") instanceof JsonObject auth && auth.getValue("tokenUrl") instanceof String u) {
            urls.add(new String[] {"auth.tokenUrl", u});
        }
        Future<Void> checked = Future.succeededFuture();
        for (String[] url : urls) {
            checked = checked.compose(v -> vertx.executeBlocking(() -> privateAddress(url[1]))
                    .compose(reason -> {
                        if (reason == null) return Future.succeededFuture();
                        return Future.failedFuture(new Problem(
                                403,
                                "service '" + name + "': " + url[0] + " " + Secrets.redactUrl(url[1]) + " " + reason
                                        + "; set allowPrivateNetwork: true on the service to allow it",
                                new JsonObject().put("field", "allowPrivateNetwork")));
                    }));
        }
        return checked;
    }

    /** Empty allows any; otherwise some glob matches the command as written or its file name. */
    static boolean commandAllowed(List<String> allowed, String command) {
        if (allowed.isEmpty()) return true;
        String trimmed = command.trim();
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        String fileName = trimmed.substring(slash + 1);
        for (String glob : allowed) {
            Pattern p = ToolPatterns.glob(glob.trim());
            if (p.matcher(trimmed).matches() || p.matcher(fileName).matches()) return true;
        }
        return false;
    }

    /**
     * Why the URL's host is on the gateway's own or a private network, or null when it is not. Blocking (DNS): run
     * off the event loop. A host that does not resolve passes (there is nothing to reach); a host given by a reference
     * cannot be checked and counts as private.
     */
    static String privateAddress(String url) {
        String host;
        try {
            host = new URI(REFERENCE.matcher(url).replaceAll("x")).getHost();
        } catch (java.net.URISyntaxException e) {
            return null; // the config rules report it
        }
        if (host == null) return null;
        if (hostHasReference(url)) {
            return "takes its host from a reference, which cannot be checked";
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
        for (InetAddress a : addresses) {
            String kind = kind(a);
            if (kind != null) return "resolves to " + a.getHostAddress() + " (" + kind + ")";
        }
        return null;
    }

    private static boolean hostHasReference(String url) {
        int scheme = url.indexOf("://");
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            // A reference's own braces hold no '/', so the first one ends the authority.
            if (i >= 0 && i < end) end = i;
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        return authority.substring(at + 1).contains("${");
    }

    private static String kind(InetAddress a) {
        return PrivateNetwork.kind(a);
    }
}
