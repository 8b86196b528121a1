package dev.authkeeper.sweep;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;

/**
 * The units of work a planner run hands out: every unit of the round whose slot has come and whose
 * lap is not done (nor leased by a live worker), and every shard of the due index with work in it.
 */
@ApplicationScoped
class UnitsDue {

    /** What is due: the units of the round, then the shards of the due index. */
    record Found(List<RoundUnit> round, List<Integer> dueShards) {

        List<SweepUnit> of(String runId) {
            var units = new ArrayList<SweepUnit>();
            round.forEach(unit -> units.add(SweepUnit.round(runId, unit)));
            dueShards.forEach(shard -> units.add(SweepUnit.due(runId, shard)));
            return units;
        }
    }

    private final RoundProgress progress;
    private final DueIndex index;
    private final SweepConfig config;

    UnitsDue(RoundProgress progress, DueIndex index, SweepConfig config) {
        this.progress = progress;
        this.index = index;
        this.config = config;
    }

    Found at(Instant now) {
        return new Found(roundUnits(now), dueShards(now));
    }

    /**
     * Units whose slot has come in the current round and whose lap is unfinished, unless a live
     * worker holds them. Right after the cut changed, a unit whose slot ended before the change has
     * nothing to do until the next round: a connection's time of day hardly moves with the cut
     * (its slot is its hash's share of the interval), so the old cut's units checked it already.
     */
    private List<RoundUnit> roundUnits(Instant now) {
        var cut = progress.cut(config.slots(), config.shards(), now);
        var all = progress.all();
        var due = new ArrayList<RoundUnit>();
        for (int slot = 0; slot < config.slots(); slot++) {
            for (int shard = 0; shard < config.shards(); shard++) {
                var unit = new RoundUnit(config.slots(), config.shards(), slot, shard);
                long round = unit.dueRound(now, config.interval());
                if (round < 0) {
                    continue;
                }
                var seen = all.get(unit.key());
                if (seen == null && !unit.slotStart(round, config.interval()).plus(config.interval().dividedBy(config.slots()))
                        .isAfter(cut.since())) {
                    continue;
                }
                boolean finished = seen != null && seen.done() && seen.round() >= round;
                boolean busy = seen != null && seen.leaseUntil().isAfter(now);
                if (!finished && !busy) {
                    due.add(unit);
                }
            }
        }
        return due;
    }

    /** Shards of the due index with at least one entry whose time has come. */
    private List<Integer> dueShards(Instant now) {
        var shards = new ArrayList<Integer>();
        for (int shard = 0; shard < TableLayout.DUE_SHARDS; shard++) {
            if (index.anyDue(shard, now)) {
                shards.add(shard);
            }
        }
        return shards;
    }
}
