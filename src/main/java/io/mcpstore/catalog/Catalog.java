package io.mcpstore.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An immutable snapshot of every upstream's catalog; each router instance holds its own copy. */
public final class Catalog {
    public static final Catalog EMPTY = new Catalog(Map.of(), 0);

    private final Map<String, ServiceCatalog> services;
    private final long version;

    private Catalog(Map<String, ServiceCatalog> services, long version) {
        this.services = services;
        this.version = version;
    }

    public Catalog with(ServiceCatalog service) {
        Map<String, ServiceCatalog> next = new LinkedHashMap<>(services);
        next.put(service.service(), service);
        return new Catalog(Collections.unmodifiableMap(next), version + 1);
    }

    public Catalog without(String service) {
        if (!services.containsKey(service)) return this;
        Map<String, ServiceCatalog> next = new LinkedHashMap<>(services);
        next.remove(service);
        return new Catalog(Collections.unmodifiableMap(next), version + 1);
    }

    public ServiceCatalog service(String name) {
        return services.get(name);
    }

    public Map<String, ServiceCatalog> services() {
        return services;
    }

    /** Grows with every change, so views built from an older snapshot can tell they are stale. */
    public long version() {
        return version;
    }
}
