package io.mcpstore;

import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.StoreSettings;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import java.net.BindException;
import java.nio.file.Path;

/**
 * A start-up that failed for a reason other than the config (the port, the database) as the one line the command
 * line prints: what failed and what to do about it. Config errors have their own line ({@code Config error in …}).
 */
final class StartFailure {
    private StartFailure() {}

    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";
    private static final String INVALID_CATALOG = "3D000";

    static String describe(Throwable failure, GatewayConfig.Http http, StoreSettings store, Path file) {
        String because = "Start-up failed: ";
        PgException pg = find(failure, PgException.class);
        if ("postgres".equals(store.type()) && (pg != null || isStoreFailure(failure))) {
            PgConnectOptions url = PgConnectOptions.fromUri(store.url());
            String server = "the PostgreSQL server at " + url.getHost() + ":" + url.getPort();
            String sqlState = pg == null ? null : pg.getSqlState();
            if (INVALID_CATALOG.equals(sqlState)) {
                return because + "database '" + url.getDatabase() + "' does not exist on " + server + ". Create it ("
                        + "createdb -h " + url.getHost() + " -p " + url.getPort() + " -U " + url.getUser() + " "
                        + url.getDatabase() + ") or fix store.url in " + file + ".";
            }
            if (INVALID_PASSWORD.equals(sqlState) || INVALID_AUTHORIZATION.equals(sqlState)) {
                return because + server + " refused user '" + url.getUser() + "' (" + pg.getErrorMessage()
                        + "). Fix the user or password in store.url in " + file + ".";
            }
            return because + server + " is unreachable (" + plain(rootMessage(failure)) + "). Start PostgreSQL, or "
                    + "fix store.url in " + file + ".";
        }
        if ("file".equals(store.type()) && isStoreFailure(failure)) {
            return because + "the file store cannot keep its revisions in the directory of " + store.file() + " ("
                    + plain(rootMessage(failure)) + "). Make that directory writable, or use store: {type: memory}.";
        }
        if (rootMessage(failure).contains("Cannot assign requested address")) {
            return because + "cannot listen on " + http.host()
                    + ": it is not an address of this machine. Fix --host or http.host in " + file + ".";
        }
        if (find(failure, BindException.class) != null || rootMessage(failure).contains("Address already in use")) {
            return because + "cannot listen on " + http.host() + ":" + http.port() + ": the address is in use (another"
                    + " MCPStore, or another server). Stop it, or choose another port with --port N or http.port in "
                    + file + ".";
        }
        return because + plain(rootMessage(failure));
    }

    private static boolean isStoreFailure(Throwable failure) {
        return find(failure, io.mcpstore.config.StoreException.class) != null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }

    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Netty's {@code finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1} → the reason. */
    private static String plain(String message) {
        if (message.contains("Connection refused")) return "connection refused";
        return message.replaceFirst("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
    }
}
