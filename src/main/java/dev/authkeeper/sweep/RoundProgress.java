package dev.authkeeper.sweep;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How far each unit of the round has got: one item per unit, under one partition. A worker leases
 * a unit, then claims it a page at a time by moving its cursor with a write conditional on the
 * version it read; so two workers never check the same connection in one round, and a crash loses
 * at most the page in hand (those connections are checked in the next round). A healthy connection
 * itself is never written: when it was last checked follows from here.
 */
@ApplicationScoped
class RoundProgress {

    static final String PK = "SWEEP#ROUND";

    /** A unit's progress as read. */
    record Progress(long round, Optional<String> cursor, boolean done, Instant leaseUntil, String owner, long version,
            Optional<Instant> lapStartedAt, Optional<Instant> cursorAt, Optional<Instant> lapFinishedAt,
            Optional<Instant> previousLapFinishedAt) {

        boolean leasedBy(String other, Instant now) {
            return leaseUntil.isAfter(now) && !owner.equals(other);
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;

    RoundProgress(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    /** Every unit's progress, by {@link RoundUnit#key()}. */
    Map<String, Progress> all() {
        var all = new HashMap<String, Progress>();
        dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", TableLayout.PK))
                        .expressionAttributeValues(Map.of(":pk", s(PK))))
                .items().forEach(item -> all.put(item.get(TableLayout.SK).s(), progress(item)));
        return all;
    }

    Optional<Progress> get(RoundUnit unit) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(unit)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(progress(item));
    }

    /** Starts round {@code round} of the unit from its first connection, leased to {@code owner}. */
    boolean startLap(RoundUnit unit, Optional<Progress> previous, long round, String owner, Instant leaseUntil, Instant now) {
        var update = ItemUpdate.of(key(unit))
                .set("round", n(round))
                .set("done", AttributeValue.fromBool(false))
                .set("owner", s(owner))
                .set("leaseUntil", n(leaseUntil.toEpochMilli()))
                .set("lapStartedAt", s(now.toString()))
                .increment("version")
                .remove("cursor", "cursorAt", "lapFinishedAt");
        previous.flatMap(Progress::lapFinishedAt).ifPresent(at -> update.set("previousLapFinishedAt", s(at.toString())));
        return write(expect(update, previous));
    }

    /** Leases an unfinished lap to {@code owner}, to carry on from its cursor. */
    boolean take(RoundUnit unit, Progress progress, String owner, Instant leaseUntil) {
        return write(expect(ItemUpdate.of(key(unit))
                .set("owner", s(owner))
                .set("leaseUntil", n(leaseUntil.toEpochMilli()))
                .increment("version"), Optional.of(progress)));
    }

    /** Claims the page that ends at {@code lastOrder}: the cursor moves past it. */
    boolean claimPage(RoundUnit unit, Progress progress, String lastOrder, Instant leaseUntil, Instant now) {
        return write(expect(ItemUpdate.of(key(unit))
                .set("cursor", s(lastOrder))
                .set("cursorAt", s(now.toString()))
                .set("leaseUntil", n(leaseUntil.toEpochMilli()))
                .increment("version"), Optional.of(progress)));
    }

    /** The lap is over: every connection of the unit was claimed. */
    boolean finishLap(RoundUnit unit, Progress progress, Instant now) {
        return write(expect(ItemUpdate.of(key(unit))
                .set("done", AttributeValue.fromBool(true))
                .set("lapFinishedAt", s(now.toString()))
                .set("leaseUntil", n(0))
                .increment("version"), Optional.of(progress)));
    }

    /** Gives the unit back unfinished (the worker's time is up), so the next planner run hands it out again. */
    void release(RoundUnit unit, Progress progress) {
        write(expect(ItemUpdate.of(key(unit)).set("leaseUntil", n(0)).increment("version"), Optional.of(progress)));
    }

    private static ItemUpdate expect(ItemUpdate update, Optional<Progress> progress) {
        return progress.map(p -> update.when("version", "=", n(p.version()))).orElseGet(() -> update.whenAbsent(TableLayout.PK));
    }

    private boolean write(ItemUpdate update) {
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    private static Map<String, AttributeValue> key(RoundUnit unit) {
        return Map.of(TableLayout.PK, s(PK), TableLayout.SK, s(unit.key()));
    }

    private static Progress progress(Map<String, AttributeValue> item) {
        return new Progress(
                number(item, "round").orElse(-1L),
                string(item, "cursor"),
                Optional.ofNullable(item.get("done")).map(AttributeValue::bool).orElse(false),
                Instant.ofEpochMilli(number(item, "leaseUntil").orElse(0L)),
                string(item, "owner").orElse(""),
                number(item, "version").orElse(0L),
                string(item, "lapStartedAt").map(Instant::parse),
                string(item, "cursorAt").map(Instant::parse),
                string(item, "lapFinishedAt").map(Instant::parse),
                string(item, "previousLapFinishedAt").map(Instant::parse));
    }
}
