package io.mcpstore.catalog;

import io.mcpstore.config.GatewayConfig.Naming;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What one endpoint (the gateway's own, or an app's) shows: the merged lists of its available services under
 * their public names, and the way back from a public name or URI to the service that owns it.
 */
public final class CatalogView {

    /** Where a public name leads: the owning service and the name the upstream knows. */
    public record Target(String service, String name) {}

    private record TemplateRoute(Pattern pattern, String service) {}

    private final JsonArray tools = new JsonArray();
    private final JsonArray prompts = new JsonArray();
    private final JsonArray resources = new JsonArray();
    private final JsonArray resourceTemplates = new JsonArray();
    private final Map<String, Target> toolTargets = new HashMap<>();
    private final Map<String, Target> promptTargets = new HashMap<>();
    /** Public names that services which are down last published, to say which service a failed call needs. */
    private final Map<String, ServiceCatalog> offline = new HashMap<>();

    private final Map<String, String> resourceOwners = new HashMap<>();
    private final List<TemplateRoute> templateRoutes = new ArrayList<>();
    private final List<String> resourceServices = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final long catalogVersion;
    private final String separator;

    private CatalogView(long catalogVersion, String separator) {
        this.catalogVersion = catalogVersion;
        this.separator = separator;
    }

    /** Builds the view of {@code services} (in that order: the first one wins a name under naming mode never). */
    public static CatalogView build(Catalog catalog, List<String> services, Naming naming) {
        CatalogView view = new CatalogView(catalog.version(), naming.separator());
        List<ServiceCatalog> available = new ArrayList<>();
        for (String name : services) {
            ServiceCatalog sc = catalog.service(name);
            if (sc == null) {
                sc = ServiceCatalog.fromJson(new io.vertx.core.json.JsonObject().put("service", name));
            }
            if (sc.available()) {
                available.add(sc);
            } else {
                for (Object o : sc.tools()) {
                    if (o instanceof JsonObject t && t.getString("name") != null) {
                        view.offline.put(t.getString("name"), sc);
                        view.offline.put(sc.service() + naming.separator() + t.getString("name"), sc);
                    }
                }
                view.offline.put(sc.service() + naming.separator(), sc);
            }
        }
        view.addNamed("tool", available, ServiceCatalog::tools, naming, view.tools, view.toolTargets);
        view.addNamed("prompt", available, ServiceCatalog::prompts, naming, view.prompts, view.promptTargets);
        for (ServiceCatalog sc : available) view.addResources(sc);
        return view;
    }

    public long catalogVersion() {
        return catalogVersion;
    }

    public JsonArray tools() {
        return tools;
    }

    public JsonArray prompts() {
        return prompts;
    }

    public JsonArray resources() {
        return resources;
    }

    public JsonArray resourceTemplates() {
        return resourceTemplates;
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
            List<ServiceCatalog> available,
            Function<ServiceCatalog, JsonArray> items,
            Naming naming,
            JsonArray out,
            Map<String, Target> targets) {
        Map<String, Integer> counts = new HashMap<>();
        if (naming.mode() == Naming.Mode.ON_COLLISION) {
            for (ServiceCatalog sc : available) {
                for (Object o : items.apply(sc)) {
                    if (o instanceof JsonObject item && item.getString("name") != null) {
                        counts.merge(item.getString("name"), 1, Integer::sum);
                    }
                }
            }
        }
        for (ServiceCatalog sc : available) {
            for (Object o : items.apply(sc)) {
                if (!(o instanceof JsonObject item) || item.getString("name") == null) continue;
                String name = item.getString("name");
                boolean prefixed = switch (naming.mode()) {
                    case ALWAYS -> true;
                    case NEVER -> false;
                    case ON_COLLISION -> counts.getOrDefault(name, 0) > 1;
                };
                String publicName = prefixed ? sc.service() + naming.separator() + name : name;
                Target existing = targets.get(publicName);
                if (existing != null) {
                    warnings.add(kind + " '" + publicName + "' of service '" + sc.service() + "' is hidden: service '"
                            + existing.service() + "' already exposes that name (naming mode "
                            + naming.mode().id() + ")");
                    continue;
                }
                targets.put(publicName, new Target(sc.service(), name));
                out.add(prefixed ? rename(item, publicName) : item);
            }
        }
    }

    private void addResources(ServiceCatalog sc) {
        if (!sc.resources().isEmpty() || !sc.resourceTemplates().isEmpty()) resourceServices.add(sc.service());
        for (Object o : sc.resources()) {
            if (!(o instanceof JsonObject r) || r.getString("uri") == null) continue;
            String previous = resourceOwners.putIfAbsent(r.getString("uri"), sc.service());
            if (previous != null) {
                warnings.add("resource '" + r.getString("uri") + "' of service '" + sc.service()
                        + "' is hidden: service '" + previous + "' already lists it");
                continue;
            }
            resources.add(r);
        }
        for (Object o : sc.resourceTemplates()) {
            if (!(o instanceof JsonObject t) || t.getString("uriTemplate") == null) continue;
            templateRoutes.add(new TemplateRoute(UriTemplates.pattern(t.getString("uriTemplate")), sc.service()));
            resourceTemplates.add(t);
        }
    }

    private static JsonObject rename(JsonObject item, String publicName) {
        // A shallow copy: schemas are shared, read-only, and can be large.
        return new JsonObject(new LinkedHashMap<>(item.getMap())).put("name", publicName);
    }
}
