package io.mcpstore.router;

import io.mcpstore.config.GatewayConfig;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS-rebinding protection, wherever the gateway is bound: a request's {@code Host} must name a loopback address,
 * one of {@code http.allowedHosts} or the bound address itself, and a browser's {@code Origin} must be on such a
 * host or one of {@code http.allowedOrigins}. Loopback is decided by parsing the name: an IP literal in
 * 127.0.0.0/8, {@code ::1}, or exactly {@code localhost} — never a prefix, so {@code 127.attacker.example} is not.
 */
final class RequestGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);
    private static final Pattern REG_NAME = Pattern.compile("[A-Za-z0-9._~%!$&'()*+,;=-]+");

    /** Why a request is refused, and with which HTTP status. */
    record Refusal(int status, String message) {}

    /** Host names (lowercase, IPv6 without brackets) allowed besides loopback ones. */
    private final Set<String> allowedHosts = new HashSet<>();

    private final Set<String> allowedOrigins = new HashSet<>();
    private final boolean anyOrigin;

    /** @param logWarnings whether this instance logs the start-up warning (one instance does, for all of them) */
    RequestGuard(GatewayConfig.Http http, boolean logWarnings) {
        http.allowedHosts().forEach(h -> allowedHosts.add(normal(h)));
        String bound = normal(http.host());
        boolean wildcard = isWildcard(bound);
        // A client that names the address the gateway is bound to is not a rebinding page: that needs a DNS name.
        if (!wildcard && !isLoopback(bound)) allowedHosts.add(bound);
        http.allowedOrigins().forEach(o -> allowedOrigins.add(o.trim().toLowerCase(Locale.ROOT)));
        anyOrigin = allowedOrigins.contains("*");
        if (logWarnings && !isLoopback(bound) && http.allowedHosts().isEmpty()) {
            LOG.warn(
                    "http.host is {}, beyond loopback, and http.allowedHosts is empty: only requests whose Host is a "
                            + "loopback name{} are answered, all others get 403. List the host names clients use "
                            + "to reach the gateway in http.allowedHosts.",
                    http.host(),
                    wildcard ? "" : " or " + http.host());
        }
    }

    /**
     * What is wrong with the request's {@code Host} header as HTTP has it — more than one, one that is not a host
     * and port, none on HTTP/1.1 — or {@code null}. Checked on every request (a 400), before any routing.
     */
    static String malformedHost(HttpServerRequest request) {
        List<String> hosts = request.headers().getAll("Host");
        if (hosts.size() > 1) return "more than one Host header";
        if (hosts.isEmpty()) return request.version() == HttpVersion.HTTP_1_1 ? "no Host header" : null;
        String host = hosts.get(0).trim();
        if (hostOf(host) == null) return "malformed Host header";
        // A bare IPv6 literal is taken as its bracketed form, which is what the router (and HTTP) understand.
        if (!host.startsWith("[") && host.indexOf(':') != host.lastIndexOf(':')) {
            request.headers().set("Host", "[" + host + "]");
        }
        return null;
    }

    /** Why {@code request} is refused, or {@code null} when it may go on. */
    Refusal refusal(HttpServerRequest request) {
        List<String> hosts = request.headers().getAll("Host");
        if (hosts.size() > 1) return new Refusal(400, "Bad Request: more than one Host header");
        // HTTP/2 names the host in :authority, which Vert.x gives as authority(); HTTP/1.x in the Host header.
        String authority = hosts.isEmpty() && request.version() == HttpVersion.HTTP_2 && request.authority() != null
                ? request.authority().toString()
                : (hosts.isEmpty() ? null : hosts.get(0));
        String host = authority == null ? null : hostOf(authority);
        if (host == null || !(isLoopback(host) || allowedHosts.contains(host))) {
            return new Refusal(403, "Forbidden: Host '" + (authority == null ? "" : authority) + "' is not allowed");
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin.trim().toLowerCase(Locale.ROOT))) {
            return new Refusal(403, "Forbidden: Origin '" + origin + "' is not allowed");
        }
        return null;
    }

    private boolean originAllowed(String origin) {
        if (anyOrigin || allowedOrigins.contains(origin)) return true;
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) return false;
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawUserInfo() != null) return false;
            String host = uri.getHost() == null ? null : normal(uri.getHost());
            return host != null && (isLoopback(host) || allowedHosts.contains(host));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * The host of a {@code Host} value ({@code name}, {@code name:port}, {@code [v6]}, {@code [v6]:port} or a bare
     * v6 literal), lowercase and unbracketed; {@code null} when it is not of that shape.
     */
    static String hostOf(String authority) {
        String a = authority.trim();
        if (a.isEmpty()) return null;
        String host;
        String port = null;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) return null;
            host = a.substring(1, close);
            String rest = a.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) return null;
                port = rest.substring(1);
            }
            if (!NetUtil.isValidIpV6Address(host)) return null;
        } else if (a.indexOf(':') != a.lastIndexOf(':')) {
            host = a; // an IPv6 literal without brackets (and so without a port)
            if (!NetUtil.isValidIpV6Address(host)) return null;
        } else {
            int colon = a.indexOf(':');
            host = colon < 0 ? a : a.substring(0, colon);
            port = colon < 0 ? null : a.substring(colon + 1);
        }
        if (port != null && !port.matches("\\d{1,5}")) return null;
        // A name is what RFC 3986 allows in a reg-name.
        if (!host.contains(":") && !REG_NAME.matcher(host).matches()) return null;
        return normal(host);
    }

    /** Lowercase, IPv6 literals unbracketed. */
    private static String normal(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** Exactly {@code localhost}, or an IP literal in 127.0.0.0/8 or {@code ::1}. */
    static boolean isLoopback(String host) {
        if (host.equals("localhost")) return true;
        InetAddress ip = literal(host);
        return ip != null && ip.isLoopbackAddress();
    }

    private static boolean isWildcard(String host) {
        InetAddress ip = literal(host);
        return ip != null && ip.isAnyLocalAddress();
    }

    /** The address an IP literal names (four decimal parts for IPv4), or {@code null} for a name. */
    private static InetAddress literal(String host) {
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) return null;
        return NetUtil.createInetAddressFromIpAddressString(host);
    }
}
