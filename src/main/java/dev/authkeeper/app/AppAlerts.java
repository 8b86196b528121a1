package dev.authkeeper.app;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.config.AlertConfig;

/** Operator alerts and events about the apps' client secrets, each recorded once per cause and sent at once. */
@ApplicationScoped
class AppAlerts {

    private final AppStates states;
    private final AlertOutbox outbox;
    private final AlertDelivery delivery;
    private final AlertConfig config;
    private final Clock clock;

    AppAlerts(AppStates states, AlertOutbox outbox, AlertDelivery delivery, AlertConfig config, Clock clock) {
        this.states = states;
        this.outbox = outbox;
        this.delivery = delivery;
        this.config = config;
        this.clock = clock;
    }

    /** An entry about {@code app} (stored under the app's state); {@code since} is the moment it is about. */
    Alert about(App app, AlertKind kind, AlertDetail detail, Optional<Instant> since) {
        return outbox.create(AppStates.APP_PREFIX + app.name(), kind, Optional.empty(), app.name(), Optional.empty(), detail, since,
                clock.instant()).withApp(app.name());
    }

    /**
     * An operator alert about a notification of {@code marketplace} (its id is the alert's subject,
     * so its text names the marketplace), of an app or of none (one this deployment does not serve).
     */
    Alert aboutNotification(String marketplace, Optional<App> app, String key, String detail) {
        Instant now = clock.instant();
        Alert alert = outbox.create(AppStates.NOTICE_PREFIX + key, AlertKind.APP_NOTIFICATION_REFUSED, Optional.empty(), marketplace,
                Optional.empty(), new AlertDetail.Text(detail), Optional.of(now), now);
        return app.map(a -> alert.withApp(a.name())).orElse(alert);
    }

    /** Records {@code entries} and sends them, the first time {@code key} comes up only. */
    void once(String key, List<Alert> entries) {
        Instant now = clock.instant();
        if (states.once(key, now, config.retention(), entries.stream().map(a -> outbox.record(a, false)).toList())) {
            // Time for each publish, and the moment it takes to start: what is not sent now goes with the next pass.
            delivery.deliverNow(entries, now.plus(AlertDelivery.PUBLISH_ALLOWANCE.multipliedBy(entries.size() + 1L)));
        }
    }
}
