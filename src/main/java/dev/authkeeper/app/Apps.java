package dev.authkeeper.app;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.alert.AppMarketplaces;
import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The integrator's apps this deployment serves, from configuration: the settings under
 * {@code authkeeper.amazon} are the app {@code default} (so a deployment from before several apps
 * keeps working unchanged), {@code authkeeper.amazon.apps} adds other SP-API apps, and
 * {@code authkeeper.apps} adds apps of any marketplace (each entry names its marketplace). Names
 * are unique across marketplaces: a route names an app, and the app its marketplace.
 */
@ApplicationScoped
public class Apps implements AppMarketplaces {

    /** The configuration keys of a deployment from before several marketplaces, a published contract: their apps are Amazon's. */
    private static final String AMAZON_KEYS = "authkeeper.amazon";
    private static final String AMAZON_APPS = AMAZON_KEYS + ".apps";
    /** The marketplace of the apps under {@link #AMAZON_KEYS}. */
    private static final String AMAZON = "amazon";

    /** One entry of {@code authkeeper.amazon.apps} or {@code authkeeper.apps}. */
    @RegisterForReflection
    record Entry(String marketplace, String name, String applicationId, String clientId, String secretId, Boolean draft,
            List<String> regions, URI redirectUri, List<String> scopes) {
    }

    private final Map<String, App> byName;
    private final Map<String, App> byApplicationId;
    private final URI publicBaseUrl;

    public Apps(AmazonConfig amazon, AuthKeeperConfig config, MarketplaceFactsFiles marketplaces, ObjectMapper json) {
        this.publicBaseUrl = config.publicBaseUrl();
        var apps = new ArrayList<App>();
        var amazonFacts = marketplaces.load(AMAZON);
        apps.add(new App(AMAZON, App.DEFAULT, amazon.applicationId(), amazon.clientId(), amazon.draft(),
                regions(amazonFacts, amazon.regions()), amazon.redirectUri(), amazon.clientSecretId().or(config::secretsArn),
                amazon.clientSecret().map(Secret::new), List.of()));
        amazon.apps().filter(text -> !text.isBlank()).ifPresent(text -> parse(text, AMAZON_APPS, json).stream()
                .map(e -> app(e, AMAZON, amazonFacts, AMAZON_APPS)).forEach(apps::add));
        config.apps().filter(text -> !text.isBlank()).ifPresent(text -> parse(text, "authkeeper.apps", json).forEach(e -> {
            if (e.marketplace() == null) {
                throw new IllegalStateException("each app in authkeeper.apps names its marketplace, such as \"shopify\"");
            }
            apps.add(app(e, e.marketplace(), marketplaces.load(e.marketplace()), "authkeeper.apps"));
        }));
        this.byName = index(apps, App::name, "name");
        this.byApplicationId = index(apps, App::applicationId, "applicationId");
    }

    public List<App> all() {
        return List.copyOf(byName.values());
    }

    public App defaultApp() {
        return byName.get(App.DEFAULT);
    }

    public Optional<App> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The app of a name stored with a connection or a state; {@code default} when none was stored (before several apps). */
    public App of(Optional<String> stored) {
        return stored.map(name -> find(name).orElseThrow(() -> new IllegalStateException(
                "the app " + name + " is stored with a connection but no longer configured"))).orElse(defaultApp());
    }

    @Override
    public Optional<String> marketplaceOf(String app) {
        return find(app).map(App::marketplace);
    }

    @Override
    public Set<String> inUse() {
        return byName.values().stream().map(App::marketplace).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public Optional<App> byApplicationId(String applicationId) {
        return Optional.ofNullable(byApplicationId.get(applicationId));
    }

    public URI redirectUri(App app) {
        return app.redirectUri(publicBaseUrl);
    }

    /** Every app as "name → application id", for messages that tell operators what this deployment serves. */
    public String describeAll() {
        return byName.values().stream().map(a -> a.name() + " = " + a.applicationId()).collect(Collectors.joining(", "));
    }

    private static List<Entry> parse(String text, String key, ObjectMapper json) {
        try {
            return json.readValue(text, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException(key + " is not a JSON array of apps (docs: integrating, \"Several apps\")");
        }
    }

    /** An app of {@code marketplace}; its application id is the client id where the marketplace has no other. */
    private static App app(Entry e, String marketplace, MarketplaceFacts facts, String key) {
        boolean needsApplicationId = facts.hasRegions();
        if (e.name() == null || e.clientId() == null || e.secretId() == null || (needsApplicationId && e.applicationId() == null)) {
            throw new IllegalStateException("each app in " + key + " needs name, clientId and secretId"
                    + (needsApplicationId ? " and applicationId" : ""));
        }
        if (App.DEFAULT.equals(e.name()) || !App.NAME.matcher(e.name()).matches()) {
            throw new IllegalStateException("an app in " + key + " is named \"" + e.name()
                    + "\": use 1 to 32 of a-z, 0-9 and -, and not \"default\" (the app of " + AMAZON_KEYS + " itself)");
        }
        List<String> scopes = Optional.ofNullable(e.scopes()).orElse(List.of());
        if (!facts.hasRegions() && scopes.isEmpty()) {
            throw new IllegalStateException("the app " + e.name() + " in " + key + " names no scopes: a " + facts.displayName()
                    + " app asks the seller for its access scopes, such as [\"read_orders\"]");
        }
        return new App(marketplace, e.name(), Optional.ofNullable(e.applicationId()).orElse(e.clientId()), e.clientId(),
                Boolean.TRUE.equals(e.draft()), regions(facts, Optional.ofNullable(e.regions())), Optional.ofNullable(e.redirectUri()),
                Optional.of(e.secretId()), Optional.empty(), scopes);
    }

    /** The regions an app serves: those configured, else all of its marketplace's. */
    private static Set<String> regions(MarketplaceFacts facts, Optional<List<String>> configured) {
        Set<String> all = facts.regions().keySet();
        Set<String> regions = configured.filter(r -> !r.isEmpty()).<Set<String>>map(HashSet::new).orElse(all);
        if (!all.containsAll(regions)) {
            throw new IllegalStateException("an app's regions are among " + String.join(", ", all) + ", not " + regions);
        }
        return regions;
    }

    private static Map<String, App> index(List<App> apps, Function<App, String> key, String what) {
        var index = new LinkedHashMap<String, App>();
        for (App app : apps) {
            if (index.putIfAbsent(key.apply(app), app) != null) {
                throw new IllegalStateException("two apps have the same " + what + ": " + key.apply(app));
            }
        }
        return index;
    }
}
