package dev.authkeeper.sweep;

import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * When the round last checked a healthy connection. Healthy checks write nothing to the
 * connection, so this follows from its unit's progress: when the worker's finished checks were
 * recorded past it, to within the time a page takes (a claimed page that was never checked, its
 * worker killed, does not count). A connection checked less often than every round
 * ({@link CheckCadence}) was last checked on its last turn: the start of its slot in that round.
 */
@ApplicationScoped
public class RoundStatus {

    private final RoundProgress progress;
    private final CheckCadence cadence;
    private final SweepConfig config;

    RoundStatus(RoundProgress progress, CheckCadence cadence, SweepConfig config) {
        this.progress = progress;
        this.cadence = cadence;
        this.config = config;
    }

    /**
     * When the round last reached a connection (empty before its first round), for one or many
     * connections: each unit's progress is read once (a merchant's connections often share units).
     */
    public Function<ConnectionId, Optional<Instant>> reader() {
        var read = new HashMap<RoundUnit, Optional<RoundProgress.Progress>>();
        // After the cut changed, a unit of the new cut reached nothing yet: the old cut's unit says when the connection was checked.
        var previous = progress.storedCut().flatMap(RoundProgress.Cut::previous);
        return id -> {
            var unit = unitOf(id, config.slots(), config.shards());
            return lastChecked(id, unit, read.computeIfAbsent(unit, progress::get))
                    .or(() -> previous.flatMap(cut -> {
                        var old = unitOf(id, cut.slots(), cut.shards());
                        return lastChecked(id, old, read.computeIfAbsent(old, progress::get));
                    }));
        };
    }

    private static RoundUnit unitOf(ConnectionId id, int slots, int shards) {
        long units = (long) slots * shards;
        int index = (int) (TableLayout.checkHash(id) * units >>> 32);
        return new RoundUnit(slots, shards, index / shards, index % shards);
    }

    private Optional<Instant> lastChecked(ConnectionId id, RoundUnit unit, Optional<RoundProgress.Progress> unitProgress) {
        String order = TableLayout.checkOrder(id);
        return unitProgress.flatMap(p -> {
            boolean reached = p.done() || p.checked().filter(through -> through.compareTo(order) >= 0).isPresent();
            long lastReached = reached ? p.round() : p.round() - 1;
            long lastTurn = cadence.lastTurn(lastReached, id);
            if (lastTurn < lastReached) {
                return lastTurn < 0 ? Optional.empty() : Optional.of(unit.slotStart(lastTurn, config.interval()));
            }
            if (!reached) {
                return p.previousLapFinishedAt();
            }
            return p.done() ? p.lapFinishedAt() : p.checkedAt();
        });
    }
}
