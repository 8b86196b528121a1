package dev.authkeeper.sweep;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The planner's event: {@code {"kind":"sweep"}} from the schedule (an EventBridge "Scheduled Event"
 * envelope works too).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SweepRequest(String kind) {
}
