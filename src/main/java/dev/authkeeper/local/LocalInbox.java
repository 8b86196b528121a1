package dev.authkeeper.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the local run's SNS topics delivered, read from the SQS queues subscribed to them, the way
 * an integrator's own subscriber would: the SNS envelope with subject, body and attributes.
 */
public final class LocalInbox {

    public record Delivered(String topic, String subject, String body, String attributes) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String merchantQueue;
    private final String operatorQueue;
    private final List<Delivered> received = Collections.synchronizedList(new ArrayList<>());

    public LocalInbox(SqsClient sqs, String merchantQueue, String operatorQueue) {
        this.sqs = sqs;
        this.merchantQueue = merchantQueue;
        this.operatorQueue = operatorQueue;
    }

    /** Everything delivered so far, newest first. */
    public List<Delivered> all() {
        drain("merchant", merchantQueue);
        drain("operator", operatorQueue);
        var newestFirst = new ArrayList<>(received);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private void drain(String topic, String queue) {
        LocalQueues.drain(sqs, queue, message -> {
            try {
                JsonNode envelope = JSON.readTree(message.body());
                received.add(new Delivered(topic, envelope.path("Subject").asText(), envelope.path("Message").asText(),
                        envelope.path("MessageAttributes").toString()));
            } catch (IOException e) {
                received.add(new Delivered(topic, "(unreadable)", message.body(), ""));
            }
            return true;
        });
    }
}
