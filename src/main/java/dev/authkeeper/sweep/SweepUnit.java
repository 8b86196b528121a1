package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One unit of work for a sweep worker: a unit of the round ({@code "round"}: slot and shard of the
 * cut into slots and shards), a shard of the due index ({@code "due"}: retries, re-tests,
 * reminders), or one connection to check now ({@code "connection"}, what support asks for; sent
 * straight to the worker function, which answers with its summary).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepUnit(String runId, String kind, Integer slots, Integer shards, Integer slot, Integer shard, Integer dueShard,
        String connection) {

    static final String ROUND = "round";
    static final String DUE = "due";
    static final String CONNECTION = "connection";

    static SweepUnit round(String runId, RoundUnit unit) {
        return new SweepUnit(runId, ROUND, unit.slots(), unit.shards(), unit.slot(), unit.shard(), null, null);
    }

    static SweepUnit due(String runId, int shard) {
        return new SweepUnit(runId, DUE, null, null, null, null, shard, null);
    }

    RoundUnit roundUnit() {
        return new RoundUnit(slots, shards, slot, shard);
    }

    String describe() {
        return ROUND.equals(kind) ? roundUnit().toString() : "due shard " + dueShard;
    }

    /** One connection to check now, when this is such a unit. */
    public java.util.Optional<String> connectionToCheck() {
        return CONNECTION.equals(kind) || kind == null && connection != null ? java.util.Optional.ofNullable(connection)
                : java.util.Optional.empty();
    }
}
