package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One message on the sweep queue: a unit of the round ({@code "round"}: slot and shard of the cut
 * into slots and shards) or a shard of the due index ({@code "due"}: retries, re-tests, reminders).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepUnit(String runId, String kind, Integer slots, Integer shards, Integer slot, Integer shard, Integer dueShard) {

    static final String ROUND = "round";
    static final String DUE = "due";

    static SweepUnit round(String runId, RoundUnit unit) {
        return new SweepUnit(runId, ROUND, unit.slots(), unit.shards(), unit.slot(), unit.shard(), null);
    }

    static SweepUnit due(String runId, int shard) {
        return new SweepUnit(runId, DUE, null, null, null, null, shard);
    }

    RoundUnit roundUnit() {
        return new RoundUnit(slots, shards, slot, shard);
    }

    String describe() {
        return ROUND.equals(kind) ? roundUnit().toString() : "due shard " + dueShard;
    }
}
