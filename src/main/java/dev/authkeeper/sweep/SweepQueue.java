package dev.authkeeper.sweep;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.SweepConfig;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Hands units of work to the workers: one SQS message each, sent ten at a time. */
@ApplicationScoped
class SweepQueue {

    private static final int BATCH = 10;

    private final SqsClient sqs;
    private final SweepConfig config;
    private final ObjectMapper json;

    SweepQueue(SqsClient sqs, SweepConfig config, ObjectMapper json) {
        this.sqs = sqs;
        this.config = config;
        this.json = json;
    }

    void send(List<SweepUnit> units) {
        String queue = config.queueUrl().orElseThrow(() -> new IllegalStateException("authkeeper.sweep.queue-url is not set"));
        for (int from = 0; from < units.size(); from += BATCH) {
            var entries = new ArrayList<SendMessageBatchRequestEntry>();
            var batch = units.subList(from, Math.min(units.size(), from + BATCH));
            for (int i = 0; i < batch.size(); i++) {
                String body = body(batch.get(i));
                String id = Integer.toString(i);
                entries.add(SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build());
            }
            var result = sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
            if (!result.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused " + result.failed().size() + " unit(s) of the sweep: "
                        + result.failed().get(0).code());
            }
        }
    }

    private String body(SweepUnit unit) {
        try {
            return json.writeValueAsString(unit);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a unit is a plain record", e);
        }
    }
}
