package dev.authkeeper.api;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.MassRejectionGuard;

/**
 * Records what a mint's refresh grant came to, exactly as the sweep records a check, and delivers
 * the alerts and events that recorded at once.
 */
@ApplicationScoped
public class MintRecording {

    private final CheckRecorder recorder;
    private final MassRejectionGuard guard;
    private final Incidents incidents;
    private final AlertDelivery delivery;
    private final Clock clock;

    public MintRecording(CheckRecorder recorder, MassRejectionGuard guard, Incidents incidents, AlertDelivery delivery, Clock clock) {
        this.recorder = recorder;
        this.guard = guard;
        this.incidents = incidents;
        this.delivery = delivery;
        this.clock = clock;
    }

    CheckRecorder.Recorded record(CheckedConnection connection, CheckOutcome outcome) {
        if (outcome instanceof CheckOutcome.Revoked) {
            // Weighed as the sweep's rejections are, before it is recorded: the request that shows an app's grants refused
            // en masse holds its own alert, and the ones before it are held before they go out.
            deliver(guard.count(MassRejectionGuard.Scope.of(connection), new MassRejectionGuard.Counts(1, 1), clock.instant()));
        }
        var recorded = recorder.record(connection, outcome);
        deliver(recorded.entries());
        return recorded;
    }

    /** The marketplace refused the app's own credentials: the incident opened, its alert sent. */
    void credentialsBroken(String error, Instant now) {
        deliver(incidents.open(Incidents.Kind.APP_CREDENTIALS, error, now));
    }

    private void deliver(List<Alert> recorded) {
        if (!recorded.isEmpty()) {
            delivery.deliverNow(recorded);
        }
    }
}
