package io.mcpstore.catalog;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable snapshot of every upstream's catalog; each router instance holds its own copy. A change copies only
 * the small bucket that holds the changed service (the others are shared with the previous snapshot), so the
 * thousand catalog changes of a start-up with a thousand services cost a thousand small copies, not a million
 * entries.
 */
public final class Catalog {
    private static final int BUCKETS = 64;

    /** One service's catalog and its lists in the form views use; shared by every snapshot it is part of. */
    record Entry(
            ServiceCatalog catalog,
            ServiceItems tools,
            ServiceItems prompts,
            ServiceItems resources,
            ServiceItems resourceTemplates) {

        static Entry of(ServiceCatalog sc) {
            return new Entry(
                    sc,
                    ServiceItems.of(sc.service(), sc.tools(), "name"),
                    ServiceItems.of(sc.service(), sc.prompts(), "name"),
                    ServiceItems.of(sc.service(), sc.resources(), "uri"),
                    ServiceItems.of(sc.service(), sc.resourceTemplates(), "uriTemplate"));
        }
    }

    public static final Catalog EMPTY = empty();

    private final Map<String, Entry>[] buckets;
    private final long version;

    private Catalog(Map<String, Entry>[] buckets, long version) {
        this.buckets = buckets;
        this.version = version;
    }

    @SuppressWarnings("unchecked")
    private static Catalog empty() {
        Map<String, Entry>[] buckets = new Map[BUCKETS];
        Arrays.fill(buckets, Map.of());
        return new Catalog(buckets, 0);
    }

    public Catalog with(ServiceCatalog service) {
        return with(service.service(), Entry.of(service));
    }

    public Catalog without(String service) {
        if (entry(service) == null) return this;
        return with(service, null);
    }

    private Catalog with(String service, Entry entry) {
        int b = bucket(service);
        Map<String, Entry> bucket = new HashMap<>(buckets[b]);
        if (entry == null) {
            bucket.remove(service);
        } else {
            bucket.put(service, entry);
        }
        Map<String, Entry>[] next = buckets.clone();
        next[b] = Collections.unmodifiableMap(bucket);
        return new Catalog(next, version + 1);
    }

    public ServiceCatalog service(String name) {
        Entry e = entry(name);
        return e == null ? null : e.catalog();
    }

    Entry entry(String name) {
        return buckets[bucket(name)].get(name);
    }

    /** Every service's catalog, by name (built on each call: for listings, not for lookups). */
    public Map<String, ServiceCatalog> services() {
        Map<String, ServiceCatalog> all = new HashMap<>();
        for (Map<String, Entry> bucket : buckets) bucket.forEach((name, e) -> all.put(name, e.catalog()));
        return Collections.unmodifiableMap(all);
    }

    /** Grows with every change, so views built from an older snapshot can tell they are stale. */
    public long version() {
        return version;
    }

    private static int bucket(String service) {
        return Math.floorMod(service.hashCode() ^ (service.hashCode() >>> 16), BUCKETS);
    }
}
