package io.mcpstore.router;

import io.mcpstore.config.GatewayConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection: a gateway bound to loopback answers only requests addressed to a loopback host name,
 * and any browser {@code Origin} must be a loopback origin or one the config allows.
 */
final class RequestGuard {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final boolean checkHost;
    private final List<String> allowedHosts;
    private final List<String> allowedOrigins;

    RequestGuard(GatewayConfig.Http http) {
        String host = http.host().toLowerCase(Locale.ROOT);
        // Bound to all interfaces or a public address, Host cannot be pinned to loopback unless hosts are listed.
        this.checkHost = isLoopback(host) || !http.allowedHosts().isEmpty();
        this.allowedHosts = http.allowedHosts().stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        this.allowedOrigins = http.allowedOrigins().stream()
                .map(o -> o.toLowerCase(Locale.ROOT))
                .toList();
    }

    /** Why {@code request} is refused, or {@code null} when it may go on. */
    String refusal(HttpServerRequest request) {
        if (checkHost) {
            // authority() is the Host header on HTTP/1.1 and the :authority pseudo-header on HTTP/2.
            HostAndPort authority = request.authority();
            String host = authority == null ? null : hostName(authority.host());
            if (host == null || !(isLoopback(host) || allowedHosts.contains(host))) {
                return "Host '" + (authority == null ? "" : authority.host()) + "' is not allowed";
            }
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin.toLowerCase(Locale.ROOT))) {
            return "Origin '" + origin + "' is not allowed";
        }
        return null;
    }

    private boolean originAllowed(String origin) {
        if (allowedOrigins.contains("*") || allowedOrigins.contains(origin)) return true;
        try {
            URI uri = new URI(origin);
            return uri.getHost() != null && isLoopback(uri.getHost().toLowerCase(Locale.ROOT));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String hostName(String host) {
        if (host == null || host.isBlank()) return null;
        String h = host.trim().toLowerCase(Locale.ROOT);
        // An IPv6 literal may come with or without its brackets.
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static boolean isLoopback(String host) {
        return LOOPBACK.contains(host) || host.startsWith("127.");
    }
}
