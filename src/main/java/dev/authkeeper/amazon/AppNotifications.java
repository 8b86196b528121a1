package dev.authkeeper.amazon;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.SecretRotations;
import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.crypto.Secret;

/**
 * What AuthKeeper does with Amazon's notifications about the apps' client secrets. A new secret
 * is handed to {@link SecretRotations} (stored as a new version of the app's Secrets Manager
 * secret, the rotation recorded in the app's state) once one grant at LWA has proved it (a secret
 * that does not work was not issued by Amazon, whoever put the message in the queue); an expiry
 * notice becomes an operator alert and an event. A notification that
 * cannot be used is never dropped: it is refused (thrown), so SQS delivers it again and finally
 * moves it to the dead-letter queue, and operators get one alert saying what to do. No message
 * here ever holds a secret.
 */
@ApplicationScoped
public class AppNotifications {

    private static final Logger LOG = Logger.getLogger(AppNotifications.class);
    private static final Set<String> PAYLOAD_VERSIONS = Set.of("2023-11-30", "1.0");
    /** Values quoted in operator alerts must look like what Amazon sends; anything else is not repeated. */
    private static final Pattern TYPE = Pattern.compile("[A-Z_]{1,64}");
    private static final Pattern APPLICATION_ID = Pattern.compile("amzn1\\.[A-Za-z0-9.-]{1,120}");
    private static final Pattern CLIENT_ID = Pattern.compile("amzn1\\.application-oa2-client\\.[A-Za-z0-9]{1,64}");
    private static final Pattern NOTIFICATION_ID = Pattern.compile("[A-Za-z0-9-]{1,128}");

    /** Thrown for a notification that is not used now; the message names no value but the app and the notification id. */
    public static final class Refused extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Apps apps;
    private final SecretRotations rotations;
    private final AppCredentialsConfig config;
    private final NewSecretProof proof;
    /** How long the old secret works after a new one is issued, when a notification does not say. */
    private final Duration oldSecretGrace;

    AppNotifications(Apps apps, SecretRotations rotations, AppCredentialsConfig config, NewSecretProof proof, AmazonCentrals centrals) {
        this.apps = apps;
        this.rotations = rotations;
        this.config = config;
        this.proof = proof;
        this.oldSecretGrace = centrals.facts().clientSecret().flatMap(rules -> rules.oldSecretGrace())
                .orElseThrow(() -> new IllegalStateException("amazon.json names no clientSecret.oldSecretGrace"));
    }

    public void handle(AppNotification notification) {
        var metadata = Optional.ofNullable(notification.notificationMetadata());
        String id = metadata.map(AppNotification.Metadata::notificationId).filter(i -> NOTIFICATION_ID.matcher(i).matches())
                .orElseThrow(() -> malformed(notification, "it has no notificationMetadata.notificationId"));
        String type = Optional.ofNullable(notification.notificationType()).filter(t -> TYPE.matcher(t).matches())
                .orElseThrow(() -> malformed(notification, "its notificationType is missing or not a type Amazon uses"));
        if (!type.equals(AppNotification.NEW_SECRET) && !type.equals(AppNotification.SECRET_EXPIRY)) {
            throw malformed(notification, "its type " + type + " is not one AuthKeeper subscribes to; subscribe this queue to "
                    + AppNotification.NEW_SECRET + " and " + AppNotification.SECRET_EXPIRY + " only");
        }
        if (!PAYLOAD_VERSIONS.contains(notification.payloadVersion())) {
            throw malformed(notification, "its payloadVersion is not one AuthKeeper reads (" + String.join(", ", PAYLOAD_VERSIONS) + ")");
        }
        String applicationId = metadata.map(AppNotification.Metadata::applicationId).filter(a -> APPLICATION_ID.matcher(a).matches())
                .orElseThrow(() -> malformed(notification, "it has no notificationMetadata.applicationId"));
        App app = apps.byApplicationId(applicationId).orElseThrow(() -> foreign(notification, id, applicationId));
        Instant eventTime = instant(notification, notification.eventTime(), "eventTime");
        if (type.equals(AppNotification.NEW_SECRET)) {
            newSecret(notification, app, id, eventTime);
        } else {
            expiry(notification, app, id);
        }
    }

    private void newSecret(AppNotification notification, App app, String id, Instant issuedAt) {
        JsonNode payload = payload(notification, "applicationOAuthClientNewSecret");
        checkClient(notification, app, payload);
        String secret = payload.path("newClientSecret").isTextual() ? payload.path("newClientSecret").asText() : "";
        if (secret.isBlank()) {
            throw malformed(notification, "its payload has no newClientSecret");
        }
        Instant newExpires = instant(notification, payload.path("newClientSecretExpiryTime").asText(null), "newClientSecretExpiryTime");
        Instant oldValidUntil = Optional.ofNullable(payload.path("oldClientSecretExpiryTime").asText(null))
                .map(text -> instant(notification, text, "oldClientSecretExpiryTime"))
                .orElse(issuedAt.plus(oldSecretGrace));
        var announced = new SecretRotations.NewSecret(id, issuedAt, newExpires, oldValidUntil);
        if (rotations.known(app, announced)) {
            LOG.infof("Notification %s (new client secret of app %s) is handled already, or older than the rotation recorded: "
                    + "nothing to do", id, app.name());
            return;
        }
        prove(app, id, new Secret(secret));
        try {
            rotations.store(app, announced, new Secret(secret));
        } catch (SecretRotations.NotStored e) {
            throw refuse("stored#" + id + "#" + e.failure(), Optional.of(app),
                    "Amazon issued app " + app.describe() + " a new client secret (notification " + id + "), and it could not be "
                            + "stored: " + e.getMessage() + ". Check that Secrets Manager is reachable and that the notifications "
                            + "function may write the app's secret. The old secret keeps working until " + oldValidUntil + ".",
                    "the new client secret of app " + app.name() + " could not be stored (notification " + id + ")");
        }
    }

    /** Refuses (the message stays queued) a secret LWA does not accept, or cannot be asked about now. */
    private void prove(App app, String id, Secret secret) {
        switch (proof.prove(app.clientId(), secret)) {
            case NewSecretProof.Outcome.Works works -> {
            }
            case NewSecretProof.Outcome.Refused refused -> throw refuse("unproven#" + id, Optional.of(app),
                    "Notification " + id + " brings app " + app.describe() + " a new client secret that LWA refuses ("
                            + refused.error() + "). Nothing was stored; the current secret is unchanged and the notification "
                            + "is tried again with each delivery. If it still fails once it reaches the dead-letter queue, it "
                            + "was probably not sent by Amazon: find out who may send to the notifications queue (only Amazon's "
                            + "account 437568002678 should).",
                    "the new client secret in notification " + id + " of app " + app.name() + " does not work at LWA: not stored");
            case NewSecretProof.Outcome.Unknown unknown -> throw refuse("unproven-later#" + id, Optional.of(app),
                    "Notification " + id + " brings app " + app.describe() + " a new client secret, which AuthKeeper tries "
                            + "once at LWA before storing it, and LWA could not be asked (" + unknown.cause() + "). The "
                            + "notification stays queued and is tried again; the current secret keeps working.",
                    "the new client secret in notification " + id + " of app " + app.name() + " could not be tried at LWA yet");
        }
    }

    private void expiry(AppNotification notification, App app, String id) {
        JsonNode payload = payload(notification, "applicationOAuthClientSecretExpiry");
        checkClient(notification, app, payload);
        Instant expires = instant(notification, payload.path("clientSecretExpiryTime").asText(null), "clientSecretExpiryTime");
        String reason = Optional.ofNullable(payload.path("clientSecretExpiryReason").asText(null)).filter(r -> TYPE.matcher(r).matches())
                .orElse("no reason given");
        rotations.expiring(app, id, expires, reason);
    }

    /** The payload's object {@code field}; a notification without it is malformed. */
    private JsonNode payload(AppNotification notification, String field) {
        JsonNode node = notification.payload() == null ? null : notification.payload().get(field);
        if (node == null || !node.isObject()) {
            throw malformed(notification, "its payload has no " + field + " object");
        }
        return node;
    }

    /** The client id a notification names must be the app's: a secret is never stored for another client. */
    private void checkClient(AppNotification notification, App app, JsonNode payload) {
        String clientId = payload.path("clientId").asText("");
        if (!clientId.equals(app.clientId())) {
            String named = CLIENT_ID.matcher(clientId).matches() ? clientId : "a value that is not a client id";
            throw refuse("client#" + notificationId(notification), Optional.of(app),
                    "A notification for app " + app.describe() + " names the LWA client " + named + ", but the app's configured "
                            + "client id is " + app.clientId() + ". Nothing was stored. Correct the app's client id in AuthKeeper's "
                            + "configuration if it changed, or check which app this queue is registered for.",
                    "a notification for app " + app.name() + " names another LWA client");
        }
    }

    private Refused foreign(AppNotification notification, String id, String applicationId) {
        String queue = config.notificationsQueueArn().map(arn -> " (" + arn + ")").orElse("");
        // One alert per foreign app, however many of its notifications arrive.
        return refuse("foreign#" + applicationId, Optional.empty(),
                "Notification " + id + " is for the app " + applicationId + ", which this AuthKeeper does not serve: it serves "
                        + apps.describeAll() + ". In the Developer Console, under the app's Notification Preferences, each app's "
                        + "client-secret notifications must go to the notifications queue of the AuthKeeper that serves it; "
                        + "this queue" + queue + " is registered for " + applicationId + ". Register the right queue for that app, "
                        + "or add the app to this AuthKeeper (README, \"Several SP-API apps\").",
                "notification " + id + " is for an app this deployment does not serve (" + applicationId + ")");
    }

    private Refused malformed(AppNotification notification, String what) {
        String id = notificationId(notification);
        return refuse("malformed#" + id + "#" + what.hashCode(), Optional.empty(),
                "A message in the notifications queue is not a notification AuthKeeper can use: " + what + "."
                        + (id.isEmpty() ? "" : " Notification id: " + id + ".")
                        + " If Amazon sent it, Amazon may have changed its format: report it; if something else sent it, "
                        + "find out what (only Amazon's account 437568002678 may send to this queue).",
                "a malformed notification: " + what);
    }

    /** Records (once per key) an operator alert saying what is wrong and what to do, sends it, and the exception to throw. */
    private Refused refuse(String key, Optional<App> app, String detail, String summary) {
        rotations.refused(key, AmazonCentrals.ID, app, detail);
        LOG.errorf("OPERATOR: %s; it stays in the queue and is delivered again", summary);
        return new Refused(summary);
    }

    private Instant instant(AppNotification notification, String text, String field) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw malformed(notification, "its " + field + " is missing or not an ISO-8601 time");
        }
    }

    private static String notificationId(AppNotification notification) {
        return Optional.ofNullable(notification.notificationMetadata()).map(AppNotification.Metadata::notificationId)
                .filter(i -> NOTIFICATION_ID.matcher(i).matches()).orElse("");
    }

}
