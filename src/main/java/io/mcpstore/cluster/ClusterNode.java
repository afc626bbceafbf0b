package io.mcpstore.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.mcpstore.config.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Joins a Vert.x instance to a cluster of gateways: a Hazelcast member bound to {@link ClusterSettings#host} only,
 * joining the configured members over TCP/IP (no multicast, no auto-detection, no phone-home), and the event bus on
 * the same host. Everything cluster-wide (membership, locks, maps) comes from this cluster manager.
 */
public final class ClusterNode {
    private static final Map<Vertx, HazelcastClusterManager> MANAGERS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private ClusterNode() {}

    /**
     * The Hazelcast config for {@code settings}: vertx-hazelcast's maps, with the network, join and housekeeping set
     * here. A node that stops answering is removed within {@code hazelcast.max.no.heartbeat.seconds} (10 s); one whose
     * connection drops (a killed process) much sooner.
     */
    static Config hazelcastConfig(ClusterSettings settings) {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(settings.name());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // Vert.x leaves the cluster itself when the gateway closes; Hazelcast's own hook would pull the floor first.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        NetworkConfig network = config.getNetworkConfig();
        String ip = ip(settings.host());
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.setPublicAddress(settings.host() + ":" + settings.port());
        network.getInterfaces().setEnabled(true).addInterface(ip);
        network.getRestApiConfig().setEnabled(false);
        // Bucket4j's rate-limit buckets live in this Hazelcast: its entry processors' serializers.
        io.mcpstore.security.ClusterBuckets.configure(config);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember(settings.host() + ":" + settings.port());
        settings.members().forEach(m -> join.getTcpIpConfig().addMember(m));
        return config;
    }

    /** Builds a clustered Vert.x from {@code builder} (its options and metrics set); completes once joined. */
    public static Future<Vertx> join(VertxBuilder builder, VertxOptions options, ClusterSettings settings) {
        // Read by Hazelcast before it reads its config (its first log lines).
        if (System.getProperty("hazelcast.logging.type") == null) System.setProperty("hazelcast.logging.type", "slf4j");
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(settings));
        EventBusOptions bus = new EventBusOptions()
                .setHost(settings.host())
                .setPort(settings.busPort())
                .setClusterPublicHost(settings.host());
        if (settings.busPort() != 0) bus.setClusterPublicPort(settings.busPort());
        options.setEventBusOptions(bus);
        return builder.with(options)
                .withClusterManager(manager)
                .buildClustered()
                .onSuccess(v -> MANAGERS.put(v, manager));
    }

    /** The cluster manager of a Vert.x made by {@link #join}, or null for one that is not clustered. */
    public static HazelcastClusterManager manager(Vertx vertx) {
        return MANAGERS.get(vertx);
    }

    /** This node's id in the cluster, or null when the gateway is not clustered. */
    public static String nodeId(Vertx vertx) {
        HazelcastClusterManager manager = manager(vertx);
        return manager == null ? null : manager.getNodeId();
    }

    private static String ip(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.getByName(h).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cluster.host: cannot resolve '" + host + "'", e);
        }
    }
}
