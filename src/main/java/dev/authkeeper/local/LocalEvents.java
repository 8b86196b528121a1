package dev.authkeeper.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the event bus delivered, read from the SQS queue a rule on the bus targets: the way an
 * integrator's own rule would see each event (the EventBridge envelope with its detail).
 */
public final class LocalEvents {

    public record Delivered(String detailType, String source, JsonNode detail, String envelope) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queue;
    private final List<Delivered> received = Collections.synchronizedList(new ArrayList<>());

    public LocalEvents(SqsClient sqs, String queue) {
        this.sqs = sqs;
        this.queue = queue;
    }

    /** Everything delivered so far, oldest first. */
    public List<Delivered> all() {
        LocalQueues.drain(sqs, queue, message -> {
            try {
                JsonNode envelope = JSON.readTree(message.body());
                received.add(new Delivered(envelope.path("detail-type").asText(), envelope.path("source").asText(),
                        envelope.path("detail"), message.body()));
            } catch (IOException e) {
                received.add(new Delivered("(unreadable)", "", JSON.createObjectNode(), message.body()));
            }
            return true;
        });
        return List.copyOf(received);
    }
}
