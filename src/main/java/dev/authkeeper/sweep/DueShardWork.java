package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.check.CheckStore;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;

/** A worker's shard of the due index: retries, re-tests and reminders whose time has come, claimed one by one (each is a change anyway). */
@ApplicationScoped
class DueShardWork {

    private final DueIndex index;
    private final CheckStore store;
    private final ConnectionChecks checker;
    private final SweepConfig config;
    private final Clock clock;

    DueShardWork(DueIndex index, CheckStore store, ConnectionChecks checker, SweepConfig config, Clock clock) {
        this.index = index;
        this.store = store;
        this.checker = checker;
        this.config = config;
        this.clock = clock;
    }

    void work(Tally tally, int shard, ChecksInFlight checks) {
        Instant now = clock.instant();
        for (var key : index.due(shard, now)) {
            if (tally.shouldStop(clock.instant())) {
                return;
            }
            tally.examined.incrementAndGet();
            var claimed = store.claimDue(key.get(TableLayout.PK).s(), clock.instant(), clock.instant().plus(config.retryAfterTransient()));
            if (claimed.isEmpty()) {
                tally.takenByOthers.incrementAndGet();
                continue;
            }
            checks.submit(() -> checker.check(tally, claimed.get().id().value(), claimed::get));
        }
    }
}
