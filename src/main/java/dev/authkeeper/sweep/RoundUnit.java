package dev.authkeeper.sweep;

import java.time.Duration;
import java.time.Instant;

import dev.authkeeper.table.TableLayout;

/**
 * One unit of the daily round of checks: shard {@code shard} of slot {@code slot}, with the round
 * cut into {@code slots} slots (when) and each slot into {@code shards} shards (by whom). A unit is
 * a fixed range of the 32-bit hash space the checks index is ordered by, so the cut can change at
 * any time without rewriting a single connection.
 */
record RoundUnit(int slots, int shards, int slot, int shard) {

    private static final long SPACE = 1L << 32;

    RoundUnit {
        if (slots < 1 || shards < 1 || slot < 0 || slot >= slots || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("not a unit of the round: slot " + slot + "/" + slots + ", shard " + shard + "/" + shards);
        }
    }

    private long index() {
        return (long) slot * shards + shard;
    }

    private long units() {
        return (long) slots * shards;
    }

    /** The first hash of the unit's range. */
    long firstHash() {
        return index() * SPACE / units();
    }

    /** The last hash of the unit's range (inclusive). */
    long lastHash() {
        return (index() + 1) * SPACE / units() - 1;
    }

    /** The lowest and highest {@code checkOrder} values of the range. */
    String lowestOrder() {
        return TableLayout.hex8(firstHash());
    }

    String highestOrder() {
        return TableLayout.hex8(lastHash()) + "#~";
    }

    /** The sort key of the unit's progress item; the cut is part of it, so a new cut starts afresh. */
    String key() {
        return "S" + slots + "K" + shards + "#" + slot + "#" + shard;
    }

    /** The latest round (counted from the epoch) whose time for this unit's slot has come; -1 before the first. */
    long dueRound(Instant now, Duration interval) {
        long offset = slotOffset(interval).toMillis();
        long since = now.toEpochMilli() - offset;
        return since < 0 ? -1 : since / interval.toMillis();
    }

    /** When the slot starts within each round. */
    Duration slotOffset(Duration interval) {
        return interval.multipliedBy(slot).dividedBy(slots);
    }

    @Override
    public String toString() {
        return "slot " + slot + "/" + slots + " shard " + shard + "/" + shards;
    }
}
