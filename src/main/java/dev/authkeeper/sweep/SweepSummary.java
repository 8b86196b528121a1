package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What one sweep run did: logged as one line, emitted as metrics, returned to the caller. */
@RegisterForReflection
public record SweepSummary(
        String runId,
        int due,
        int checked,
        int valid,
        int needsReauthorization,
        int transientFailures,
        int unexpected,
        int applicationLevel,
        int reminders,
        int expiryWarnings,
        int tokensRotated,
        int superseded,
        int takenByOtherRuns,
        int errors,
        int alertsSent,
        int operatorIncidents,
        boolean stoppedEarly,
        String stopReason,
        long durationMillis) {
}
