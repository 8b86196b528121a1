package dev.authkeeper.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where alerts and events go, and how they are grouped and kept. */
@ConfigMapping(prefix = "authkeeper.alerts")
public interface AlertConfig {

    /** SNS topic for merchants: reauthorization needed, reminders, expiry warnings, reconnected. */
    String merchantTopicArn();

    /** SNS topic for the integrator's operators: app credentials refused, LWA outage, mass rejection. */
    String operatorTopicArn();

    /** The EventBridge bus that carries status-change events to the integrator's app. */
    String eventBusName();

    /** EventBridge's endpoint, for the local emulator only; in AWS the SDK finds it. */
    Optional<URI> eventBusEndpoint();

    /** The {@code source} of every event on the bus. */
    @WithDefault("authkeeper")
    String eventSource();

    /**
     * One merchant's connections that fail within this window reach the merchant as one digest:
     * a "needs reauthorization" alert or reminder waits this long for its siblings.
     */
    @WithDefault("PT1H")
    Duration groupWindow();

    /** A publisher owns the alerts it is sending this long: far longer than one SNS call may take. */
    @WithDefault("PT2M")
    Duration publishLease();

    /** How long sent alerts and events, and history entries, are kept (DynamoDB TTL). */
    @WithDefault("P400D")
    Duration retention();
}
