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
 * version it read; so two workers never check the same connection in one round. The same writes
 * carry how far the worker's checks have finished ({@code checked}): a worker killed with a page
 * in hand leaves that page unchecked here, and the next worker to take the unit starts from there.
 * A healthy connection itself is never written: when it was last checked follows from here.
 */
@ApplicationScoped
class RoundProgress {

    static final String PK = "SWEEP#ROUND";

    /** A unit's progress as read. */
    record Progress(long round, Optional<String> cursor, boolean done, Instant leaseUntil, String owner, long version,
            Optional<Instant> lapStartedAt, Optional<String> checked, Optional<Instant> checkedAt, Optional<Instant> lapFinishedAt,
            Optional<Instant> previousLapFinishedAt) {

        boolean leasedBy(String other, Instant now) {
            return leaseUntil.isAfter(now) && !owner.equals(other);
        }
    }

    /** The cut of the round into slots and shards in force since {@code since}, and the one before it, if it changed. */
    record Cut(int slots, int shards, Instant since, Optional<Cut> previous) {
    }

    private static final String CUT = "CUT";

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
                .items().stream().filter(item -> !CUT.equals(item.get(TableLayout.SK).s()))
                .forEach(item -> all.put(item.get(TableLayout.SK).s(), progress(item)));
        return all;
    }

    /**
     * The cut in force: {@code slots} by {@code shards}, recorded as from {@code now} when it differs
     * from the one stored, with the stored one kept as the previous. A deployment's first cut counts
     * as always in force (nothing was checked under another).
     */
    Cut cut(int slots, int shards, Instant now) {
        while (true) {
            var stored = storedCut();
            if (stored.filter(c -> c.slots() == slots && c.shards() == shards).isPresent()) {
                return stored.get();
            }
            var update = ItemUpdate.of(Map.of(TableLayout.PK, s(PK), TableLayout.SK, s(CUT)))
                    .set("slots", n(slots))
                    .set("shards", n(shards))
                    .set("since", n(stored.isPresent() ? now.toEpochMilli() : 0));
            stored.ifPresent(c -> update.set("previousSlots", n(c.slots())).set("previousShards", n(c.shards()))
                    .when("slots", "=", n(c.slots())).when("shards", "=", n(c.shards())));
            if (stored.isEmpty()) {
                update.whenAbsent(TableLayout.PK);
            }
            if (write(update)) {
                return new Cut(slots, shards, stored.isPresent() ? now : Instant.EPOCH,
                        stored.map(c -> new Cut(c.slots(), c.shards(), c.since(), Optional.empty())));
            }
            // Another planner recorded a cut meanwhile: read it again.
        }
    }

    /** The cut the planner last recorded, if any. */
    Optional<Cut> storedCut() {
        var item = dynamo.getItem(r -> r.tableName(table).key(Map.of(TableLayout.PK, s(PK), TableLayout.SK, s(CUT))).consistentRead(true))
                .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Optional<Cut> previous = number(item, "previousSlots").map(slots -> new Cut(slots.intValue(),
                number(item, "previousShards").orElseThrow().intValue(), Instant.EPOCH, Optional.empty()));
        return Optional.of(new Cut(number(item, "slots").orElseThrow().intValue(), number(item, "shards").orElseThrow().intValue(),
                Instant.ofEpochMilli(number(item, "since").orElse(0L)), previous));
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
                .remove("cursor", "checked", "checkedAt", "lapFinishedAt");
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

    /**
     * Claims the page that ends at {@code lastOrder}: the cursor moves past it. {@code checkedThrough}
     * is where the worker's finished checks have got to, written with the claim (no write of its own).
     */
    boolean claimPage(RoundUnit unit, Progress progress, String lastOrder, Optional<String> checkedThrough, Instant leaseUntil,
            Instant now) {
        return write(checked(expect(ItemUpdate.of(key(unit))
                .set("cursor", s(lastOrder))
                .set("leaseUntil", n(leaseUntil.toEpochMilli()))
                .increment("version"), Optional.of(progress)), checkedThrough, now));
    }

    /** The lap is over: every connection of the unit was checked. */
    boolean finishLap(RoundUnit unit, Progress progress, Instant now) {
        return write(expect(ItemUpdate.of(key(unit))
                .set("done", AttributeValue.fromBool(true))
                .set("lapFinishedAt", s(now.toString()))
                .set("leaseUntil", n(0))
                .increment("version"), Optional.of(progress)));
    }

    /**
     * Gives the unit back unfinished (the worker's time is up), checked through {@code checkedThrough},
     * so the next planner run hands it out again.
     */
    void release(RoundUnit unit, Progress progress, Optional<String> checkedThrough, Instant now) {
        write(checked(expect(ItemUpdate.of(key(unit)).set("leaseUntil", n(0)).increment("version"), Optional.of(progress)),
                checkedThrough, now));
    }

    private static ItemUpdate checked(ItemUpdate update, Optional<String> checkedThrough, Instant now) {
        checkedThrough.ifPresent(order -> update.set("checked", s(order)).set("checkedAt", s(now.toString())));
        return update;
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
                string(item, "checked"),
                string(item, "checkedAt").map(Instant::parse),
                string(item, "lapFinishedAt").map(Instant::parse),
                string(item, "previousLapFinishedAt").map(Instant::parse));
    }
}
