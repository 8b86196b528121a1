package dev.authkeeper.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where alerts go. */
@ConfigMapping(prefix = "authkeeper.alerts")
public interface AlertConfig {

    /** SNS topic for merchants: reauthorization needed, reminders, expiry warnings, reconnected. */
    String merchantTopicArn();

    /** SNS topic for the integrator's operators: app credentials refused, LWA outage. */
    String operatorTopicArn();

    /** A publish in progress owns its alert this long; after that another run may send it. */
    @WithDefault("PT5M")
    Duration publishLease();
}
