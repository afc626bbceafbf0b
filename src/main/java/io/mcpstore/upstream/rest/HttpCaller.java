package io.mcpstore.upstream.rest;

import io.mcpstore.config.RestConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sends the HTTP requests of one rest service on its pooled client, holding each to the service's rules: the target
 * must not be a private address (checked after DNS, on every request and every redirect hop, and the request goes to
 * the address checked, so a name that resolves elsewhere the next time cannot slip through), redirects are followed
 * as {@code redirects} allows and at most {@link #MAX_REDIRECTS} times, an answer larger than {@code
 * maxResponseBytes} is cut off while it streams in, idempotent calls are retried on connect errors and 502/503/504
 * with exponential backoff within the call's time, and an OAuth token refused with 401 is fetched anew once.
 */
final class HttpCaller {
    static final int MAX_REDIRECTS = 5;
    /** The most of an error answer kept for the caller. */
    static final int ERROR_BODY_BYTES = 2048;
    /** An answer we do not need is drained up to this, then its connection is closed instead. */
    private static final int DRAINED_BYTES = 64 * 1024;
    /** How long a name's checked addresses are used before it is resolved again (as the JVM's own DNS cache). */
    static final long RESOLVE_CACHE_MS = 30_000;

    private static final int MAX_CACHED_NAMES = 256;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Set<Integer> RETRIED_STATUSES = Set.of(502, 503, 504);

    /** An answer read whole (within the limit). */
    record Answer(int status, String statusMessage, String contentType, Buffer body, String url) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A call that got no answer to show: refused, unreachable, too large, too many redirects. */
    static final class CallFailure extends RuntimeException {
        final boolean connect;

        CallFailure(String message, boolean connect) {
            super(message, null, false, false);
            this.connect = connect;
        }
    }

    private record Resolved(InetAddress address, String refusal, long until) {}

    private final Vertx vertx;
    private final HttpClient client;
    private final RestConfig rest;
    private final boolean allowPrivateNetwork;
    private final long timeoutMs;
    private final Map<String, Resolved> resolved = new HashMap<>();
    /** The request in flight of each call still open, so that an abandoned call's request is reset. */
    private final Map<Long, HttpClientRequest> inFlight = new HashMap<>();

    /** Calls under way, and those of them abandoned: they are sent no more. */
    private final Set<Long> active = new HashSet<>();

    private final Set<Long> abandoned = new HashSet<>();
    private OAuthTokens tokens;

    /** Header names (lower case) that do not follow a redirect to another host. */
    private final Set<String> credentialHeaders =
            new HashSet<>(Set.of("authorization", "cookie", "proxy-authorization"));

    HttpCaller(
            Vertx vertx,
            HttpClient client,
            RestConfig rest,
            Set<String> serviceHeaders,
            boolean allowPrivateNetwork,
            long timeoutMs) {
        serviceHeaders.forEach(h -> credentialHeaders.add(h.toLowerCase(Locale.ROOT)));
        this.vertx = vertx;
        this.client = client;
        this.rest = rest;
        this.allowPrivateNetwork = allowPrivateNetwork;
        this.timeoutMs = timeoutMs;
    }

    void tokens(OAuthTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * Calls {@code request} (auth added here) for call {@code call}; retries as the tool allows. Completes with the
     * answer, or fails with a {@link CallFailure}.
     */
    Future<Answer> call(RestRequest request, String authorization, boolean retryable, Long call) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        if (call != null) active.add(call);
        return attempt(request, authorization, retryable, call, deadline, 1, false)
                .onComplete(done -> {
                    if (call != null) {
                        active.remove(call);
                        inFlight.remove(call);
                        abandoned.remove(call);
                    }
                });
    }

    /** The call ended without its answer (timed out, cancelled): its request is reset, and it is not retried. */
    void abandon(long call) {
        if (!active.contains(call)) return; // answered already
        abandoned.add(call);
        HttpClientRequest request = inFlight.remove(call);
        if (request != null) request.reset();
    }

    private Future<Answer> attempt(
            RestRequest request,
            String authorization,
            boolean retryable,
            Long call,
            long deadline,
            int attempt,
            boolean renewedToken) {
        Future<String> auth = tokens == null ? Future.succeededFuture(authorization) : tokens.authorization();
        return auth.compose(header -> {
            RestRequest sent = header == null ? request : request.withHeader("Authorization", header);
            return follow(sent, call, deadline, 0, rest.maxResponseBytes())
                    .compose(
                            answer -> {
                                if (answer.status() == 401
                                        && tokens != null
                                        && header != null
                                        && !renewedToken
                                        && !isAbandoned(call)) {
                                    // The token was revoked or expired early: a new one, once.
                                    tokens.refused(header);
                                    return attempt(request, authorization, retryable, call, deadline, attempt, true);
                                }
                                if (RETRIED_STATUSES.contains(answer.status())
                                        && retryable
                                        && mayRetry(attempt, deadline, call)) {
                                    return again(request, authorization, call, deadline, attempt, renewedToken);
                                }
                                return Future.succeededFuture(answer);
                            },
                            e -> {
                                if (e instanceof CallFailure f
                                        && f.connect
                                        && retryable
                                        && mayRetry(attempt, deadline, call)) {
                                    return again(request, authorization, call, deadline, attempt, renewedToken);
                                }
                                return Future.failedFuture(e);
                            });
        });
    }

    private boolean isAbandoned(Long call) {
        return call != null && abandoned.contains(call);
    }

    private boolean mayRetry(int attempt, long deadline, Long call) {
        if (attempt >= rest.retry().attempts() || isAbandoned(call)) return false;
        return System.nanoTime() + delayMs(attempt) * 1_000_000 < deadline;
    }

    private long delayMs(int attempt) {
        return rest.retry().backoffMs() << Math.min(attempt - 1, 20);
    }

    /** The next attempt of a retryable request, after the backoff its attempt number earns. */
    private Future<Answer> again(
            RestRequest request, String authorization, Long call, long deadline, int attempt, boolean renewedToken) {
        return backoff(attempt)
                .compose(v -> attempt(request, authorization, true, call, deadline, attempt + 1, renewedToken));
    }

    private Future<Void> backoff(int attempt) {
        long delay = delayMs(attempt);
        if (delay <= 0) return Future.succeededFuture();
        Promise<Void> waited = Promise.promise();
        vertx.setTimer(delay, t -> waited.complete());
        return waited.future();
    }

    /** Sends one request and follows its redirects. */
    Future<Answer> follow(RestRequest request, Long call, long deadline, int hops, long limit) {
        return send(request, call, deadline).compose(response -> {
            int status = response.statusCode();
            String location = response.getHeader(HttpHeaders.LOCATION);
            boolean redirect = location != null
                    && (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
            if (!redirect || rest.redirects() == RestConfig.Redirects.NONE) {
                return read(response, request.url(), limit, call);
            }
            return drain(response).compose(v -> {
                if (hops >= MAX_REDIRECTS) {
                    return Future.failedFuture(new CallFailure(
                            shown(request.url()) + " redirected more than " + MAX_REDIRECTS + " times", false));
                }
                URI from = URI.create(request.url());
                URI to;
                try {
                    to = from.resolve(location.trim());
                } catch (IllegalArgumentException e) {
                    return Future.failedFuture(
                            new CallFailure(shown(request.url()) + " redirected to an invalid URL", false));
                }
                if (!"http".equalsIgnoreCase(to.getScheme()) && !"https".equalsIgnoreCase(to.getScheme())) {
                    return Future.failedFuture(new CallFailure(
                            shown(request.url()) + " redirected to a " + to.getScheme() + " URL, which is not followed",
                            false));
                }
                boolean sameHost = to.getHost() != null && to.getHost().equalsIgnoreCase(from.getHost());
                if (rest.redirects() == RestConfig.Redirects.SAME_HOST && !sameHost) {
                    return Future.failedFuture(new CallFailure(
                            shown(request.url()) + " redirected to another host (" + to.getHost() + "), which this"
                                    + " service does not follow (redirects: same-host; set redirects: any to allow it)",
                            false));
                }
                if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme())) {
                    return Future.failedFuture(new CallFailure(
                            shown(request.url()) + " redirected from https to http, which is not followed", false));
                }
                // 303, and 301/302 of a POST as browsers do, become a GET without a body; 307 and 308 keep both.
                boolean keep = status == 307 || status == 308;
                HttpMethod method = !keep && (status == 303 || request.method() == HttpMethod.POST)
                        ? HttpMethod.GET
                        : request.method();
                boolean keepBody = method == request.method() && request.body() != null;
                // To another host go neither the auth nor the service's own headers (secrets, as a rule).
                Set<String> dropped = sameHost ? Set.of() : credentialHeaders;
                return follow(request.to(method, to.toString(), keepBody, dropped), call, deadline, hops + 1, limit);
            });
        });
    }

    /** Sends one request to the address its host resolves to, after the private-network check. */
    private Future<HttpClientResponse> send(RestRequest request, Long call, long deadline) {
        if (isAbandoned(call)) return Future.failedFuture(new CallFailure("the call ended", false));
        URI uri;
        try {
            uri = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new CallFailure("not a valid URL: " + shown(request.url()), false));
        }
        String host = uri.getHost();
        if (host == null) return Future.failedFuture(new CallFailure("no host in " + shown(request.url()), false));
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        return address(host).compose(address -> {
            String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) target += "?" + uri.getRawQuery();
            RequestOptions options = new RequestOptions()
                    .setMethod(request.method())
                    .setHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                    .setPort(port)
                    .setSsl(https)
                    .setURI(target)
                    .setFollowRedirects(false)
                    .setIdleTimeout(remainingMs)
                    .setConnectTimeout(Math.min(remainingMs, 10_000));
            if (address != null) options.setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
            request.headers().forEach(options::putHeader);
            return client.request(options)
                    .recover(e -> Future.failedFuture(
                            new CallFailure("cannot reach " + shown(request.url()) + ": " + reasonOf(e), true)))
                    .compose(sending -> {
                        if (isAbandoned(call)) {
                            sending.reset();
                            return Future.failedFuture(new CallFailure("the call ended", false));
                        }
                        if (call != null) inFlight.put(call, sending);
                        Future<HttpClientResponse> response =
                                request.body() == null ? sending.send() : sending.send(request.body());
                        return response.recover(e -> Future.failedFuture(new CallFailure(
                                request.method() + " " + shown(request.url()) + " failed: " + reasonOf(e), false)));
                    });
        });
    }

    /**
     * The address to connect to for {@code host}, checked: null when private addresses are allowed (the client
     * resolves it then), else the first address it resolves to once none of them is private. A literal address is
     * not looked up; a name's answer is kept for {@link #RESOLVE_CACHE_MS}.
     */
    Future<InetAddress> address(String host) {
        if (allowPrivateNetwork) return Future.succeededFuture();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        long now = System.currentTimeMillis();
        Resolved cached = resolved.get(bare);
        if (cached != null && cached.until() > now) return outcome(bare, cached);
        boolean literal = IPV4.matcher(bare).matches() || bare.indexOf(':') >= 0;
        Future<Resolved> lookup = literal
                ? Future.succeededFuture(check(bare, now))
                : vertx.executeBlocking(() -> check(bare, now), false);
        return lookup.compose(r -> {
            if (!literal) {
                if (resolved.size() >= MAX_CACHED_NAMES) resolved.clear(); // redirects to ever new names
                resolved.put(bare, r);
            }
            return outcome(bare, r);
        });
    }

    private static Future<InetAddress> outcome(String host, Resolved r) {
        if (r.refusal() != null) return Future.failedFuture(new CallFailure(r.refusal(), false));
        return Future.succeededFuture(r.address());
    }

    /** Blocking for a name (DNS). Every address is checked: a name with one private address is refused. */
    private static Resolved check(String host, long now) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new Resolved(null, "cannot resolve host " + host, now + 1_000);
        }
        for (InetAddress a : all) {
            String kind = PrivateNetwork.kind(a);
            if (kind != null) {
                return new Resolved(
                        null,
                        "refused to call " + host + ": it resolves to " + a.getHostAddress() + " (" + kind
                                + "), a private network address; set allowPrivateNetwork: true on the service to allow"
                                + " it",
                        now + RESOLVE_CACHE_MS);
            }
        }
        return new Resolved(all[0], null, now + RESOLVE_CACHE_MS);
    }

    /**
     * Reads an answer: a 2xx one within {@code limit} bytes (larger fails, and the request is reset as soon as it
     * passes the limit), any other its first {@link #ERROR_BODY_BYTES} bytes.
     */
    private Future<Answer> read(HttpClientResponse response, String url, long limit, Long call) {
        boolean ok = response.statusCode() / 100 == 2;
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (ok && length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    response.request().reset();
                    return Future.failedFuture(tooLarge(url, limit));
                }
            } catch (NumberFormatException ignored) {
                // read on; the count below decides
            }
        }
        Promise<Answer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        long cap = ok ? limit : ERROR_BODY_BYTES;
        response.handler(chunk -> {
            if (done.future().isComplete()) return;
            if (body.length() + (long) chunk.length() <= cap) {
                body.appendBuffer(chunk);
                return;
            }
            if (ok) {
                done.tryFail(tooLarge(url, limit));
            } else {
                body.appendBuffer(chunk.getBuffer(0, (int) (cap - body.length())));
                done.tryComplete(new Answer(response.statusCode(), response.statusMessage(), type, body, url));
            }
            response.request().reset();
        });
        response.exceptionHandler(e ->
                done.tryFail(new CallFailure("the answer of " + shown(url) + " broke off: " + reasonOf(e), false)));
        response.endHandler(
                v -> done.tryComplete(new Answer(response.statusCode(), response.statusMessage(), type, body, url)));
        return done.future();
    }

    private static CallFailure tooLarge(String url, long limit) {
        return new CallFailure(
                "the answer of " + shown(url) + " is larger than maxResponseBytes (" + limit + " bytes); raise"
                        + " maxResponseBytes on the service or ask for less",
                false);
    }

    private static Future<Void> drain(HttpClientResponse response) {
        Promise<Void> done = Promise.promise();
        long[] read = {0};
        response.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > DRAINED_BYTES && done.tryComplete())
                response.request().reset();
        });
        response.exceptionHandler(e -> done.tryComplete());
        response.endHandler(v -> done.tryComplete());
        return done.future();
    }

    /** A URL as messages show it: without its query (which may hold a key) and user info. */
    static String shown(String url) {
        try {
            URI u = URI.create(url);
            String port = u.getPort() > 0 ? ":" + u.getPort() : "";
            return u.getScheme() + "://" + u.getHost() + port + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (IllegalArgumentException e) {
            return "(an invalid URL)";
        }
    }

    private static String reasonOf(Throwable e) {
        String m = e.getMessage();
        return m == null
                ? e.getClass().getSimpleName()
                : m.toLowerCase(Locale.ROOT).contains("connection refused") ? "connection refused" : m;
    }
}
