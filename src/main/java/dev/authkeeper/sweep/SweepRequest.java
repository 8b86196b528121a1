package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The sweep's event: {@code {"kind":"sweep"}} from the schedule (an EventBridge "Scheduled Event"
 * envelope works too), {@code {"connection":"amazon:NA:A1…"}} to check one connection now, and an
 * optional {@code concurrency} to run gentler (or harder) than configured, e.g. while LWA throttles.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SweepRequest(String kind, String connection, Integer concurrency) {
}
