package dev.authkeeper.local;

import java.io.IOException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.amazon.AppNotification;
import dev.authkeeper.amazon.AppNotifications;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local stand-in for the notifications function's SQS trigger: takes Amazon's (simulated)
 * notifications off the local queue and hands each to {@link AppNotifications}; a message it
 * refuses stays in the queue and comes back after its visibility timeout, as in a deployment.
 */
public final class LocalNotifications {

    private static final Logger LOG = Logger.getLogger(LocalNotifications.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final AppNotifications notifications;
    private final ObjectMapper json;

    public LocalNotifications(SqsClient sqs, String queueUrl, AppNotifications notifications, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.notifications = notifications;
        this.json = json;
    }

    /** Handles every message waiting; how many were handled and deleted. */
    public int drain() {
        return LocalQueues.drain(sqs, queueUrl, message -> {
            try {
                notifications.handle(json.readValue(message.body(), AppNotification.class));
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("Notification message %s not handled (%s): it comes back after its visibility timeout", message.messageId(),
                        e.getClass().getSimpleName());
                return false;
            }
        });
    }
}
