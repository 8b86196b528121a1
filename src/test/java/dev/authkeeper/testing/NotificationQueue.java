package dev.authkeeper.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.authkeeper.local.LocalProvisioning;

/**
 * The notifications queue the simulated Amazon sends to, as a test reads it: the bodies waiting,
 * and the SQS event Lambda would build from them for the notifications function.
 */
public final class NotificationQueue {

    private final LocalAws aws;

    public NotificationQueue(LocalAws aws) {
        this.aws = aws;
    }

    /** Registers the queue with the simulated Amazon (again), as the Developer Console's Notification Preferences do. */
    public void enroll(dev.authkeeper.local.SimulatedAmazon amazon) {
        amazon.notifications(body -> {
            try (var sqs = LocalProvisioning.sqs(aws.ministackEndpoint())) {
                sqs.sendMessage(r -> r.queueUrl(aws.notificationsQueueUrl()).messageBody(body));
            }
        });
    }

    /** Every body waiting, taken off the queue, waiting a few seconds for at least {@code atLeast}. */
    public List<String> take(int atLeast) {
        var bodies = new ArrayList<String>();
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        try (var sqs = LocalProvisioning.sqs(aws.ministackEndpoint())) {
            while (true) {
                var messages = sqs.receiveMessage(r -> r.queueUrl(aws.notificationsQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(0))
                        .messages();
                for (var message : messages) {
                    bodies.add(message.body());
                    sqs.deleteMessage(r -> r.queueUrl(aws.notificationsQueueUrl()).receiptHandle(message.receiptHandle()));
                }
                if (messages.isEmpty() && (bodies.size() >= atLeast || Instant.now().isAfter(until))) {
                    return bodies;
                }
                if (messages.isEmpty()) {
                    pause();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An SQS event of these records, keyed by their message ids, as Lambda's event source mapping sends it. */
    public static Map<String, Object> event(Map<String, String> bodiesById) {
        var records = new ArrayList<Map<String, Object>>();
        bodiesById.forEach((id, body) -> {
            var record = new LinkedHashMap<String, Object>();
            record.put("messageId", id);
            record.put("receiptHandle", "AQEB" + UUID.randomUUID());
            record.put("body", body);
            record.put("attributes", Map.of("ApproximateReceiveCount", "1", "SentTimestamp", Long.toString(System.currentTimeMillis()),
                    "SenderId", "437568002678", "ApproximateFirstReceiveTimestamp", Long.toString(System.currentTimeMillis())));
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", "0");
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:authkeeper-test-notifications");
            record.put("awsRegion", "us-east-1");
            records.add(record);
        });
        return Map.of("Records", records);
    }

    /** The message ids the function reported as failed: they stay in the queue. */
    @SuppressWarnings("unchecked")
    public static List<String> failures(Map<String, Object> answer) {
        var failures = (List<Map<String, String>>) answer.getOrDefault("batchItemFailures", List.of());
        return failures.stream().map(f -> f.get("itemIdentifier")).toList();
    }
}
