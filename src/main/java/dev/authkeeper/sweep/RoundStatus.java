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
 * connection, so this follows from its unit's progress: the time the page holding it was claimed,
 * to within the time one page takes (when the unit moved on since, the latest claim is a bound).
 */
@ApplicationScoped
public class RoundStatus {

    private final RoundProgress progress;
    private final SweepConfig config;

    RoundStatus(RoundProgress progress, SweepConfig config) {
        this.progress = progress;
        this.config = config;
    }

    /**
     * When the round last reached a connection (empty before its first round), for one or many
     * connections: each unit's progress is read once (a merchant's connections often share units).
     */
    public Function<ConnectionId, Optional<Instant>> reader() {
        var read = new HashMap<RoundUnit, Optional<RoundProgress.Progress>>();
        return id -> lastChecked(id, read.computeIfAbsent(unitOf(id), progress::get));
    }

    private RoundUnit unitOf(ConnectionId id) {
        long units = (long) config.slots() * config.shards();
        int index = (int) (TableLayout.checkHash(id) * units >>> 32);
        return new RoundUnit(config.slots(), config.shards(), index / config.shards(), index % config.shards());
    }

    private static Optional<Instant> lastChecked(ConnectionId id, Optional<RoundProgress.Progress> unitProgress) {
        String order = TableLayout.checkOrder(id);
        return unitProgress.flatMap(p -> {
            boolean passed = p.done() || p.cursor().filter(cursor -> cursor.compareTo(order) >= 0).isPresent();
            if (!passed) {
                return p.previousLapFinishedAt();
            }
            return p.done() ? p.lapFinishedAt() : p.cursorAt();
        });
    }
}
