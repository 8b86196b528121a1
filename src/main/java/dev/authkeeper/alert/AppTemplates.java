package dev.authkeeper.alert;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AppCredentialsConfig;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * The operator alerts about the apps' own credentials: rejected, expiring, aging, rotated, a
 * rotation refused, a notification refused. A marketplace may word one its own way in
 * {@code templates/alerts/<marketplace id>/<name>.txt} (Amazon's name LWA and its portals); every
 * other marketplace's alert reads the neutral {@code templates/alerts/<name>.txt}, which the build
 * checks exists.
 */
@ApplicationScoped
class AppTemplates {

    static final String CREDENTIALS_REJECTED = "app-credentials-rejected";
    static final String EXPIRING = "app-secret-expiring";
    static final String AGING = "app-secret-aging";
    static final String ROTATED = "app-secret-rotated";
    static final String ROTATION_FAILED = "app-secret-rotation-failed";
    static final String NOTIFICATION_REFUSED = "app-notification-refused";

    private final Map<String, Template> neutral;
    private final Engine engine;
    private final int maxReceives;

    AppTemplates(@Location("alerts/app-credentials-rejected.txt") Template credentialsRejected,
            @Location("alerts/app-secret-expiring.txt") Template expiring,
            @Location("alerts/app-secret-aging.txt") Template aging,
            @Location("alerts/app-secret-rotated.txt") Template rotated,
            @Location("alerts/app-secret-rotation-failed.txt") Template rotationFailed,
            @Location("alerts/app-notification-refused.txt") Template refused,
            Engine engine, AppCredentialsConfig config) {
        this.neutral = Map.of(CREDENTIALS_REJECTED, credentialsRejected, EXPIRING, expiring, AGING, aging, ROTATED, rotated,
                ROTATION_FAILED, rotationFailed, NOTIFICATION_REFUSED, refused);
        this.engine = engine;
        this.maxReceives = config.maxReceives();
    }

    /** The template {@code name} in the words of {@code marketplace}, where it has its own, else the neutral one. */
    Template of(String name, Optional<String> marketplace) {
        Template neutralOne = neutral.get(name);
        if (neutralOne == null) {
            throw new IllegalArgumentException("no operator template " + name);
        }
        return marketplace.map(id -> engine.getTemplate("alerts/" + id + "/" + name + ".txt")).orElse(neutralOne);
    }

    /** Receives of a notification before its dead-letter queue. */
    int maxReceives() {
        return maxReceives;
    }
}
