package io.mcpstore.upstream;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which client sessions are subscribed to which resource of this upstream. The connection is shared, so the
 * upstream is subscribed once per URI, while any session wants it, and unsubscribed when the last one goes.
 */
final class Subscribers {
    private final Map<String, Set<String>> byUri = new HashMap<>();

    /** Adds {@code session}; {@code true} when it is the URI's first subscriber (the upstream must be told). */
    boolean add(String uri, String session) {
        Set<String> sessions = byUri.computeIfAbsent(uri, u -> new HashSet<>());
        return sessions.add(session) && sessions.size() == 1;
    }

    /** Removes {@code session}; {@code true} when it was the URI's last subscriber (the upstream must be told). */
    boolean remove(String uri, String session) {
        Set<String> sessions = byUri.get(uri);
        if (sessions == null || !sessions.remove(session)) return false;
        if (!sessions.isEmpty()) return false;
        byUri.remove(uri);
        return true;
    }

    /** Every URI someone is subscribed to: what a new connection must subscribe to again. */
    List<String> uris() {
        return List.copyOf(byUri.keySet());
    }

    int size() {
        return byUri.size();
    }
}
