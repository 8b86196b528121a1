package dev.authkeeper.sweep;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.check.MassRejectionGuard;

/**
 * What a worker's checks leave to do once they have ended: the incidents they open or close (an
 * app's credentials, the AWS services they depend on), the guard's counts (after a sample where
 * its window is too thin to weigh), and the alerts that must go out now.
 */
@ApplicationScoped
class WorkerSettlement {

    private static final Logger LOG = Logger.getLogger(WorkerSettlement.class);

    private final Incidents incidents;
    private final MassRejectionGuard guard;
    private final ThinWindowSample sample;
    private final AlertDelivery delivery;

    WorkerSettlement(Incidents incidents, MassRejectionGuard guard, ThinWindowSample sample, AlertDelivery delivery) {
        this.incidents = incidents;
        this.guard = guard;
        this.sample = sample;
        this.delivery = delivery;
    }

    void settle(Tally tally, Instant now) {
        var interim = tally.summary(now);
        tally.refusedApps.forEach((app, error) -> record(tally, incidents.openForApp(Incidents.Kind.APP_CREDENTIALS, app, error, now), true));
        var working = new HashSet<>(tally.appsWorking);
        working.removeAll(tally.refusedApps.keySet());
        if (!working.isEmpty()) {
            record(tally, incidents.checksSucceeded(working, now), false);
        }
        record(tally, tally.dependencies.settle(incidents, interim.checked() > 0, now), true);
        sample.proveWhereThin(tally, now);
        tally.guarded.forEach((scope, counts) -> record(tally, guard.count(scope, counts, now), true));
        if (interim.unexpected() > 0) {
            LOG.warnf("OPERATOR: a marketplace answered %d check(s) in a way it does not document (first: %s); they are tried again later",
                    interim.unexpected(), tally.firstUnexpected.get());
        }
        var delivered = delivery.deliverNow(List.copyOf(tally.recorded),
                tally.deadline.plus(SweepWorker.CHECK_ALLOWANCE).plus(SweepWorker.FINISHING));
        tally.alertsSent.addAndGet(delivered.messages());
    }

    private static void record(Tally tally, List<Alert> recorded, boolean incident) {
        if (incident && !recorded.isEmpty()) {
            tally.operatorIncidents.incrementAndGet();
        }
        tally.recorded.addAll(recorded);
    }
}
