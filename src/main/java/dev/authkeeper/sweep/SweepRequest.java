package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The planner's event: {@code {"kind":"sweep"}} from the schedule (an EventBridge "Scheduled Event"
 * envelope works too).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SweepRequest(String kind) {
}
