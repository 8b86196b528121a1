package dev.authkeeper.sweep;

import java.time.Instant;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.aws.FailedCall;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckStore;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.ConnectionProof;
import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * Proves and records one connection for a worker, counting what it found in the worker's tally;
 * whatever goes wrong is logged with the connection and counted, and the rest go on.
 */
@ApplicationScoped
class ConnectionChecks {

    private static final Logger LOG = Logger.getLogger(ConnectionChecks.class);
    private static final int PROGRESS_EVERY = 1000;
    /** What a connection's {@code lastCheckError} says when its sealed token does not open. */
    static final String TOKEN_UNOPENABLE = "the stored token does not open";

    private final CheckStore store;
    private final ConnectionProof proof;
    private final CheckRecorder recorder;
    private final SweepConfig config;

    ConnectionChecks(CheckStore store, ConnectionProof proof, CheckRecorder recorder, SweepConfig config) {
        this.store = store;
        this.proof = proof;
        this.recorder = recorder;
        this.config = config;
    }

    /** Room for the worker's checks to run at once. */
    ChecksInFlight inFlight(Tally tally) {
        return new ChecksInFlight(tally, config.concurrency());
    }

    /** Checks the stored connection, if there is one: what support asks for. */
    void checkStored(Tally tally, ConnectionId id) {
        store.read(TableLayout.connectionKey(id)).ifPresent(c -> {
            tally.examined.incrementAndGet();
            check(tally, id.value(), () -> c);
        });
    }

    void check(Tally tally, String name, Supplier<CheckedConnection> read) {
        CheckedConnection connection = null;
        try {
            connection = read.get();
            String app = connection.app();
            Instant deadline = tally.deadline.plus(SweepWorker.CHECK_ALLOWANCE);
            String refused = tally.refusedApps.get(app);
            CheckOutcome outcome = refused != null ? new CheckOutcome.AppCredentialsBroken(refused)
                    : proof.prove(connection, deadline, () -> tally.refusedApps.containsKey(app));
            if (outcome instanceof CheckOutcome.AppCredentialsBroken broken && tally.refusedApps.putIfAbsent(app, broken.error()) == null) {
                LOG.errorf("OPERATOR: the marketplace refused the credentials of app %s (%s); this worker stops calling it for the app's connections",
                        app, broken.error());
            }
            if (outcome instanceof CheckOutcome.Unexpected unexpected) {
                tally.firstUnexpected.compareAndSet(null, unexpected.description());
            }
            var recorded = recorder.record(connection, outcome);
            tally.guard(MassRejectionGuard.Scope.of(connection), recorded.result());
            if (recorded.result() == CheckRecorder.Result.VALID || recorded.result() == CheckRecorder.Result.RECOVERED) {
                tally.appsWorking.add(app);
            }
            tally.add(recorded);
        } catch (RuntimeException e) {
            tally.errors.incrementAndGet();
            String kind = notChecked(tally, name, e);
            if (connection != null) {
                remember(connection, kind);
            }
        }
        int checked = tally.checked();
        if (checked % PROGRESS_EVERY == 0) {
            LOG.infof("Sweep %s (%s): %d checked, %d valid, %d need reauthorization, %d transient", tally.runId, tally.unit, checked,
                    tally.count(CheckRecorder.Result.VALID), tally.count(CheckRecorder.Result.NEEDS_REAUTHORIZATION),
                    tally.count(CheckRecorder.Result.TRANSIENT));
        }
    }

    /** What kept a check from running, logged (an AWS failure once per kind, an unopenable token each time) and counted. */
    private String notChecked(Tally tally, String name, RuntimeException e) {
        if (e instanceof TokenCipher.CannotOpen) {
            tally.tokensUnopenable.incrementAndGet();
            LOG.errorf("OPERATOR: the stored token of %s does not open (its branch key is gone or it was altered); restore the key, or "
                    + "the merchant connects the account again", name);
            return TOKEN_UNOPENABLE;
        }
        if (tally.dependencies.failed(e)) {
            return FailedCall.of(e).map(FailedCall::toString).orElseThrow();
        }
        LOG.errorf("Checking %s failed (%s); it is tried again from the due index", name, e.getClass().getSimpleName());
        return e.getClass().getSimpleName();
    }

    /** Records a check that could not run, so it does not read as VALID and is tried again soon; if that fails too, the round retries it. */
    private void remember(CheckedConnection connection, String kind) {
        try {
            recorder.recordNotChecked(connection, kind);
        } catch (RuntimeException e) {
            LOG.errorf("Could not record that %s was not checked (%s); the next round checks it", connection.id(),
                    FailedCall.of(e).map(FailedCall::toString).orElse(e.getClass().getSimpleName()));
        }
    }
}
