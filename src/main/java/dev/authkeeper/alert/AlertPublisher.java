package dev.authkeeper.alert;

import java.util.HashMap;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AlertConfig;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes rendered alerts to the merchant or the operator SNS topic. */
@ApplicationScoped
public class AlertPublisher {

    private static final Logger LOG = Logger.getLogger(AlertPublisher.class);
    /** SNS's limit for subjects (email subscriptions use them as the subject line). */
    private static final int SUBJECT_LIMIT = 100;

    private final SnsClient sns;
    private final AlertConfig config;

    public AlertPublisher(SnsClient sns, AlertConfig config) {
        this.sns = sns;
        this.config = config;
    }

    /** The SNS message id, or empty when SNS could not be reached or refused: the alert stays pending. */
    public Optional<String> publish(AlertKind.Audience audience, AlertTexts.Message message) {
        var attributes = new HashMap<String, MessageAttributeValue>();
        message.attributes().forEach((name, value) ->
                attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
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

    private static String subject(String subject) {
        String ascii = subject.replaceAll("[^\\x20-\\x7e]", " ");
        return ascii.length() <= SUBJECT_LIMIT ? ascii : ascii.substring(0, SUBJECT_LIMIT);
    }
}
