package dev.authkeeper.app;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.Secret;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The SP-API apps this deployment serves, from configuration: the settings under
 * {@code authkeeper.amazon} are the app {@code default} (so a deployment from before several apps
 * keeps working unchanged), {@code authkeeper.amazon.apps} adds the others.
 */
@ApplicationScoped
public class Apps {

    /** One entry of {@code authkeeper.amazon.apps}. */
    @RegisterForReflection
    record Entry(String name, String applicationId, String clientId, String secretId, Boolean draft, List<String> regions,
            URI redirectUri) {
    }

    /** The marketplace of the apps under {@code authkeeper.amazon}. */
    private static final String AMAZON = "amazon";

    private final Map<String, App> byName;
    private final Map<String, App> byApplicationId;
    private final URI publicBaseUrl;

    public Apps(AmazonConfig amazon, AuthKeeperConfig config, ObjectMapper json) {
        this.publicBaseUrl = config.publicBaseUrl();
        var apps = new ArrayList<App>();
        apps.add(new App(AMAZON, App.DEFAULT, amazon.applicationId(), amazon.clientId(), amazon.draft(), regions(amazon.regions()),
                amazon.redirectUri(), amazon.clientSecretId().or(config::secretsArn), amazon.clientSecret().map(Secret::new)));
        amazon.apps().filter(text -> !text.isBlank()).ifPresent(text -> apps.addAll(parse(text, json)));
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

    private static List<App> parse(String text, ObjectMapper json) {
        List<Entry> entries;
        try {
            entries = json.readValue(text, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException("authkeeper.amazon.apps is not a JSON array of apps (README, \"Several SP-API apps\")");
        }
        return entries.stream().map(Apps::app).toList();
    }

    private static App app(Entry e) {
        if (e.name() == null || e.applicationId() == null || e.clientId() == null || e.secretId() == null) {
            throw new IllegalStateException("each app in authkeeper.amazon.apps needs name, applicationId, clientId and secretId");
        }
        if (App.DEFAULT.equals(e.name()) || !App.NAME.matcher(e.name()).matches()) {
            throw new IllegalStateException("an app in authkeeper.amazon.apps is named \"" + e.name()
                    + "\": use 1 to 32 of a-z, 0-9 and -, and not \"default\" (the app of authkeeper.amazon itself)");
        }
        return new App(AMAZON, e.name(), e.applicationId(), e.clientId(), Boolean.TRUE.equals(e.draft()),
                regions(Optional.ofNullable(e.regions())), Optional.ofNullable(e.redirectUri()), Optional.of(e.secretId()), Optional.empty());
    }

    private static Set<String> regions(Optional<List<String>> configured) {
        Set<String> regions = configured.filter(r -> !r.isEmpty()).<Set<String>>map(HashSet::new).orElse(App.ALL_REGIONS);
        if (!App.ALL_REGIONS.containsAll(regions)) {
            throw new IllegalStateException("an app's regions are among NA, EU and FE, not " + regions);
        }
        return regions;
    }

    private static Map<String, App> index(List<App> apps, java.util.function.Function<App, String> key, String what) {
        var index = new LinkedHashMap<String, App>();
        for (App app : apps) {
            if (index.putIfAbsent(key.apply(app), app) != null) {
                throw new IllegalStateException("two apps have the same " + what + ": " + key.apply(app));
            }
        }
        return index;
    }
}
