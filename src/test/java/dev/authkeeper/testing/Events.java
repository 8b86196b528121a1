package dev.authkeeper.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.authkeeper.local.LocalEvents;
import dev.authkeeper.local.LocalProvisioning;

/**
 * Reads back what the event bus delivered to the SQS queue a rule on it targets; every event read
 * must satisfy the published JSON Schema.
 */
public final class Events {

    private final LocalEvents events;

    public Events(LocalAws aws) {
        this.events = new LocalEvents(LocalProvisioning.sqs(aws.ministackEndpoint()), aws.eventsQueueUrl());
    }

    /**
     * A reader that has read away everything delivered so far: it shows only what comes from now on.
     * No wait: MiniStack puts what a publish delivers on the queue before the publish returns.
     */
    public static Events emptied(LocalAws aws) {
        new Events(aws).events.all();
        return new Events(aws);
    }

    /** Everything delivered so far, waiting up to a few seconds for at least {@code atLeast}. */
    public List<LocalEvents.Delivered> await(int atLeast) {
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        while (true) {
            var all = valid(events.all());
            if (all.size() >= atLeast || Instant.now().isAfter(until)) {
                return all;
            }
            pause();
        }
    }

    /** The first event delivered that matches, waiting up to a few seconds for it. */
    public java.util.Optional<LocalEvents.Delivered> await(java.util.function.Predicate<LocalEvents.Delivered> matching) {
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        while (true) {
            var found = valid(events.all()).stream().filter(matching).findFirst();
            if (found.isPresent() || Instant.now().isAfter(until)) {
                return found;
            }
            pause();
        }
    }

    /** Everything delivered, after giving stragglers a moment (to prove nothing more comes). */
    public List<LocalEvents.Delivered> settled() {
        pause();
        return valid(events.all());
    }

    private static List<LocalEvents.Delivered> valid(List<LocalEvents.Delivered> delivered) {
        delivered.forEach(event -> EventSchema.requireValid(event.detail()));
        return delivered;
    }

    public List<String> types() {
        return settled().stream().map(e -> e.detail().path("type").asText()).toList();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
