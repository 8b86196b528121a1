package dev.authkeeper.app;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.crypto.Secret;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What a marketplace announces about an app's client secret, recorded the same way whichever
 * marketplace announced it: a new secret is stored as a new version of the app's Secrets Manager
 * secret (the version id derived from the announcement's id, so one announced twice makes one
 * version) and recorded as the app's rotation; an expiry is recorded with an operator alert and an
 * event; an announcement that cannot be used is told to operators once per cause. Reading and
 * proving the announcements is the marketplace room's job (Amazon's client-secret notifications).
 */
@ApplicationScoped
public class SecretRotations {

    private static final Logger LOG = Logger.getLogger(SecretRotations.class);

    /**
     * A new client secret the marketplace announced in {@code noticeId}: issued at {@code issuedAt},
     * valid until {@code expiresAt}; the one it replaces works until {@code oldValidUntil}.
     */
    public record NewSecret(String noticeId, Instant issuedAt, Instant expiresAt, Instant oldValidUntil) {
    }

    /** The new secret could not be stored. The message says why, naming the app, never a value. */
    public static final class NotStored extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        /** The kind of failure (the simple name of what was thrown): one operator alert per kind. */
        private final String failure;

        NotStored(String message, String failure) {
            super(message, null, false, false);
            this.failure = failure;
        }

        public String failure() {
            return failure;
        }
    }

    private final ClientSecrets secrets;
    private final AppStates states;
    private final AppAlerts alerts;

    SecretRotations(ClientSecrets secrets, AppStates states, AppAlerts alerts) {
        this.secrets = secrets;
        this.states = states;
        this.alerts = alerts;
    }

    /** Whether {@code announced} is recorded already, or is older than the rotation recorded: nothing to do then. */
    public boolean known(App app, NewSecret announced) {
        return states.read(app.name()).rotation()
                .filter(r -> r.notificationId().equals(announced.noticeId()) || !r.issuedAt().isBefore(announced.issuedAt()))
                .isPresent();
    }

    /**
     * Stores {@code secret} as the app's current client secret and records the rotation; tells
     * operators once that it was stored. Throws {@link NotStored} when Secrets Manager cannot take it.
     */
    public void store(App app, NewSecret announced, Secret secret) {
        String id = announced.noticeId();
        String versionId = versionId(id);
        try {
            secrets.store(app, secret, versionId);
        } catch (SdkException | ClientSecrets.Unavailable e) {
            throw new NotStored(e instanceof ClientSecrets.Unavailable ? e.getMessage()
                    : "Secrets Manager refused or did not answer (" + e.getClass().getSimpleName() + ")", e.getClass().getSimpleName());
        }
        boolean newest = states.recordRotation(app.name(),
                new AppStates.Rotation(id, announced.issuedAt(), announced.expiresAt(), announced.oldValidUntil(), versionId,
                        Optional.empty()));
        // A rotation handled at the same time may have stored its secret before this one: the newest
        // rotation recorded names the version that must be current, whichever was stored last.
        states.read(app.name()).rotation().ifPresent(latest -> secrets.makeCurrent(app, latest.versionId()));
        secrets.forget(app);
        if (!newest) {
            LOG.infof("Notice %s: a newer rotation of app %s was recorded meanwhile; its secret stays current", id, app.name());
            return;
        }
        LOG.infof("Notice %s: new client secret of app %s stored; the old one works until %s", id, app.name(), announced.oldValidUntil());
        var validity = new AlertDetail.Text("the old secret works until " + announced.oldValidUntil() + ", the new one expires "
                + announced.expiresAt());
        alerts.once("rotated#" + id, List.of(alerts.about(app, AlertKind.APP_SECRET_ROTATED, validity, Optional.of(announced.issuedAt()))));
    }

    /** The marketplace announced in {@code noticeId} that the app's client secret expires at {@code expiresAt}, for {@code reason}. */
    public void expiring(App app, String noticeId, Instant expiresAt, String reason) {
        states.recordExpiry(app.name(), expiresAt);
        LOG.warnf("OPERATOR: the marketplace says the client secret of app %s expires at %s (%s)", app.name(), expiresAt, reason);
        var announcedReason = new AlertDetail.Text(reason);
        alerts.once("expiry#" + noticeId, List.of(alerts.about(app, AlertKind.APP_SECRET_EXPIRING, announcedReason, Optional.of(expiresAt)),
                alerts.about(app, AlertKind.EVENT_APP_SECRET_EXPIRING, announcedReason, Optional.of(expiresAt))));
    }

    /**
     * Tells operators, once per {@code key}, that an announcement of {@code marketplace} (about
     * {@code app}, when it names one served here) could not be used: {@code detail} says what is
     * wrong and what to do.
     */
    public void refused(String key, String marketplace, Optional<App> app, String detail) {
        alerts.once(key, List.of(alerts.aboutNotification(marketplace, app, key, detail)));
    }

    /** The Secrets Manager version of an announced secret: the same for every delivery of it, 36 characters. */
    static String versionId(String noticeId) {
        return UUID.nameUUIDFromBytes(("authkeeper-client-secret|" + noticeId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
