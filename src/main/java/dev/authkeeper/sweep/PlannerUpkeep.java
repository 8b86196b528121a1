package dev.authkeeper.sweep;

import java.time.Instant;
import java.util.ArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.check.MassRejectionGuard;

/**
 * What a planner run does besides handing out work: the mass-rejection guard, the move of old
 * connections into the round, and the delivery of alerts whose time has come.
 */
@ApplicationScoped
class PlannerUpkeep {

    /** What the upkeep did: the guard's incident (0 or 1) and the alerts it held, the migration's pass, the messages sent. */
    record Done(int operatorIncidents, int held, LegacyMigration.Pass migration, int alertsSent) {
    }

    private final MassRejectionGuard guard;
    private final LegacyMigration migration;
    private final AlertDelivery delivery;

    PlannerUpkeep(MassRejectionGuard guard, LegacyMigration migration, AlertDelivery delivery) {
        this.guard = guard;
        this.migration = migration;
        this.delivery = delivery;
    }

    Done run(Instant started, Instant deadline) {
        var recorded = new ArrayList<Alert>(guard.evaluate(started));
        int operatorIncidents = recorded.isEmpty() ? 0 : 1;
        int held = guard.holdPending(deadline.minus(SweepWorker.FINISHING));
        var migrated = migration.run(deadline.minus(SweepWorker.FINISHING));
        var delivered = delivery.deliverNow(recorded, deadline).plus(delivery.deliverDue(deadline));
        return new Done(operatorIncidents, held, migrated, delivered.messages());
    }
}
