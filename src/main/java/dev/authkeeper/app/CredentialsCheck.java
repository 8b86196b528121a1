package dev.authkeeper.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.RotationRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The daily look at the client secret of every app whose marketplace lets client secrets expire
 * (its facts file's {@code clientSecret}): its age as a metric; one operator alert when it reaches
 * {@code age-alarm-days} with no rotation since; and, when {@code auto-rotate} is on, a request
 * for a new one {@code rotate-days-before} days before the marketplace's limit (Amazon: 180 days),
 * at most once a day per app (a conditional write on the app's state, so overlapping runs make one call).
 */
@ApplicationScoped
public class CredentialsCheck {

    private static final Logger LOG = Logger.getLogger(CredentialsCheck.class);

    /** What the check found for one app. */
    @RegisterForReflection
    public record AppReport(String app, Long ageDays, String expiresAt, String rotation) {
    }

    @RegisterForReflection
    public record Report(List<AppReport> apps) {
    }

    private final Apps apps;
    private final ClientSecrets secrets;
    private final AppStates states;
    private final Marketplaces marketplaces;
    private final AppMetrics metrics;
    private final AppAlerts alerts;
    private final AppCredentialsConfig config;
    private final Clock clock;

    CredentialsCheck(Apps apps, ClientSecrets secrets, AppStates states, Marketplaces marketplaces, AppMetrics metrics, AppAlerts alerts,
            AppCredentialsConfig config, Clock clock) {
        this.apps = apps;
        this.secrets = secrets;
        this.states = states;
        this.marketplaces = marketplaces;
        this.metrics = metrics;
        this.alerts = alerts;
        this.config = config;
        this.clock = clock;
    }

    public Report run() {
        var reports = new ArrayList<AppReport>();
        for (App app : apps.all()) {
            marketplaces.of(app.marketplace()).facts().clientSecret()
                    .ifPresent(rules -> reports.add(check(app, rules.rotateEvery())));
        }
        return new Report(reports);
    }

    private AppReport check(App app, Duration lifetime) {
        Instant now = clock.instant();
        ClientSecrets.Credentials credentials;
        try {
            credentials = secrets.of(app);
        } catch (ClientSecrets.Unavailable e) {
            LOG.errorf("OPERATOR: the client secret of app %s cannot be checked: %s", app.name(), e.getMessage());
            return new AppReport(app.name(), null, null, "secret unreadable");
        }
        if (credentials.currentSince().isEmpty()) {
            return new AppReport(app.name(), null, null, "fixed secret in the configuration: age unknown");
        }
        Instant since = credentials.currentSince().get();
        var state = states.read(app.name());
        Instant expires = state.secretExpiresAt().filter(at -> at.isAfter(since)).orElse(since.plus(lifetime));
        long age = Duration.between(since, now).toDays();
        long left = Duration.between(now, expires).toDays();
        metrics.emitSecretAge(app.name(), age, left, now.toEpochMilli());
        if (age >= config.ageAlarmDays()) {
            LOG.warnf("OPERATOR: the client secret of app %s is %d days old, with no rotation since %s", app.name(), age, since);
            // One alert per secret: a rotation brings a new "since".
            alerts.once("aging#" + app.name() + "#" + since.toEpochMilli(),
                    List.of(alerts.about(app, AlertKind.APP_SECRET_AGING, new AlertDetail.SecretAge(age), Optional.of(since))));
        }
        return new AppReport(app.name(), age, expires.toString(), rotate(app, state, left, now));
    }

    /** What became of rotating the secret today. */
    private String rotate(App app, AppStates.State state, long daysLeft, Instant now) {
        if (daysLeft > config.rotateDaysBefore()) {
            return "not due";
        }
        if (!config.autoRotate()) {
            return "due; automatic rotation is off";
        }
        if (state.rotation().filter(r -> r.inFlight(now)).isPresent()) {
            return "in flight";
        }
        if (!states.claimRotateRequest(app.name(), now)) {
            return "requested less than a day ago";
        }
        return switch (marketplaces.of(app.marketplace()).requestNewClientSecret(app.name())) {
            case RotationRequest.Accepted accepted -> {
                LOG.infof("Asked the marketplace for a new client secret for app %s (%d days left); it arrives by notification", app.name(), daysLeft);
                yield "requested";
            }
            case RotationRequest.Refused refused -> {
                LOG.errorf("OPERATOR: the marketplace refused a new client secret for app %s: %s", app.name(), refused.description());
                alerts.once("rotation-refused#" + app.name() + "#" + LocalDate.ofInstant(now, ZoneOffset.UTC),
                        List.of(alerts.about(app, AlertKind.APP_SECRET_ROTATION_FAILED, new AlertDetail.Text(refused.description()),
                                Optional.of(now))));
                yield "refused: " + refused.description();
            }
            case RotationRequest.Transient failure -> {
                LOG.warnf("Asking the marketplace for a new client secret for app %s failed (%s); the next daily check asks again", app.name(),
                        failure.description());
                yield "failed, tried again tomorrow: " + failure.description();
            }
        };
    }

}
