package dev.authkeeper.sweep;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.stream.Collectors;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.testing.Seeds;
import java.time.Instant;
import org.junit.jupiter.api.Test;

import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.LegacyTokens;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.SweepDriver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;

/** The round of checks: fanned out over workers, no write for a healthy check, each connection once a round. */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class SweepRoundTest extends SweepTestBase {

    SimulatedEtsy etsy;

    @Inject
    RoundProgress progress;
    @Inject
    RoundPages pages;
    @Inject
    SweepConfig config;
    @Inject
    KmsClient kms;
    @Inject
    ConnectionStatuses statuses;

    List<ConnectionId> connections(int count, String prefix) {
        return IntStream.range(0, count).mapToObj(i -> connection("merchant-" + (i % 7), prefix + String.format("%05d", i))).toList();
    }

    @Test
    void aHealthyCheckWritesNothingAndEveryConnectionIsCheckedOnce() {
        var ids = connections(120, "A1HEALTHY");
        calls.reset();

        var run = sweep.run(3);

        assertThat(run.plan().roundUnits()).isEqualTo(config.shards());
        assertThat(run.total(SweepSummary::checked)).isEqualTo(120);
        assertThat(run.total(SweepSummary::valid)).isEqualTo(120);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(120);
        // What was written: progress of the units, the run's totals, the guard's counts; never a connection.
        var written = calls.writtenPartitions();
        assertThat(written).noneMatch(pk -> pk.startsWith(TableLayout.CONNECTION_PREFIX));
        assertThat(written).allMatch(pk -> pk.equals(RoundProgress.PK) || pk.startsWith("RUN#") || pk.startsWith("GUARD#")
                || pk.startsWith("SWEEP#MIGRATION"));
        // One write per page of 25 at most, plus a start and an end per unit, plus the cut the first planner run records: far
        // fewer than one per check.
        assertThat(written.stream().filter(RoundProgress.PK::equals).count()).isLessThanOrEqualTo(120 / 25 + 2L * config.shards() + 5);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        // Tokens sealed under a cached branch key: at most one KMS call for the whole run.
        assertThat(calls.countService("Kms")).isLessThanOrEqualTo(1);
    }

    @Test
    void overlappingRunsAndWorkersNeverCheckAConnectionTwiceInARound() throws Exception {
        connections(200, "A1TWICE");
        amazon.latency(Duration.ofMillis(10));

        var a = CompletableFuture.supplyAsync(() -> sweep.run(3));
        var b = CompletableFuture.supplyAsync(() -> sweep.run(3));
        var runs = List.of(a.get(), b.get());
        var third = sweep.run(2);

        assertThat(runs.stream().mapToInt(r -> r.total(SweepSummary::checked)).sum()).isEqualTo(200);
        assertThat(third.total(SweepSummary::checked)).isZero();
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(200);
    }

    @Test
    void theNextRoundChecksEveryConnectionAgainAfterTheInterval() {
        connections(40, "A1NEXTROUND");
        assertThat(sweep.run().total(SweepSummary::checked)).isEqualTo(40);
        clock.advance(Duration.ofHours(20));
        assertThat(sweep.run().total(SweepSummary::checked)).isZero();

        clock.advance(Duration.ofHours(4));
        var next = sweep.run();

        assertThat(next.total(SweepSummary::checked)).isEqualTo(40);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(80);
    }

    @Test
    void aWorkerKilledAfterItsClaimLeavesItsPageUncheckedAndTheNextWorkerChecksItInThisRound() {
        connections(40, "A1KILLED");
        var unit = new RoundUnit(config.slots(), config.shards(), 0, 0);
        var inUnit = idsInUnit(unit);
        assertThat(inUnit).isNotEmpty();
        // The worker dies just after its page claim is written, before it checks anything.
        calls.afterNext(request -> request instanceof UpdateItemRequest update && RoundProgress.PK.equals(update.key().get(TableLayout.PK).s())
                && update.expressionAttributeValues().containsKey(":cursor"), () -> {
                    throw new IllegalStateException("worker killed");
                });

        assertThatThrownBy(() -> worker.work(SweepUnit.round("killed", unit))).isInstanceOf(RuntimeException.class);

        assertThat(amazon.tokenCalls("refresh_token")).isZero();
        assertThat(progress.get(unit).orElseThrow().cursor()).as("the page was claimed").isPresent();
        for (var id : inUnit) {
            var view = statuses.find(id, 0).orElseThrow();
            assertThat(view.lastCheckOutcome()).as("claimed is not checked: %s", id).isEqualTo("NOT_CHECKED_YET");
            assertThat(view.lastCheckedAt()).isNull();
        }

        // Once its lease has run out, the next planner run hands the unit out again, and the killed page is checked in this round.
        clock.advance(Duration.ofMinutes(6));
        var next = sweep.run();

        assertThat(next.total(SweepSummary::checked)).isEqualTo(40);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(40);
        assertThat(progress.get(unit).orElseThrow().done()).isTrue();
        for (var id : inUnit) {
            var view = statuses.find(id, 0).orElseThrow();
            assertThat(view.lastCheckOutcome()).isEqualTo("VALID");
            assertThat(view.lastCheckedAt()).isAfterOrEqualTo(now().minus(Duration.ofMinutes(1)));
        }
        clock.advance(Duration.ofDays(1));
        assertThat(sweep.run().total(SweepSummary::checked)).isEqualTo(40);
    }

    private List<ConnectionId> idsInUnit(RoundUnit unit) {
        return pages.next(unit, Optional.empty(), 1000).stream()
                .map(item -> TableLayout.idOfCheckOrder(item.get(TableLayout.CHECK_ORDER).s())).toList();
    }

    @Test
    void connectionsStoredBeforeTheRoundMoveIntoItAndNoneIsForgotten() {
        var soon = legacy("A1LEGACYSOON1", ConnectionStatus.ACTIVE, now().minusSeconds(5));
        var later = legacy("A1LEGACYLATER", ConnectionStatus.ACTIVE, now().plus(Duration.ofHours(20)));
        var farAway = legacy("A1LEGACYFAR01", ConnectionStatus.ACTIVE, now().plus(Duration.ofDays(365 * 70)));
        var needing = legacy("A1LEGACYNEEDS", ConnectionStatus.NEEDS_REAUTHORIZATION, now().plus(Duration.ofDays(2)));

        var run = sweep.run();
        var next = sweep.run();

        assertThat(run.plan().migrationDone()).isTrue();
        for (var id : List.of(soon, later, farAway)) {
            var item = table.connection(id.value()).orElseThrow();
            assertThat(item).containsKeys(TableLayout.CHECK_PARTITION, TableLayout.CHECK_ORDER)
                    .doesNotContainKeys(TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT);
        }
        assertThat(table.connection(needing.value()).orElseThrow()).containsKey(TableLayout.DUE_SHARD)
                .doesNotContainKey(TableLayout.CHECK_ORDER);
        // Checked once in this round, whenever the move happened; their tokens sealed again under the hierarchy.
        assertThat(run.total(SweepSummary::checked) + next.total(SweepSummary::checked)).isEqualTo(3);
        assertThat(run.total(SweepSummary::tokensResealed) + next.total(SweepSummary::tokensResealed)).isEqualTo(3);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(3);
        for (var id : List.of(soon, later, farAway)) {
            assertThat(table.token(id)).isInstanceOf(dev.authkeeper.crypto.SealedToken.Hierarchical.class);
            assertThat(cipher.open(id.value(), table.token(id)).value()).isEqualTo(amazon.refreshTokenOf(id.accountId()).orElseThrow());
        }
    }

    /**
     * A connection as stored before the round and the key hierarchy: due in the due index, without
     * the round's keys, its token sealed with a KMS data key of its own.
     */
    private ConnectionId legacy(String account, ConnectionStatus status, java.time.Instant nextCheckAt) {
        var id = connection("merchant-legacy", account);
        var token = LegacyTokens.seal(kms, LocalAwsResource.KEY_ALIAS, id.value(), amazon.refreshTokenOf(account).orElseThrow());
        var key = TableLayout.connectionItemKey(id);
        dynamo.updateItem(r -> r.tableName(LocalAwsResource.TABLE).key(key)
                .updateExpression("SET #shard = :shard, #next = :next, #status = :status, #token = :token REMOVE #p, #o")
                .expressionAttributeNames(Map.of("#shard", TableLayout.DUE_SHARD, "#next", TableLayout.NEXT_CHECK_AT, "#status", "status",
                        "#p", TableLayout.CHECK_PARTITION, "#o", TableLayout.CHECK_ORDER, "#token", "token"))
                .expressionAttributeValues(Map.of(":shard", s(TableLayout.dueShard(id)), ":next", n(nextCheckAt.getEpochSecond()),
                        ":status", s(status.name()), ":token", TokenAttributes.sealedToken(token))));
        return id;
    }

    @Test
    void aConnectionThatCannotBeCheckedIsLoggedAndCountedAndTheOthersGoOn() {
        var ids = new ArrayList<>(connections(10, "A1FINE"));
        var broken = connection("merchant-b", "A1BROKENTOKEN");
        dynamo.updateItem(r -> r.tableName(LocalAwsResource.TABLE).key(TableLayout.connectionItemKey(broken))
                .updateExpression("SET #token = :garbage")
                .expressionAttributeNames(Map.of("#token", "token"))
                .expressionAttributeValues(Map.of(":garbage", AttributeValue.fromS("not a sealed token"))));

        SweepDriver.Run run;
        try (var logs = CapturedLogs.capture()) {
            run = sweep.run();
            assertThat(logs.text()).contains("Checking " + broken.value() + " failed");
        }

        assertThat(run.total(SweepSummary::errors)).isEqualTo(1);
        assertThat(run.total(SweepSummary::valid)).isEqualTo(10);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
    }

    @Test
    void theScheduledEventPlansARun() {
        connection("merchant-o", "A1SCHEDULED01");

        var plan = Lambda.invokeJson(Map.of("kind", "sweep"));

        assertThat(plan.get("roundUnits")).isEqualTo(config.shards());
        assertThat(plan.get("units")).isEqualTo(config.shards());
        sweep.drain();
    }
    @Test
    void aUnitDeliveredAgainAfterItsRunExpiredFinishesInsteadOfFailingUntilTheDeadLetterQueue() {
        connections(8, "A1LATEUNIT");

        try (var logs = CapturedLogs.capture()) {
            var summary = worker.work(SweepUnit.round("expired-run", new RoundUnit(config.slots(), config.shards(), 0, 0)));

            assertThat(summary.errors()).isZero();
            assertThat(logs.text()).contains("Sweep run expired-run is no longer recorded");
            assertThat(logs.errors()).isEmpty();
        }
    }
    @Test
    void aMarketplaceCheckedWeeklyHasEachConnectionCheckedOnceInSevenRoundsWhileAmazonsAreCheckedEveryRound() {
        etsy.reset();
        var shops = IntStream.range(0, 14).mapToObj(i -> Seeds.etsyShop(cipher, connections, etsy, LocalAwsResource.ETSY_APP,
                "merchant-etsy-" + i, String.valueOf(71_000_000 + i), now())).toList();
        connections(2, "A1EVERYDAY");
        var rotated = new HashMap<ConnectionId, Integer>();
        int checked = 0;

        for (int day = 0; day < 7; day++) {
            clock.advance(Duration.ofDays(1));
            Map<ConnectionId, AttributeValue> before = shops.stream().collect(Collectors.toMap(id -> id, this::storedToken));
            Instant dayStart = now();
            var run = sweep.run();
            checked += run.total(SweepSummary::checked);
            assertThat(run.total(SweepSummary::valid)).as("day %d: every connection checked is valid", day)
                    .isEqualTo(run.total(SweepSummary::checked));
            for (var id : shops) {
                boolean checkedToday = !storedToken(id).equals(before.get(id));
                if (checkedToday) {
                    rotated.merge(id, 1, Integer::sum);
                }
                var lastChecked = Optional.ofNullable(statuses.find(id, 0).orElseThrow().lastCheckedAt());
                assertThat(lastChecked.filter(at -> !at.isBefore(dayStart)).isPresent())
                        .as("day %d, %s: the status says it was checked today exactly when it was", day, id).isEqualTo(checkedToday);
            }
        }

        assertThat(rotated).as("each Etsy connection rotated by exactly one check in the week").hasSize(14).allSatisfy(
                (id, times) -> assertThat(times).isEqualTo(1));
        assertThat(checked).as("14 Etsy checks and 2 Amazon connections a day").isEqualTo(14 + 2 * 7);
    }

    private AttributeValue storedToken(ConnectionId id) {
        return table.connection(id.value()).orElseThrow().get("token");
    }
}
