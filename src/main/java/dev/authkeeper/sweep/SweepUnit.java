package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.authkeeper.table.ConnectionId;

/**
 * One message for a sweep worker, as it travels: a unit of the round ({@code "round"}: slot and
 * shard of the cut into slots and shards), a shard of the due index ({@code "due"}: retries,
 * re-tests, reminders), or one connection to check now ({@code "connection"}, or no kind at all:
 * what support asks for, sent straight to the worker function, which answers with its summary).
 * {@link #work()} reads it as one of those three. A kind this version does not know reads as none,
 * so that one such message fails alone instead of its whole batch of SQS records.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepUnit(String runId, @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL) Kind kind,
        Integer slots, Integer shards, Integer slot, Integer shard, Integer dueShard, String connection) {

    /** The kinds of unit, as the message names them. */
    public enum Kind {
        @JsonProperty("round") ROUND,
        @JsonProperty("due") DUE,
        @JsonProperty("connection") CONNECTION
    }

    /** What a unit asks of a worker. */
    sealed interface Work permits Round, Due, Now {
    }

    record Round(RoundUnit unit) implements Work {
    }

    record Due(int shard) implements Work {
    }

    record Now(ConnectionId id) implements Work {
    }

    static SweepUnit round(String runId, RoundUnit unit) {
        return new SweepUnit(runId, Kind.ROUND, unit.slots(), unit.shards(), unit.slot(), unit.shard(), null, null);
    }

    static SweepUnit due(String runId, int shard) {
        return new SweepUnit(runId, Kind.DUE, null, null, null, null, shard, null);
    }

    /** The work this message asks for; a message without a kind names one connection, or is refused. */
    Work work() {
        if (kind == null) {
            if (connection == null) {
                throw new IllegalArgumentException("a sweep unit names its kind, or the connection to check now");
            }
            return new Now(ConnectionId.parse(connection));
        }
        return switch (kind) {
            case ROUND -> new Round(new RoundUnit(slots, shards, slot, shard));
            case DUE -> new Due(dueShard);
            case CONNECTION -> new Now(ConnectionId.parse(connection));
        };
    }
}
