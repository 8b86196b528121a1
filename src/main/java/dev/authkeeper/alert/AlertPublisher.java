package dev.authkeeper.alert;

import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AlertConfig;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes rendered alerts to the merchant or the operator SNS topic, and events to the EventBridge bus. */
@ApplicationScoped
public class AlertPublisher {

    private static final Logger LOG = Logger.getLogger(AlertPublisher.class);
    /** SNS's limit for subjects (email subscriptions use them as the subject line). */
    private static final int SUBJECT_LIMIT = 100;

    private final SnsClient sns;
    private final EventBridgeClient events;
    private final AlertConfig config;

    public AlertPublisher(SnsClient sns, EventBridgeClient events, AlertConfig config) {
        this.sns = sns;
        this.events = events;
        this.config = config;
    }

    /** The SNS message id, or empty when SNS could not be reached or refused: the alert stays pending. */
    public Optional<String> publish(AlertKind.Audience audience, AlertTexts.Message message) {
        var attributes = new HashMap<String, MessageAttributeValue>();
        message.attributes().forEach((name, value) ->
                attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        message.listAttributes().forEach((name, values) ->
                attributes.put(name, MessageAttributeValue.builder().dataType("String.Array").stringValue(jsonArray(values)).build()));
        String topic = audience == AlertKind.Audience.MERCHANT ? config.merchantTopicArn() : config.operatorTopicArn();
        try {
            String id = sns.publish(r -> r.topicArn(topic)
                    .subject(subject(message.subject()))
                    .message(message.body())
                    .messageAttributes(attributes)).messageId();
            return Optional.of(id);
        } catch (SdkException e) {
            LOG.warnf("Publishing a %s alert failed, it stays pending: %s", message.attributes().get("kind"), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** The EventBridge event id, or empty when the bus could not be reached or refused the event: it stays pending. */
    public Optional<String> publishEvent(AlertKind kind, String detailJson) {
        try {
            var result = events.putEvents(r -> r.entries(e -> e.eventBusName(config.eventBusName())
                    .source(config.eventSource())
                    .detailType(kind.detailType().orElseThrow())
                    .detail(detailJson)));
            var entry = result.entries().get(0);
            if (result.failedEntryCount() > 0 || entry.eventId() == null) {
                LOG.warnf("EventBridge refused a %s event (%s), it stays pending", kind, entry.errorCode());
                return Optional.empty();
            }
            return Optional.of(entry.eventId());
        } catch (SdkException e) {
            LOG.warnf("Publishing a %s event failed, it stays pending: %s", kind, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static String subject(String subject) {
        String ascii = subject.replaceAll("[^\\x20-\\x7e]", " ");
        return ascii.length() <= SUBJECT_LIMIT ? ascii : ascii.substring(0, SUBJECT_LIMIT);
    }
}
