package dev.authkeeper.alert;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AppCredentialsConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/** The operator alerts about the apps' own client secrets: expiring, aging, rotated, refused. */
@ApplicationScoped
class AppTemplates {

    private final Template expiring;
    private final Template aging;
    private final Template rotated;
    private final Template rotationFailed;
    private final Template refused;
    private final int maxReceives;

    AppTemplates(@Location("alerts/app-secret-expiring.txt") Template expiring,
            @Location("alerts/app-secret-aging.txt") Template aging,
            @Location("alerts/app-secret-rotated.txt") Template rotated,
            @Location("alerts/app-secret-rotation-failed.txt") Template rotationFailed,
            @Location("alerts/app-notification-refused.txt") Template refused,
            AppCredentialsConfig config) {
        this.expiring = expiring;
        this.aging = aging;
        this.rotated = rotated;
        this.rotationFailed = rotationFailed;
        this.refused = refused;
        this.maxReceives = config.maxReceives();
    }

    Template expiring() {
        return expiring;
    }

    Template aging() {
        return aging;
    }

    Template rotated() {
        return rotated;
    }

    Template rotationFailed() {
        return rotationFailed;
    }

    Template refused() {
        return refused;
    }

    /** Receives of a notification before its dead-letter queue. */
    int maxReceives() {
        return maxReceives;
    }
}
