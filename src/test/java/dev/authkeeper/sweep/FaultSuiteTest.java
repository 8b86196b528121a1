package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.config.KeysConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.AppSecretsFixture;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.FaultProxy;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Seeds;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The faults a deployment meets, injected where they happen, and what must hold through them:
 * nothing lost (no check, no verdict, no rotated refresh token), nothing said wrongly (no merchant
 * told to reauthorize for AuthKeeper's or AWS's trouble), one alert per incident. AWS faults come
 * from a {@link FaultProxy} the application's own DynamoDB or KMS client is routed through
 * ({@code AwsCalls.routeThrough}), answering as the service does; marketplace faults from the
 * simulators. The cases other classes already prove are listed in docs/security/faults.md.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class FaultSuiteTest extends SweepTestBase {

    SimulatedEtsy etsy;

    @Inject
    RoundPages pages;
    @Inject
    SweepConfig config;
    @Inject
    KeysConfig keys;
    @Inject
    ConnectionStatuses statuses;
    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;
    @Inject
    SweepRuns runs;

    FaultProxy proxy;

    @AfterEach
    void noFaultLeft() {
        calls.reset();
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        etsy.reset();
        amazon.reset();
        new AppSecretsFixture(amazon, aws, apps, secrets).reset();
    }

    /** The application's calls to {@code service} ("DynamoDb", "Kms") from now on through a proxy in front of {@code emulator}. */
    private FaultProxy route(String service, java.net.URI emulator) {
        proxy = new FaultProxy(emulator);
        calls.routeThrough(service, proxy.endpoint());
        return proxy;
    }

    /** A service's JSON error answer, as KMS and DynamoDB send it. */
    private static FaultProxy.Fault error(String type, String message) {
        return (call, upstream) -> FaultProxy.Answer.json(400, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private List<ConnectionId> connections(int count, String prefix) {
        return IntStream.range(0, count).mapToObj(i -> connection("merchant-" + i % 5, prefix + "%05d".formatted(i))).toList();
    }

    /** Every merchant alert delivered since the test started. */
    private List<Inbox.Message> merchantAlerts() {
        return inbox.settled().stream().filter(m -> m.topic().equals("merchant")).toList();
    }

    // ---- a worker killed mid-unit, its SQS message delivered again, and once more ------------------------------------

    @Test
    void aWorkerKilledMidUnitAndItsMessageDeliveredAgainLoseNoCheckAndTellTheRevokedSellerOnce() {
        connections(120, "A1REDELIVER");
        var unit = new RoundUnit(config.slots(), config.shards(), 0, 0);
        var inUnit = pages.next(unit, Optional.empty(), 1000);
        assertThat(inUnit).as("two pages at least").hasSizeGreaterThan(config.pageSize());
        // The first connection of the second page was revoked: the page the worker dies on.
        var revoked = TableLayout.idOfCheckOrder(inUnit.get(config.pageSize()).get(TableLayout.CHECK_ORDER).s());
        amazon.revoke(revoked.accountId());
        var claims = new AtomicInteger();
        calls.afterNext(request -> request instanceof UpdateItemRequest update && RoundProgress.PK.equals(update.key().get(TableLayout.PK).s())
                && update.expressionAttributeValues().containsKey(":cursor") && claims.incrementAndGet() == 2, () -> {
                    throw new IllegalStateException("worker killed");
                });
        // The planner's run puts the unit on the queue; this is its message, as a worker receives it.
        var message = SweepUnit.round(planner.plan().runId(), unit);

        assertThatThrownBy(() -> worker.work(message)).hasMessageContaining("worker killed");
        int checkedBeforeTheKill = amazon.tokenCalls("refresh_token");
        assertThat(checkedBeforeTheKill).as("the first page, whose claim stood").isEqualTo(config.pageSize());

        // SQS delivers the message again once its visibility timeout (longer than the worker's lease) is over, and then a duplicate.
        clock.advance(Duration.ofMinutes(6));
        var redelivered = worker.work(message);
        var duplicate = worker.work(message);

        assertThat(duplicate.checked()).as("the unit's lap is done").isZero();
        assertThat(amazon.tokenCalls("refresh_token")).as("every grant was a check the worker counted")
                .isEqualTo(checkedBeforeTheKill + redelivered.checked());
        assertThat(status(revoked)).as("the redelivered message checked the killed page again, in this round")
                .isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);

        // The revoked seller is told, once, and nobody else.
        afterGroupWindow();
        assertThat(merchantAlerts()).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("NEEDS_REAUTHORIZATION");
            assertThat(alert.body()).contains(revoked.accountId());
        });
    }

    // ---- KMS denied, then throttled ----------------------------------------------------------------------------------

    @Test
    void kmsDeniedIsAFailedCheckAndOneOperatorIncidentNeverAMerchantAlertAndThrottlingIsAbsorbed() {
        var ids = connections(12, "A1KMSFAULT");
        var kms = route("Kms", aws.ministackEndpoint());
        // Past the branch-key cache's lifetime: every open needs KMS Decrypt, which the key policy now refuses.
        clock.advance(Duration.ofMinutes(11));
        kms.fault("Decrypt", 1000, error("AccessDeniedException",
                "User: arn:aws:sts::000000000000:assumed-role/worker is not authorized to perform: kms:Decrypt"));

        try (var logs = CapturedLogs.capture()) {
            var denied = sweep.run();

            assertThat(denied.total(SweepSummary::valid)).isZero();
            assertThat(amazon.tokenCalls()).as("no token was opened, so LWA was never asked").isZero();
            assertThat(logs.errors()).noneMatch(line -> line.contains("Checking amazon:"));
        }
        assertThat(ids).allSatisfy(id -> {
            assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
            var view = statuses.find(id, 0).orElseThrow();
            assertThat(view.lastCheckOutcome()).as("not VALID: nothing was proved").isEqualTo("FAILED");
            assertThat(view.lastCheckError()).contains("Kms Decrypt failed (AccessDeniedException, HTTP 400)");
        });
        clock.advance(Duration.ofMinutes(30));
        sweep.run();
        assertThat(inbox.settled()).as("one operator alert, no merchant blamed").singleElement().satisfies(alert -> {
            assertThat(alert.topic()).isEqualTo("operator");
            assertThat(alert.kind()).isEqualTo("AWS_DEPENDENCY_FAILING");
            assertThat(alert.body()).contains("Kms Decrypt failed");
        });

        // The grant is restored but KMS throttles: the client's retries absorb it, and the retries of the failed checks prove them all.
        kms.clear();
        int decrypts = kms.calls("Decrypt");
        kms.fault("Decrypt", 2, error("ThrottlingException", "Rate exceeded"));
        clock.advance(Duration.ofMinutes(20));
        var retried = sweep.run();

        assertThat(retried.total(SweepSummary::valid)).isEqualTo(ids.size());
        assertThat(kms.calls("Decrypt") - decrypts).as("two throttled, then answered").isGreaterThanOrEqualTo(3);
        assertThat(ids).allSatisfy(id -> assertThat(statuses.find(id, 0).orElseThrow().lastCheckOutcome()).isEqualTo("VALID"));
        assertThat(merchantAlerts()).isEmpty();
        assertThat(events.types()).isEmpty();
    }

    // ---- DynamoDB failing as a worker finishes its unit -------------------------------------------------------------

    @Test
    void aDynamoDbFailureAsAWorkerFinishesStillLogsItsSummarySoItsMetricsReachTheAlarms() {
        connections(3, "A1FINISHFLT");
        runs.start("finish-fault", config.shards(), now());
        calls.beforeNext(request -> request instanceof UpdateItemRequest update
                && update.key().get(TableLayout.PK).s().startsWith("GUARD#"), () -> {
                    throw new IllegalStateException("DynamoDB unreachable");
                });

        var failed = new java.util.ArrayList<RuntimeException>();
        String logged;
        try (var logs = CapturedLogs.capture()) {
            for (int shard = 0; shard < config.shards(); shard++) {
                try {
                    worker.work(SweepUnit.round("finish-fault", new RoundUnit(config.slots(), config.shards(), 0, shard)));
                } catch (RuntimeException e) {
                    failed.add(e);
                }
            }
            logged = logs.text();
        }

        assertThat(failed).as("the unit whose guard count failed is delivered again").hasSize(1);
        assertThat(logged).contains("its incidents, guard counts or alerts were not recorded");
        assertThat(logged.split("\\) finished: examined=", -1).length - 1)
                .as("every unit's summary, and after it its metrics, went out: the failed one's too").isEqualTo(config.shards());
    }

    // ---- DynamoDB throttled and TransactionConflict ------------------------------------------------------------------

    @Test
    void dynamoDbThrottlingAndTransactionConflictsAreRetriedAndARevocationWhoseWriteFailsIsToldOnceLater() {
        var ids = connections(20, "A1DYNAMOFLT");
        var revoked = ids.get(3);
        amazon.revoke(revoked.accountId());
        var dynamodb = route("DynamoDb", aws.dynamoEndpoint());
        dynamodb.fault("Query", 2, error("com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded"));
        dynamodb.fault("UpdateItem", 2, error("com.amazonaws.dynamodb.v20120810#ThrottlingException", "Rate of requests exceeds the allowed throughput"));
        // The revocation's transaction: canceled twice because another transaction holds an item, then lands.
        dynamodb.fault("TransactWriteItems", 2, (call, upstream) -> FaultProxy.Answer.json(400, """
                {"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",\
                "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",\
                "CancellationReasons":[{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}]}"""));

        var run = sweep.run();

        assertThat(run.total(SweepSummary::needsReauthorization)).isEqualTo(1);
        assertThat(run.total(SweepSummary::errors)).isZero();
        assertThat(ids).allMatch(id -> id.equals(revoked) == (status(id) == ConnectionStatus.NEEDS_REAUTHORIZATION));
        assertThat(dynamodb.calls("TransactWriteItems")).isGreaterThanOrEqualTo(3);
        afterGroupWindow();
        assertThat(merchantAlerts()).singleElement().satisfies(alert -> assertThat(alert.body()).contains(revoked.accountId()));

        // Next, a revocation whose write DynamoDB keeps throttling past the client's retries: not lost, not told yet, tried again soon.
        var second = ids.get(6);
        amazon.revoke(second.accountId());
        // A hot partition: that connection's writes are throttled, everything else goes through.
        var throttled = error("com.amazonaws.dynamodb.v20120810#ThrottlingException", "Rate of requests exceeds the allowed throughput");
        dynamodb.fault("TransactWriteItems", 1000, (call, upstream) -> call.text().contains(second.value()) ? throttled.answer(call, upstream)
                : upstream.forward(call.body()));
        worker.checkNow(second);
        assertThat(status(second)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(statuses.find(second, 0).orElseThrow().lastCheckOutcome()).isEqualTo("FAILED");

        dynamodb.clear();
        clock.advance(Duration.ofMinutes(20));
        sweep.run();
        afterGroupWindow();
        assertThat(status(second)).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(merchantAlerts()).as("each revocation told once").extracting(alert -> alert.attributes().get("connection"))
                .containsExactlyInAnyOrder(revoked.value(), second.value());
    }

    // ---- a branch-key rotation while KMS refuses, with a refresh token that rotates on every use -------------------

    @Test
    void aBranchKeyRotationKmsRefusesNeverLosesARotatedRefreshTokenAndHappensOnceKmsIsBack() {
        var shop = Seeds.etsyShop(cipher, connections, etsy, LocalAwsResource.ETSY_APP, "merchant-etsy", "71234567", now());
        String keyBefore = activeBranchKey().get("branchKeyId").s();
        // The branch key is due for rotation (it may be older than this test); KMS refuses to make a new one (a key policy change).
        var due = Instant.parse(activeBranchKey().get("createdAt").s()).plus(keys.rotation());
        clock.advance(Duration.between(now(), due).plus(Duration.ofMinutes(11)).abs());
        var kms = route("Kms", aws.ministackEndpoint());
        kms.fault("GenerateDataKey", 1000, error("AccessDeniedException", "The ciphertext refers to a customer master key that is not allowed"));

        try (var logs = CapturedLogs.capture()) {
            var checked = worker.checkNow(shop);

            assertThat(checked.valid()).isEqualTo(1);
            assertThat(checked.tokensRotated()).as("Etsy spent the old token and issued a new one").isEqualTo(1);
            assertThat(logs.errors()).anySatisfy(line -> assertThat(line).contains("OPERATOR: rotating branch key")
                    .contains("Kms GenerateDataKey failed (AccessDeniedException, HTTP 400)"));
        }
        assertThat(activeBranchKey().get("branchKeyId").s()).as("the old key seals on").isEqualTo(keyBefore);
        assertThat(etsy.liveRefreshTokens("71234567")).isEqualTo(1);

        // Another check: the token stored is the one Etsy considers live. KMS throttles at first, and the rotation happens.
        kms.clear();
        kms.fault("GenerateDataKey", 2, error("ThrottlingException", "Rate exceeded"));
        clock.advance(Duration.ofMinutes(2));
        var next = worker.checkNow(shop);

        assertThat(next.valid()).isEqualTo(1);
        assertThat(next.tokensRotated()).isEqualTo(1);
        assertThat(activeBranchKey().get("branchKeyId").s()).as("rotated once KMS answered").isNotEqualTo(keyBefore);
        assertThat(status(shop)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).isEmpty();
    }

    /** The pointer to the key new tokens are sealed under (the branch-key items outlive {@code Table.clear}). */
    private Map<String, AttributeValue> activeBranchKey() {
        return dynamo.getItem(r -> r.tableName(LocalAwsResource.TABLE).consistentRead(true)
                .key(Map.of(TableLayout.PK, AttributeValue.fromS("BRANCH_KEY#ACTIVE"), TableLayout.SK, AttributeValue.fromS("BRANCH_KEY"))))
                .item();
    }

    // ---- LWA dropping connections and answering garbage while the client secret rotates ----------------------------

    @Test
    void duringAClientSecretRotationLwaDroppingConnectionsAndAnsweringGarbageFailsNoConnectionAndTellsNobody() {
        amazon.clock(clock);
        var ids = connections(10, "A1SECRETROT");
        assertThat(sweep.run().total(SweepSummary::valid)).as("this instance now holds the old secret").isEqualTo(10);
        // Amazon rotated the secret, another instance stored the new one, and Amazon stopped accepting the old one.
        amazon.rotateClientSecret("default");
        try (var client = LocalProvisioning.secretsManager(aws.ministackEndpoint())) {
            client.putSecretValue(r -> r.secretId(aws.appSecrets().defaultApp())
                    .secretString("{\"clientSecret\":\"" + amazon.clientSecret("default") + "\"}"));
        }
        amazon.expirePreviousClientSecret("default");
        // And LWA drops two connections after doing the grant, then answers a proxy's HTML page with 200.
        amazon.failNext(2, new SimulatedAmazon.Fault.Lost());
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, "text/html", "<html><body>Bad gateway</body></html>"));
        clock.advance(Duration.ofDays(1));

        var during = sweep.run();
        clock.advance(Duration.ofMinutes(20));
        var retries = sweep.run();

        assertThat(during.total(SweepSummary::valid) + retries.total(SweepSummary::valid)).isEqualTo(10);
        assertThat(during.total(SweepSummary::applicationLevel) + retries.total(SweepSummary::applicationLevel)).isZero();
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).as("no merchant, no operator incident").isEmpty();
        assertThat(events.types()).isEmpty();
    }
}
