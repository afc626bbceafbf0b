package io.mcpstore.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets every member of one cluster shares and no one outside it has: random bytes in the cluster manager's map,
 * put there by whichever node asks first and read by the others. They live as long as the cluster does, never in the
 * config store or an export — for what dies with the cluster anyway (session ids, pending request states).
 */
public final class ClusterSecrets {
    private static final String MAP = "mcpstore.cluster.secrets";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterSecrets() {}

    /** The cluster's secret called {@code name} (32 bytes). */
    public static Future<byte[]> get(Vertx vertx, String name) {
        byte[] mine = new byte[32];
        RANDOM.nextBytes(mine);
        return vertx.sharedData()
                .<String, String>getAsyncMap(MAP)
                .compose(map -> map.putIfAbsent(name, Base64.getEncoder().encodeToString(mine)))
                .map(held -> held == null ? mine : Base64.getDecoder().decode(held));
    }
}
