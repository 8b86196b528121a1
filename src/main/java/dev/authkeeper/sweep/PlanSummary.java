package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What one planner run did: units handed out, alerts delivered, the guard's work, migration. */
@RegisterForReflection
public record PlanSummary(String runId, int units, int roundUnits, int dueShards, int alertsSent, int operatorIncidents, int held,
        int migrated, boolean migrationDone, long durationMillis) {
}
