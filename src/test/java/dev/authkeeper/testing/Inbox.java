package dev.authkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.local.LocalInbox;
import dev.authkeeper.local.LocalProvisioning;

/** Reads back what SNS delivered to the SQS queues subscribed to the two topics. */
public final class Inbox {

    public record Message(String topic, String subject, String body, Map<String, String> attributes) {
        public String kind() {
            return attributes.get("kind");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalInbox inbox;
    private final List<Message> seen = new ArrayList<>();

    public Inbox(LocalAws aws) {
        this.inbox = new LocalInbox(LocalProvisioning.sqs(aws.ministackEndpoint()), aws.topics().merchantQueueUrl(),
                aws.topics().operatorQueueUrl());
    }

    /**
     * An inbox that has read away everything delivered so far: it shows only what comes from now on.
     * No wait: MiniStack puts what a publish delivers on the queue before the publish returns.
     */
    public static Inbox emptied(LocalAws aws) {
        new Inbox(aws).read();
        return new Inbox(aws);
    }

    /** Everything delivered so far, waiting up to a few seconds for at least {@code atLeast} messages. */
    public List<Message> await(int atLeast) {
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        while (true) {
            List<Message> all = read();
            if (all.size() >= atLeast || Instant.now().isAfter(until)) {
                return all;
            }
            pause();
        }
    }

    /** Everything delivered so far, after giving stragglers a moment (to prove nothing more comes). */
    public List<Message> settled() {
        pause();
        return read();
    }

    public List<Message> matching(Predicate<Message> filter) {
        return read().stream().filter(filter).toList();
    }

    private List<Message> read() {
        var now = inbox.all();
        // LocalInbox keeps every message it received; take only those not converted yet.
        for (int i = now.size() - seen.size() - 1; i >= 0; i--) {
            var delivered = now.get(i);
            seen.add(new Message(delivered.topic(), delivered.subject(), delivered.body(), attributes(delivered.attributes())));
        }
        return List.copyOf(seen);
    }

    private static Map<String, String> attributes(String json) {
        try {
            Map<String, Map<String, String>> raw = JSON.readValue(json, new TypeReference<>() { });
            var values = new java.util.LinkedHashMap<String, String>();
            raw.forEach((name, attribute) -> values.put(name, attribute.get("Value")));
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
