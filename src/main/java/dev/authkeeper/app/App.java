package dev.authkeeper.app;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.authkeeper.crypto.Secret;

/**
 * One of the integrator's apps this deployment serves: the marketplace it is registered with, its
 * registration there and where its client secret lives. The app {@code default} answers
 * {@code /login} and {@code /callback}; every other app answers {@code /login/{name}} and
 * {@code /callback/{name}}, so an app's name is unique across marketplaces and a route names both.
 *
 * @param marketplace      the id of the marketplace's facts, such as {@code amazon}
 * @param regions          the SP-API regions (NA, EU, FE) whose Seller and Vendor Central it serves
 * @param redirectUri      one of its registered OAuth redirect URIs, when not its own callback route
 * @param secretId         the Secrets Manager secret whose {@code clientSecret} is its LWA client secret
 * @param configuredSecret a fixed client secret instead (the local run and tests only)
 * @param scopes           the access scopes it asks for where the marketplace takes them in the authorize request (Shopify)
 */
public record App(String marketplace, String name, String applicationId, String clientId, boolean draft, Set<String> regions,
        Optional<URI> redirectUri, Optional<String> secretId, Optional<Secret> configuredSecret, List<String> scopes) {

    public static final String DEFAULT = "default";
    /** What an app's name may be: it appears in paths, item keys and metric dimensions. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    public App {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an app's name is 1 to 32 of a-z, 0-9 and -");
        }
        regions = Set.copyOf(regions);
        scopes = List.copyOf(scopes);
    }

    public boolean isDefault() {
        return DEFAULT.equals(name);
    }

    /** Its Login URI's path. */
    public String loginPath() {
        return isDefault() ? "/login" : "/login/" + name;
    }

    /** Its own callback route's path. */
    public String callbackPath() {
        return isDefault() ? "/callback" : "/callback/" + name;
    }

    /** The redirect URI the code exchange names: the configured one, or its callback route. */
    public URI redirectUri(URI publicBaseUrl) {
        return redirectUri.orElse(URI.create(publicBaseUrl + callbackPath()));
    }

    public boolean serves(String region) {
        return regions.contains(region);
    }

    /** The name as Amazon's notifications and alerts show it: the name and the application id. */
    public String describe() {
        return name + " (" + applicationId + ")";
    }
}
