package dev.authkeeper.amazon;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One notification Amazon delivers to the notifications queue (the SQS message body), as Amazon
 * documents it: {@code APPLICATION_OAUTH_CLIENT_NEW_SECRET} or {@code APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY}.
 * The payload stays a JSON tree until {@link AppNotifications} reads it, so a payload of an
 * unexpected shape is refused by AuthKeeper's own checks (whose messages never quote it), and
 * {@link #toString()} leaves it out: it may hold a client secret.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppNotification(
        String notificationVersion,
        String notificationType,
        String payloadVersion,
        String eventTime,
        JsonNode payload,
        Metadata notificationMetadata) {

    public static final String NEW_SECRET = "APPLICATION_OAUTH_CLIENT_NEW_SECRET";
    public static final String SECRET_EXPIRY = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY";

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Metadata(String applicationId, String subscriptionId, String publishTime, String notificationId) {
    }

    @Override
    public String toString() {
        return "AppNotification[" + notificationType + ", " + notificationMetadata + "]";
    }
}
