package io.mcpstore.catalog;

import io.mcpstore.config.GatewayConfig.Naming;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What one endpoint (the gateway's own, or an app's) shows: the merged lists of its available services under
 * their public names, pages of them ready to send, and the way back from a public name or URI to the service that
 * owns it. Built in one pass over the endpoint's items, reusing each service's renamed and encoded items from the
 * catalog (see {@link ServiceItems}).
 */
public final class CatalogView {

    /** Where a public name leads: the owning service and the name the upstream knows. */
    public record Target(String service, String name) {}

    /** The lists an endpoint pages through, by the field that holds them in a list result. */
    public enum Kind {
        TOOLS("tools"),
        PROMPTS("prompts"),
        RESOURCES("resources"),
        RESOURCE_TEMPLATES("resourceTemplates");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * One merged list: its items in order, the form each one comes from (which holds its encoded JSON), and the pages
     * of it that clients asked for, kept until the view is replaced.
     */
    private static final class Listing implements Page.EncodedItems {
        final List<Object> items = new ArrayList<>();
        final List<ServiceItems.Form> forms = new ArrayList<>();
        int[] index = new int[16];
        /** By first and last item; the dispatcher's page size is fixed for a view's life, so it holds the list once. */
        final Map<Long, EncodedJson> pages = new ConcurrentHashMap<>();

        @Override
        public EncodedJson page(int from, int to) {
            return pages.computeIfAbsent(((long) from << 32) | to, k -> Page.array(this, from, to));
        }

        void add(ServiceItems.Form form, int i) {
            if (forms.size() == index.length) index = Arrays.copyOf(index, index.length * 2);
            index[forms.size()] = i;
            forms.add(form);
            items.add(form.item(i));
        }

        @Override
        public int size() {
            return forms.size();
        }

        @Override
        public int length(int k) {
            return forms.get(k).length(index[k]);
        }

        @Override
        public int copy(int k, byte[] to, int at) {
            return forms.get(k).copy(index[k], to, at);
        }
    }

    private record TemplateRoute(Pattern pattern, String service) {}

    private final Listing tools = new Listing();
    /**
     * The tools lists of principals limited by tool patterns, by their patterns: made when first asked for, kept
     * as long as the view (and bounded, see {@link #MAX_FILTERED}).
     */
    private final Map<Object, Listing> filteredTools = new ConcurrentHashMap<>();

    private static final int MAX_FILTERED = 256;
    private final Listing prompts = new Listing();
    private final Listing resources = new Listing();
    private final Listing resourceTemplates = new Listing();
    private final Map<String, Target> toolTargets = new HashMap<>();
    private final Map<String, Target> promptTargets = new HashMap<>();
    /** Public names that services which are down last published, to say which service a failed call needs. */
    private final Map<String, ServiceCatalog> offline = new HashMap<>();

    private final Map<String, String> resourceOwners = new HashMap<>();
    private final List<TemplateRoute> templateRoutes = new ArrayList<>();
    private final List<String> resourceServices = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> services;
    private final long catalogVersion;
    private final String separator;

    private CatalogView(long catalogVersion, String separator, List<String> services) {
        this.catalogVersion = catalogVersion;
        this.separator = separator;
        this.services = new HashSet<>(services);
    }

    /** Builds the view of {@code services} (in that order: the first one wins a name under naming mode never). */
    public static CatalogView build(Catalog catalog, List<String> services, Naming naming) {
        CatalogView view = new CatalogView(catalog.version(), naming.separator(), services);
        List<Catalog.Entry> available = new ArrayList<>();
        for (String name : services) {
            Catalog.Entry entry = catalog.entry(name);
            if (entry == null) {
                entry = Catalog.Entry.of(ServiceCatalog.fromJson(new JsonObject().put("service", name)));
            }
            ServiceCatalog sc = entry.catalog();
            if (sc.available()) {
                available.add(entry);
            } else {
                ServiceItems last = entry.tools();
                for (int i = 0; i < last.size(); i++) {
                    view.offline.put(last.name(i), sc);
                    view.offline.put(sc.service() + naming.separator() + last.name(i), sc);
                }
                view.offline.put(sc.service() + naming.separator(), sc);
            }
        }
        view.addNamed("tool", available, Catalog.Entry::tools, naming, view.tools, view.toolTargets);
        view.addNamed("prompt", available, Catalog.Entry::prompts, naming, view.prompts, view.promptTargets);
        for (Catalog.Entry entry : available) view.addResources(entry);
        return view;
    }

    public long catalogVersion() {
        return catalogVersion;
    }

    /** Whether this view shows {@code service}: a change of any other service leaves it as it is. */
    public boolean covers(String service) {
        return services.contains(service);
    }

    public JsonArray tools() {
        return new JsonArray(tools.items);
    }

    public JsonArray prompts() {
        return new JsonArray(prompts.items);
    }

    public JsonArray resources() {
        return new JsonArray(resources.items);
    }

    public JsonArray resourceTemplates() {
        return new JsonArray(resourceTemplates.items);
    }

    /**
     * The page of the {@code kind} list that {@code cursor} points at, as an MCP list result whose list is already
     * encoded JSON (see {@link Page#encoded}). Throws an invalid-params {@code McpException} for a cursor that is not
     * one of ours.
     */
    public JsonObject page(Kind kind, String cursor, int pageSize) {
        return Page.encoded(kind.field(), listing(kind), cursor, pageSize);
    }

    /**
     * A page of the tools list with only the tools {@code allowed} admits (by public name), for callers limited to
     * some tools; {@code key} names the filter (equal keys, equal filters), so that its pages are made once.
     */
    public JsonObject toolsPage(Object key, Predicate<String> allowed, String cursor, int pageSize) {
        Listing listing = filteredTools.get(key);
        if (listing == null) {
            listing = new Listing();
            for (int k = 0; k < tools.size(); k++) {
                ServiceItems.Form form = tools.forms.get(k);
                if (allowed.test(form.name(tools.index[k]))) listing.add(form, tools.index[k]);
            }
            // Many different filters at once: start over rather than hold them all.
            if (filteredTools.size() >= MAX_FILTERED) filteredTools.clear();
            filteredTools.put(key, listing);
        }
        return Page.encoded(Kind.TOOLS.field(), listing, cursor, pageSize);
    }

    private Listing listing(Kind kind) {
        return switch (kind) {
            case TOOLS -> tools;
            case PROMPTS -> prompts;
            case RESOURCES -> resources;
            case RESOURCE_TEMPLATES -> resourceTemplates;
        };
    }

    /** Collisions and other reasons a name is hidden, each naming the services involved. */
    public List<String> warnings() {
        return warnings;
    }

    public Target tool(String publicName) {
        return toolTargets.get(publicName);
    }

    /**
     * The service that is down and would serve {@code publicName}: one that last listed it, or whose name (with
     * the separator) it starts with. {@code null} when no unavailable service claims it.
     */
    public ServiceCatalog unavailableOwner(String publicName) {
        ServiceCatalog sc = offline.get(publicName);
        if (sc != null) return sc;
        for (Map.Entry<String, ServiceCatalog> e : offline.entrySet()) {
            if (e.getKey().endsWith(separator) && publicName.startsWith(e.getKey())) return e.getValue();
        }
        return null;
    }

    public Target prompt(String publicName) {
        return promptTargets.get(publicName);
    }

    /**
     * The service that serves {@code uri}: the one that listed it, else the one whose template matches it, else
     * the only service with resources at all. {@code null} when nobody can.
     */
    public String resourceOwner(String uri) {
        String owner = resourceOwners.get(uri);
        if (owner != null) return owner;
        for (TemplateRoute route : templateRoutes) {
            if (route.pattern().matcher(uri).matches()) return route.service();
        }
        return resourceServices.size() == 1 ? resourceServices.get(0) : null;
    }

    private void addNamed(
            String kind,
            List<Catalog.Entry> available,
            Function<Catalog.Entry, ServiceItems> items,
            Naming naming,
            Listing out,
            Map<String, Target> targets) {
        Map<String, Integer> counts = new HashMap<>();
        if (naming.mode() == Naming.Mode.ON_COLLISION) {
            for (Catalog.Entry entry : available) {
                ServiceItems si = items.apply(entry);
                for (int i = 0; i < si.size(); i++) counts.merge(si.name(i), 1, Integer::sum);
            }
        }
        for (Catalog.Entry entry : available) {
            ServiceItems si = items.apply(entry);
            String service = entry.catalog().service();
            ServiceItems.Form prefixed = null;
            for (int i = 0; i < si.size(); i++) {
                String name = si.name(i);
                boolean rename = switch (naming.mode()) {
                    case ALWAYS -> true;
                    case NEVER -> false;
                    case ON_COLLISION -> counts.getOrDefault(name, 0) > 1;
                };
                if (rename && prefixed == null) prefixed = si.prefixed(naming.separator());
                ServiceItems.Form form = rename ? prefixed : si.plain();
                String publicName = form.name(i);
                Target existing = targets.putIfAbsent(publicName, new Target(service, name));
                if (existing != null) {
                    warnings.add(kind + " '" + publicName + "' of service '" + service + "' is hidden: service '"
                            + existing.service() + "' already exposes that name (naming mode "
                            + naming.mode().id() + ")");
                    continue;
                }
                out.add(form, i);
            }
        }
    }

    private void addResources(Catalog.Entry entry) {
        String service = entry.catalog().service();
        ServiceItems listed = entry.resources();
        ServiceItems templates = entry.resourceTemplates();
        if (!entry.catalog().resources().isEmpty()
                || !entry.catalog().resourceTemplates().isEmpty()) {
            resourceServices.add(service);
        }
        for (int i = 0; i < listed.size(); i++) {
            String uri = listed.name(i);
            String previous = resourceOwners.putIfAbsent(uri, service);
            if (previous != null) {
                warnings.add("resource '" + uri + "' of service '" + service + "' is hidden: service '" + previous
                        + "' already lists it");
                continue;
            }
            resources.add(listed.plain(), i);
        }
        for (int i = 0; i < templates.size(); i++) {
            templateRoutes.add(new TemplateRoute(UriTemplates.pattern(templates.name(i)), service));
            resourceTemplates.add(templates.plain(), i);
        }
    }
}
