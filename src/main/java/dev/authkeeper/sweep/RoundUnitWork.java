package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A worker's lap of one unit of the round: it starts or resumes the lap under a lease, claims the
 * unit a page at a time (one conditional write per page, none per healthy connection, each also
 * recording how far the checks have finished), and finishes or releases the lap once the checks in
 * flight have ended.
 */
@ApplicationScoped
class RoundUnitWork {

    private final RoundProgress progress;
    private final RoundPages pages;
    private final ConnectionChecks checker;
    private final CheckCadence cadence;
    private final SweepConfig config;
    private final Clock clock;

    RoundUnitWork(RoundProgress progress, RoundPages pages, ConnectionChecks checker, CheckCadence cadence, SweepConfig config, Clock clock) {
        this.progress = progress;
        this.pages = pages;
        this.checker = checker;
        this.cadence = cadence;
        this.config = config;
        this.clock = clock;
    }

    void work(Tally tally, RoundUnit unit, ChecksInFlight checks) {
        Instant now = clock.instant();
        long round = unit.dueRound(now, config.interval());
        if (round < 0) {
            return;
        }
        Instant lease = tally.deadline.plus(SweepWorker.CHECK_ALLOWANCE);
        var seen = progress.get(unit);
        long version;
        Optional<String> cursor;
        if (seen.isEmpty() || seen.get().done() && seen.get().round() < round) {
            if (!progress.startLap(unit, seen, round, tally.owner, lease, now)) {
                tally.takenByOthers.incrementAndGet();
                return;
            }
            version = seen.map(p -> p.version() + 1).orElse(1L);
            cursor = Optional.empty();
        } else if (seen.get().done()) {
            return;
        } else if (seen.get().leasedBy(tally.owner, now)) {
            tally.takenByOthers.incrementAndGet();
            return;
        } else if (!progress.take(unit, seen.get(), tally.owner, lease)) {
            tally.takenByOthers.incrementAndGet();
            return;
        } else {
            version = seen.get().version() + 1;
            // Where the last worker's checks had got to: a page it claimed but never checked (it was killed) is checked now.
            cursor = seen.get().checked();
        }
        var inHand = new PagesInHand(cursor);
        while (true) {
            var current = new RoundProgress.Progress(round, cursor, false, lease, tally.owner, version, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            if (tally.shouldStop(clock.instant())) {
                checks.close();
                progress.release(unit, current, cursor, clock.instant());
                return;
            }
            var page = pages.next(unit, cursor, config.pageSize());
            if (page.isEmpty()) {
                checks.close();
                progress.finishLap(unit, current, clock.instant());
                return;
            }
            String last = page.get(page.size() - 1).get(TableLayout.CHECK_ORDER).s();
            if (!progress.claimPage(unit, current, last, inHand.checkedThrough(), lease, clock.instant())) {
                tally.takenByOthers.addAndGet(page.size());
                return;
            }
            version++;
            cursor = Optional.of(last);
            var claimed = inHand.claimed(last, page.size());
            Instant pageAt = clock.instant();
            for (var item : page) {
                var id = TableLayout.idOfCheckOrder(item.get(TableLayout.CHECK_ORDER).s());
                if (!cadence.checksIn(round, id, expiresAt(item), pageAt)) {
                    claimed.countDown(); // not its turn this round (its marketplace's sweep.checkEvery)
                    continue;
                }
                tally.examined.incrementAndGet();
                String name = id.value();
                checks.submit(() -> {
                    try {
                        checker.check(tally, name, () -> CheckedConnection.of(item));
                    } finally {
                        claimed.countDown();
                    }
                });
            }
        }
    }

    /** The pages a worker claimed whose checks are in flight, in order: how far the unit is checked through. */
    private static final class PagesInHand {
        private record Page(String last, CountDownLatch unchecked) {
        }

        private final Queue<Page> pages = new ConcurrentLinkedQueue<>();
        private Optional<String> checkedThrough;

        PagesInHand(Optional<String> checkedThrough) {
            this.checkedThrough = checkedThrough;
        }

        CountDownLatch claimed(String last, int size) {
            var page = new Page(last, new CountDownLatch(size));
            pages.add(page);
            return page.unchecked();
        }

        /** The end of the last page whose checks, and all before it, have finished; what the unit had when none has. */
        Optional<String> checkedThrough() {
            while (!pages.isEmpty() && pages.peek().unchecked().getCount() == 0) {
                checkedThrough = Optional.of(pages.remove().last());
            }
            return checkedThrough;
        }
    }

    /** When the authorization ends; an entry that does not say is checked (the check reports what is wrong with it). */
    private static Instant expiresAt(Map<String, AttributeValue> item) {
        try {
            return Instant.parse(item.get("authorizationExpiresAt").s());
        } catch (RuntimeException e) {
            return Instant.MIN;
        }
    }
}
