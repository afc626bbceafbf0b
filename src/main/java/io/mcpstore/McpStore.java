package io.mcpstore;

import io.mcpstore.audit.AuditVerticle;
import io.mcpstore.bus.Addresses;
import io.mcpstore.cluster.ClusterNode;
import io.mcpstore.cluster.ClusterVerticle;
import io.mcpstore.cluster.Placement;
import io.mcpstore.config.ClusterSettings;
import io.mcpstore.config.ConfigStoreVerticle;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.StoreSettings;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.notify.NotifierVerticle;
import io.mcpstore.router.RouterVerticle;
import io.mcpstore.security.Identities;
import io.mcpstore.security.Passwords;
import io.mcpstore.service.ServiceManager;
import io.mcpstore.webdata.WebDataVerticle;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded gateway: starts every verticle of one MCPStore node in a Vert.x instance and stops them again.
 * {@code start} completes once the gateway listens; its services start in the background, and {@code /health/ready}
 * reports them {@code connecting} until they are ready.
 *
 * <pre>{@code
 * McpStore gateway = McpStore.start(GatewayConfig.fromJson(json)).await();
 * // clients connect to gateway.url() + "/mcp"
 * gateway.close().await();
 * }</pre>
 */
public final class McpStore {
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String host;
    private final int port;
    private final String registryName;
    /** Deployment ids in start order; close undeploys them in reverse, so nothing hears a part that is gone. */
    private final List<String> deployments;
    /** Cluster-wide locks this node holds for its life (owning the config store). */
    private final List<Lock> locks;

    private McpStore(
            Vertx vertx,
            boolean ownsVertx,
            String host,
            int port,
            String registryName,
            List<String> deployments,
            List<Lock> locks) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.host = host;
        this.port = port;
        this.registryName = registryName;
        this.deployments = List.copyOf(deployments);
        this.locks = List.copyOf(locks);
    }

    public static String version() {
        String v = McpStore.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    /** Starts a gateway in a Vert.x instance of its own, with Prometheus metrics. */
    public static Future<McpStore> start(GatewayConfig config) {
        return start(config, "embedded");
    }

    public static Future<McpStore> start(GatewayConfig config, String source) {
        return start(createVertx(), config, source);
    }

    /** Starts a gateway whose config revisions live in {@code store} (a file, PostgreSQL, or memory). */
    public static Future<McpStore> start(GatewayConfig config, String source, StoreSettings store) {
        return start(createVertx(), config, source, store);
    }

    /**
     * Starts a gateway in {@code vertx}, made by {@link #createVertx()}, which it then owns and closes. (The command
     * line reads its config with the same instance: one Vert.x, one cold start.)
     */
    public static Future<McpStore> start(Vertx vertx, GatewayConfig config, String source) {
        return start(vertx, config, source, StoreSettings.memory());
    }

    /** As {@link #start(Vertx, GatewayConfig, String)}, with config revisions in {@code store}. */
    public static Future<McpStore> start(Vertx vertx, GatewayConfig config, String source, StoreSettings store) {
        return start(vertx, config, source, store, ClusterSettings.OFF);
    }

    /**
     * As {@link #start(Vertx, GatewayConfig, String, StoreSettings)}, as a node of the cluster {@code cluster} names
     * when {@code vertx} is clustered (made by {@link #createClusteredVertx}).
     */
    public static Future<McpStore> start(
            Vertx vertx, GatewayConfig config, String source, StoreSettings store, ClusterSettings cluster) {
        String registryName = REGISTRY_NAMES.get(vertx);
        // Not chained on close(): its continuation would run on an event loop that close() has just shut down.
        return deploy(vertx, true, config, source, store, registryName, cluster).onFailure(e -> vertx.close());
    }

    private static final java.util.Map<Vertx, String> REGISTRY_NAMES =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** A Vert.x instance reporting to a Prometheus registry of its own, as a gateway wants it. */
    public static Vertx createVertx() {
        String registryName = "mcpstore-" + UUID.randomUUID();
        VertxOptions options = vertxOptions(registryName);
        Vertx vertx = Vertx.builder()
                .with(options)
                .withMetrics(new MicrometerMetricsFactory(registry(null)))
                .build();
        REGISTRY_NAMES.put(vertx, registryName);
        return vertx;
    }

    /**
     * As {@link #createVertx()}, joined to the cluster {@code cluster} describes (see {@link ClusterNode}); its
     * metrics carry a {@code node} label. Completes once this node has joined.
     */
    public static Future<Vertx> createClusteredVertx(ClusterSettings cluster) {
        String registryName = "mcpstore-" + UUID.randomUUID();
        var builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry(cluster.nodeName())));
        return ClusterNode.join(builder, vertxOptions(registryName), cluster)
                .onSuccess(vertx -> REGISTRY_NAMES.put(vertx, registryName));
    }

    private static PrometheusMeterRegistry registry(String node) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (node != null) registry.config().commonTags("node", node);
        // Each router instance's HTTP server registers these gauges under the same ids; the registry keeps the first
        // and warns at every start (vert-x3/vertx-micrometer-metrics#259), so they would count one instance's share.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().startsWith("vertx.http.server.active.")));
        return registry;
    }

    private static VertxOptions vertxOptions(String registryName) {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(registryName)
                .setJvmMetricsEnabled(true)
                // Per-request meters on every upstream HTTP request and bus message cost ~10 % of a call's CPU
                // (docs/benchmarks.md); the gateway's own tool-call meters say what operators need.
                .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
        return new VertxOptions()
                .setMetricsOptions(metrics)
                .setPreferNativeTransport(Boolean.parseBoolean(System.getProperty("mcpstore.nativeTransport", "true")))
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** Starts a gateway inside an existing Vert.x instance (which stays the caller's to close). */
    public static Future<McpStore> start(Vertx vertx, GatewayConfig config) {
        return deploy(vertx, false, config, "embedded", StoreSettings.memory(), null, ClusterSettings.OFF);
    }

    private static Future<McpStore> deploy(
            Vertx vertx,
            boolean ownsVertx,
            GatewayConfig config,
            String source,
            StoreSettings store,
            String registryName,
            ClusterSettings cluster) {
        JsonObject common = new JsonObject().put("metricsRegistry", registryName);
        int count = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<String> deployed = new ArrayList<>();
        boolean clustered = ClusterNode.manager(vertx) != null;
        List<Lock> held = new ArrayList<>();
        return configStore(vertx, config, source, store, clustered, held)
                // The store may hold a newer config than the file (PostgreSQL shared by several gateways).
                .map(id -> id == null ? null : record(deployed, id))
                .compose(id -> auditLog(vertx, config, store, clustered, held))
                .map(id -> id == null ? null : record(deployed, id))
                .compose(id -> vertx.deployVerticle(
                        new WebDataVerticle(), options(WebDataVerticle.deploymentConfig(store, clustered))))
                .map(id -> record(deployed, id))
                .compose(id -> configGet(vertx, clustered ? STORE_WAIT_MS : 0))
                .compose(reply -> firstAdmin(vertx, config, reply.body()).map(reply))
                .map(reply -> reply.body().getJsonObject("config"))
                .compose(configJson -> vertx.deployVerticle(new NotifierVerticle(), options(common.copy()))
                        .map(id -> record(deployed, id))
                        .map(configJson))
                .compose(configJson -> {
                    // Each node listens where its own file says, whatever the node owning the config listens on.
                    if (clustered) configJson.put("http", config.http().toJson());
                    // Instances configured alike share one listening socket. Vert.x does not share a port 0
                    // socket, so a free port is picked first.
                    List<RouterVerticle> routers = new ArrayList<>();
                    AtomicInteger instance = new AtomicInteger();
                    DeploymentOptions options = options(routerConfig(configJson, common, port(config.http())))
                            .setInstances(count);
                    return vertx.deployVerticle(
                                    () -> {
                                        RouterVerticle router = new RouterVerticle(instance.getAndIncrement());
                                        synchronized (routers) {
                                            routers.add(router);
                                        }
                                        return router;
                                    },
                                    options)
                            .map(id -> record(deployed, id))
                            .compose(ignored -> samePort(routers));
                })
                .compose(port -> {
                    if (!clustered) return Future.succeededFuture(port);
                    String url = url(config.http().host(), port);
                    return vertx.deployVerticle(
                                    new ClusterVerticle(),
                                    options(ClusterVerticle.deploymentConfig(
                                            cluster.nodeName(), url, cluster.labels())))
                            .map(id -> record(deployed, id))
                            .map(port);
                })
                .compose(port -> vertx.deployVerticle(
                                new ServiceManager(
                                        clustered ? Placement.of(vertx, cluster.labels()) : Placement.local()),
                                options(common.copy()))
                        .map(id -> record(deployed, id))
                        .map(ignored -> new McpStore(
                                vertx, ownsVertx, config.http().host(), port, registryName, deployed, held)))
                .onFailure(e -> held.forEach(Lock::release));
    }

    /** How long a clustered node waits for the node that owns a file or memory config store to answer. */
    private static final long STORE_WAIT_MS = 60_000;

    private static final String STORE_OWNER_LOCK = "mcpstore.config.owner";

    /**
     * Deploys the config store; its deployment id, or null where another node serves it. Alone: here. In a cluster
     * with PostgreSQL: on every node, each answering its own node (the database is what they share). In a cluster with
     * a file or memory store: on the one node that holds the cluster-wide owner lock (the first to start), which every
     * node asks; the others run none, and while the owner is away changes wait for it (services keep running).
     */
    private static Future<String> configStore(
            Vertx vertx, GatewayConfig config, String source, StoreSettings store, boolean clustered, List<Lock> held) {
        JsonObject conf = new JsonObject()
                .put("config", config.toJson())
                .put("source", source)
                .put("store", store.toJson());
        if (!clustered) return vertx.deployVerticle(new ConfigStoreVerticle(), options(conf));
        if ("postgres".equals(store.type())) {
            return vertx.deployVerticle(new ConfigStoreVerticle(), options(conf.put("local", true)));
        }
        return vertx.sharedData().getLockWithTimeout(STORE_OWNER_LOCK, 200).transform(ar -> {
            if (ar.failed()) {
                LOG.info("Config store: served by the node that owns it ({} store there)", store.type());
                return Future.succeededFuture(null);
            }
            held.add(ar.result());
            LOG.info("Config store: this node owns the cluster's {} store", store.type());
            return vertx.deployVerticle(new ConfigStoreVerticle(), options(conf));
        });
    }

    /**
     * The audit log. Each node keeps its own, and in a cluster on PostgreSQL every node writes the one shared table;
     * in a cluster on a file or memory store only the node owning the config store keeps it, and the others send their
     * entries and queries to it over the clustered bus — so the log is one for the cluster either way. Completes with
     * the deployment id, or {@code null} when another node keeps the log.
     */
    private static Future<String> auditLog(
            Vertx vertx, GatewayConfig config, StoreSettings store, boolean clustered, List<Lock> held) {
        boolean ownerKeeps = clustered && !"postgres".equals(store.type());
        if (ownerKeeps && held.isEmpty()) {
            LOG.info("Audit log: kept by the node that owns the config store");
            return Future.succeededFuture(null);
        }
        JsonObject conf =
                AuditVerticle.deploymentConfig(store, config.security().audit()).put("local", clustered && !ownerKeeps);
        return vertx.deployVerticle(new AuditVerticle(), options(conf));
    }

    /** The current config; a clustered node retries for up to {@code waitMs} while no store answers yet. */
    private static Future<io.vertx.core.eventbus.Message<JsonObject>> configGet(Vertx vertx, long waitMs) {
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        return vertx.eventBus()
                .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject())
                .recover(e -> {
                    if (System.nanoTime() >= deadline) return Future.failedFuture(e);
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    Promise<io.vertx.core.eventbus.Message<JsonObject>> again = Promise.promise();
                    vertx.setTimer(
                            250, id -> configGet(vertx, Math.max(0, left - 250)).onComplete(again));
                    return again.future();
                });
    }

    /**
     * With security on and no admin user yet, creates user {@code admin}: with {@code MCPSTORE_ADMIN_PASSWORD}, or a
     * generated password printed once to stdout. There is never a default password.
     */
    private static Future<Void> firstAdmin(Vertx vertx, GatewayConfig config, JsonObject snapshot) {
        if (!config.security().enabled()) return Future.succeededFuture();
        JsonObject users =
                snapshot.getJsonObject("identities", new JsonObject()).getJsonObject("users");
        if (Identities.hasAdmin(users)) return Future.succeededFuture();
        String given = System.getenv("MCPSTORE_ADMIN_PASSWORD");
        boolean generated = given == null || given.isBlank();
        String password = generated ? Passwords.generate() : given;
        JsonObject op = new JsonObject()
                .put("op", "user.put")
                .put("name", "admin")
                .put("create", true)
                .put("entry", new JsonObject().put("role", "admin").put("password", password))
                .put(
                        "actor",
                        new JsonObject()
                                .put("subject", "system")
                                .put("kind", "system")
                                .put("role", "admin"));
        return vertx.eventBus().<JsonObject>request(Addresses.CONFIG_UPDATE, op).compose(reply -> {
            JsonObject error = reply.body().getJsonObject("error");
            if (error == null) {
                if (generated) {
                    System.out.println("MCPSTORE first start: created user 'admin' with password " + password
                            + " (change it: mcpstore user passwd admin)");
                } else {
                    LOG.info("First start: created user 'admin' with the password from MCPSTORE_ADMIN_PASSWORD");
                }
                return Future.succeededFuture();
            }
            if (error.getInteger("status", 500) == 409) {
                // Another node created it first, or a user 'admin' of another role exists.
                LOG.warn("First start: no admin user created: {}", error.getString("detail"));
                return Future.succeededFuture();
            }
            String detail = error.getString("detail", "");
            return Future.failedFuture(new IllegalStateException("cannot create the first admin user: "
                    + (generated ? detail : detail.replace("users.admin.password", "MCPSTORE_ADMIN_PASSWORD"))));
        });
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpStore.class);

    private static String record(List<String> deployed, String id) {
        deployed.add(id);
        return id;
    }

    private static JsonObject routerConfig(JsonObject config, JsonObject common, int port) {
        JsonObject gateway = config.copy();
        gateway.getJsonObject("http").put("port", port);
        return common.copy().put("gateway", gateway).put("version", version());
    }

    private static int port(GatewayConfig.Http http) {
        if (http.port() != 0) return http.port();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(http.host()))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + http.host(), e);
        }
    }

    private static Future<Integer> samePort(List<RouterVerticle> routers) {
        int port = routers.get(0).actualPort();
        for (RouterVerticle r : routers) {
            if (r.actualPort() != port) {
                return Future.failedFuture(new IllegalStateException(
                        "router instances listen on different ports: " + port + " and " + r.actualPort()));
            }
        }
        return Future.succeededFuture(port);
    }

    private static DeploymentOptions options(JsonObject config) {
        return new DeploymentOptions().setConfig(config);
    }

    public Vertx vertx() {
        return vertx;
    }

    public int port() {
        return port;
    }

    /** {@code http://host:port}, with IPv6 hosts bracketed. */
    public String url() {
        return url(host, port);
    }

    private static String url(String host, int port) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        if (h.equals("0.0.0.0")) h = "127.0.0.1";
        return "http://" + h + ":" + port;
    }

    /**
     * Stops every verticle (upstream child processes end) and, when it owns it, Vert.x itself: the services first,
     * then the routers, the notifier and the config store, so that no part is told about another one stopping.
     */
    public Future<Void> close() {
        Future<Void> undeploy = Future.succeededFuture();
        for (int i = deployments.size() - 1; i >= 0; i--) {
            String id = deployments.get(i);
            undeploy = undeploy.transform(ignored -> vertx.deploymentIDs().contains(id)
                    ? vertx.undeploy(id).otherwiseEmpty()
                    : Future.succeededFuture());
        }
        undeploy = undeploy.transform(ignored -> Future.join(
                        vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
                .mapEmpty());
        return undeploy.transform(ignored -> {
            locks.forEach(Lock::release);
            GatewayMetrics.release(registryName);
            return ownsVertx ? vertx.close() : Future.succeededFuture();
        });
    }
}
