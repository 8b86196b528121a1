package dev.authkeeper.authorization;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.InvalidRequest;

/**
 * Which app a request to the marketplaces' routes is for: {@code /login} and {@code /callback} are
 * the default app's (the URIs registered before several apps keep working), {@code /login/{app}},
 * {@code /callback/{app}} and {@code /notifications/{app}} another app's. One route with an app
 * segment serves every app, so adding an app needs configuration and its URIs at the marketplace,
 * not a new route.
 */
@ApplicationScoped
public class AppRoutes {

    /** The route, last in the path (a stage name or base path may come first), and the app's name after it. */
    private static final Pattern ROUTE = Pattern.compile("(?:/.*)?/(login|callback|notifications)(?:/([a-z0-9-]{1,32}))?");

    private final Apps apps;

    public AppRoutes(Apps apps) {
        this.apps = apps;
    }

    /** The app of a request to {@code /route} or {@code /route/{app}}; a 404 page when no such app is served. */
    public App of(ApiGatewayRequest request, String route) {
        String path = request.rawPath() == null ? "/" + route : request.rawPath();
        Matcher matcher = ROUTE.matcher(path);
        if (matcher.matches() && matcher.group(1).equals(route)) {
            return matcher.group(2) == null ? apps.defaultApp()
                    : apps.find(matcher.group(2)).filter(app -> !app.isDefault()).orElseThrow(() -> unknown(matcher.group(2)));
        }
        throw new InvalidRequest(404, "This address is not one of " + route + "'s: start again from the marketplace.");
    }

    private static InvalidRequest unknown(String name) {
        return new InvalidRequest(404, "There is no app \"" + name + "\" here. If you came from a marketplace, the app's "
                + "registered URLs name an app this service does not know: its operator must fix it.");
    }
}
