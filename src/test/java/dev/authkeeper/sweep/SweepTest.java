package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class SweepTest {

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    SweepService sweep;
    @Inject
    ConnectionRepository connections;
    @Inject
    TokenCipher cipher;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    AwsCalls calls;
    @Inject
    TestClock clock;
    @Inject
    dev.authkeeper.session.ReauthorizeLinks links;

    Table table;
    Seeds seeds;
    Inbox inbox;

    @BeforeEach
    void clean() {
        clock.reset();
        table = new Table(dynamo);
        table.clear();
        amazon.reset();
        aws.snsProxy().up();
        seeds = new Seeds(amazon, cipher, connections);
        inbox = new Inbox(aws);
        inbox.settled();
        inbox = new Inbox(aws);
        calls.reset();
    }

    Instant now() {
        return clock.instant();
    }

    ConnectionId due(String merchant, String account) {
        return seeds.connection(merchant, account, now().minus(Duration.ofDays(30)), now().minusSeconds(1));
    }

    ConnectionStatus status(ConnectionId id) {
        return connections.find(id).orElseThrow().status();
    }

    long nextCheckAt(ConnectionId id) {
        return Long.parseLong(table.connection(id.value()).orElseThrow().get("nextCheckAt").n());
    }

    @Test
    void oneRevokedAmongManyValidIsFoundAndItsMerchantAlerted() {
        var valid = IntStream.range(0, 20).mapToObj(i -> due("merchant-" + i, "A1VALID" + String.format("%05d", i))).toList();
        var revoked = due("merchant-r", "A1REVOKED0001");
        amazon.revoke("A1REVOKED0001");
        calls.reset();

        var summary = sweep.sweep();

        assertThat(summary.due()).isEqualTo(21);
        assertThat(summary.checked()).isEqualTo(21);
        assertThat(summary.valid()).isEqualTo(20);
        assertThat(summary.needsReauthorization()).isEqualTo(1);
        assertThat(summary.alertsSent()).isEqualTo(1);
        assertThat(status(revoked)).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(table.connection(revoked.value()).orElseThrow().get("statusReason").s()).isEqualTo("REVOKED_OR_CHANGED");
        for (var id : valid) {
            assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
            assertThat(nextCheckAt(id)).isGreaterThan(now().plus(Duration.ofHours(22)).getEpochSecond());
        }
        // A healthy connection costs one claim write and, with the branch key the seeds sealed under
        // still cached, no KMS call: 21 claims, and 1 update marking the alert sent.
        assertThat(calls.count("DynamoDb.UpdateItem")).isEqualTo(21 + 1);
        assertThat(calls.countService("Kms")).isZero();
        assertThat(calls.count("DynamoDb.TransactWriteItems")).isEqualTo(1);

        var messages = inbox.await(1);
        assertThat(messages).hasSize(1);
        var alert = messages.get(0);
        assertThat(alert.topic()).isEqualTo("merchant");
        assertThat(alert.attributes()).containsEntry("merchant", "merchant-r").containsEntry("marketplace", "amazon")
                .containsEntry("region", "NA").containsEntry("connection", revoked.value())
                .containsEntry("kind", "NEEDS_REAUTHORIZATION").containsEntry("severity", "HIGH");
        assertThat(alert.subject()).contains("A1REVOKED0001");
        assertThat(alert.body()).contains("A1REVOKED0001").contains("North America")
                .contains("password was changed").contains("same account as before")
                .contains("private (incognito) window").contains("settings and mappings")
                .containsPattern("/authorize\\?link=[A-Za-z0-9_.%-]+");
        assertThat(table.history(revoked)).anyMatch(h -> h.get("kind").s().equals("STATUS_CHANGED"));
    }

    @Test
    void theLinkInAnAlertOpensTheConsentFlowForThatConnection() {
        var id = due("merchant-l", "A1LINKED0001");
        amazon.revoke("A1LINKED0001");
        sweep.sweep();
        String body = inbox.await(1).get(0).body();
        var link = java.net.URI.create(body.replaceAll("(?s).*?(http\\S*/authorize\\?link=\\S+).*", "$1"));

        assertThat(link.toString()).startsWith(aws.publicBaseUrl() + "/authorize?link=");
        var opened = links.open(link.getRawQuery().substring("link=".length()), now()).orElseThrow();
        assertThat(opened.merchant()).isEqualTo("merchant-l");
        assertThat(opened.connection()).isEqualTo(id.value());
        assertThat(opened.origin()).isEqualTo(Seeds.SELLER_CENTRAL.toString());
    }

    @Test
    void invalidClientAlertsOperatorsOnceChangesNothingAndStopsCallingLwa() {
        var ids = IntStream.range(0, 80).mapToObj(i -> due("merchant-" + (i % 5), "A1APP" + String.format("%05d", i))).toList();
        amazon.expireClientSecret(true);

        var first = sweep.sweep();

        assertThat(first.applicationLevel()).isPositive();
        assertThat(first.needsReauthorization()).isZero();
        assertThat(first.stoppedEarly()).isTrue();
        assertThat(amazon.tokenCalls()).isLessThan(80);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        clock.advance(Duration.ofMinutes(30));
        var second = sweep.sweep();
        assertThat(second.operatorIncidents()).isZero();

        var messages = inbox.settled();
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).topic()).isEqualTo("operator");
        assertThat(messages.get(0).kind()).isEqualTo("APP_CREDENTIALS_REJECTED");
        assertThat(messages.get(0).attributes()).doesNotContainKey("merchant");
        assertThat(messages.get(0).body()).contains("invalid_client").contains("180 days");

        // Fixed: the next run checks again, succeeds, and closes the incident.
        amazon.expireClientSecret(false);
        clock.advance(Duration.ofMinutes(30));
        assertThat(sweep.sweep().valid()).isEqualTo(80);
        assertThat(table.withPrefix("INCIDENT#APP_CREDENTIALS").stream().filter(i -> i.get("sk").s().equals("INCIDENT")))
                .singleElement().satisfies(incident -> assertThat(incident.get("status").s()).isEqualTo("RESOLVED"));
    }

    @Test
    void aServerErrorStormReschedulesWithoutMerchantAlertsAndTellsOperatorsAfterRepeatedRuns() {
        var ids = IntStream.range(0, 5).mapToObj(i -> due("merchant-s", "A1STORM" + String.format("%05d", i))).toList();
        amazon.outage(true);

        for (int run = 1; run <= 4; run++) {
            var summary = sweep.sweep();
            assertThat(summary.transientFailures()).isEqualTo(5);
            assertThat(summary.operatorIncidents()).isEqualTo(run == 3 ? 1 : 0);
            for (var id : ids) {
                assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
                assertThat(nextCheckAt(id)).isBetween(now().plus(Duration.ofMinutes(7)).getEpochSecond(),
                        now().plus(Duration.ofMinutes(16)).getEpochSecond());
            }
            clock.advance(Duration.ofMinutes(16));
        }

        var messages = inbox.settled();
        assertThat(messages).extracting(Inbox.Message::kind).containsExactly("LWA_OUTAGE");
        assertThat(messages.get(0).topic()).isEqualTo("operator");
    }

    @Test
    void throttlingIsRetriedWithinTheRun() {
        var id = due("merchant-t", "A1THROTTLED01");
        amazon.failNext(1, new SimulatedAmazon.Fault.Status(429, Optional.of(Duration.ofSeconds(1))));

        var summary = sweep.sweep();

        assertThat(summary.valid()).isEqualTo(1);
        assertThat(summary.transientFailures()).isZero();
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(2);
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void anAlertWhosePublishFailedIsSentByTheNextRunExactlyOnce() {
        var id = due("merchant-p", "A1PUBLISH0001");
        amazon.revoke("A1PUBLISH0001");
        aws.snsProxy().down();

        var first = sweep.sweep();

        assertThat(first.needsReauthorization()).isEqualTo(1);
        assertThat(first.alertsSent()).isZero();
        assertThat(inbox.settled()).isEmpty();
        assertThat(status(id)).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);

        aws.snsProxy().up();
        clock.advance(Duration.ofMinutes(6));
        var second = sweep.sweep();
        var third = sweep.sweep();

        assertThat(second.alertsSent()).isEqualTo(1);
        assertThat(third.alertsSent()).isZero();
        var messages = inbox.settled();
        assertThat(messages).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION");
    }

    @Test
    void twoSweepsAtOnceCheckEachConnectionOnce() throws Exception {
        IntStream.range(0, 60).forEach(i -> due("merchant-c", "A1TWICE" + String.format("%05d", i)));
        amazon.latency(Duration.ofMillis(20));

        List<SweepSummary> summaries;
        try (var pool = Executors.newFixedThreadPool(2)) {
            var a = CompletableFuture.supplyAsync(sweep::sweep, pool);
            var b = CompletableFuture.supplyAsync(sweep::sweep, pool);
            summaries = List.of(a.get(), b.get());
        }

        assertThat(summaries.get(0).checked() + summaries.get(1).checked()).isEqualTo(60);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(60);
    }

    @Test
    void aReauthorizationDuringTheSweepWins() throws Exception {
        var id = due("merchant-x", "A1RACING00001");
        amazon.revoke("A1RACING00001");
        // LWA answers after 800 ms (under the 1 s read timeout of the tests): the re-authorization lands meanwhile.
        amazon.latency(Duration.ofMillis(800));

        var running = CompletableFuture.supplyAsync(sweep::sweep);
        Thread.sleep(300);
        String fresh = amazon.issueRefreshToken("A1RACING00001");
        connections.recordAuthorization(new Authorization(id, "merchant-x", Seeds.SELLER_CENTRAL, Flow.WEBSITE,
                cipher.seal(id.value(), new Secret(fresh)), now(), now().plus(Duration.ofDays(365))),
                now().plus(Duration.ofDays(1)), () -> Map.of());
        var summary = running.get();

        assertThat(summary.superseded()).isEqualTo(1);
        assertThat(summary.needsReauthorization()).isZero();
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(cipher.open(id.value(), table.token(id)).value()).isEqualTo(fresh);
        assertThat(inbox.settled()).isEmpty();
    }

    @Test
    void severalConnectionsOfOneMerchantFailingTogetherGetOneDigest() {
        var a = due("merchant-d", "A1DIGEST00001");
        var b = due("merchant-d", "A1DIGEST00002");
        due("merchant-d", "A1DIGEST00003");
        amazon.revoke("A1DIGEST00001");
        amazon.revoke("A1DIGEST00002");

        var summary = sweep.sweep();

        assertThat(summary.needsReauthorization()).isEqualTo(2);
        var messages = inbox.settled();
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).kind()).isEqualTo("DIGEST");
        assertThat(messages.get(0).attributes()).containsEntry("merchant", "merchant-d");
        assertThat(messages.get(0).body()).contains("2 of your Amazon connections").contains("company-wide password reset")
                .contains("A1DIGEST00001").contains("A1DIGEST00002").doesNotContain("A1DIGEST00003");
        assertThat(table.withPrefix("CONNECTION#").stream().filter(i -> i.get("sk").s().startsWith("ALERT#")))
                .hasSize(2).allMatch(i -> i.containsKey("sentAt") && !i.containsKey("pendingAlert"));
        assertThat(List.of(a, b)).allMatch(id -> status(id) == ConnectionStatus.NEEDS_REAUTHORIZATION);
    }

    @Test
    void remindersComeAfterOneThreeAndSevenDaysThenSilence() {
        var id = due("merchant-m", "A1REMIND00001");
        amazon.revoke("A1REMIND00001");
        var sent = new ArrayList<String>();

        sweep.sweep();
        for (Duration step : List.of(Duration.ofHours(12), Duration.ofHours(13), Duration.ofDays(1), Duration.ofDays(1),
                Duration.ofDays(2), Duration.ofDays(2), Duration.ofDays(10), Duration.ofDays(30))) {
            clock.advance(step);
            sweep.sweep();
        }
        inbox.settled().forEach(m -> sent.add(m.kind()));

        assertThat(sent).containsExactly("NEEDS_REAUTHORIZATION", "REMINDER", "REMINDER", "REMINDER");
        assertThat(table.connection(id.value()).orElseThrow()).doesNotContainKey("dueShard");
        assertThat(inbox.matching(m -> m.kind().equals("REMINDER")).get(0).body()).contains("Reminder").contains("has not worked since");
    }

    @Test
    void expiryWarningsAt30And7And1DaysOnceEach() {
        var id = seeds.connection("merchant-e", "A1EXPIRY00001", now().minus(Duration.ofDays(340)), now().minusSeconds(1));
        var warned = new ArrayList<String>();

        // 25 days left, then 23.9, 5.9 (crosses 7), 4.8, 0.8 (crosses 1), 0.55.
        for (Duration step : List.of(Duration.ZERO, Duration.ofHours(26), Duration.ofDays(18), Duration.ofHours(26),
                Duration.ofDays(4), Duration.ofHours(6))) {
            clock.advance(step);
            sweep.sweep();
        }
        inbox.settled().forEach(m -> warned.add(m.kind() + ":" + m.subject().replaceAll(".*within (\\d+) days?", "$1")));

        assertThat(warned).containsExactly("EXPIRY_WARNING:25", "EXPIRY_WARNING:6", "EXPIRY_WARNING:1");
        assertThat(table.connection(id.value()).orElseThrow().get("expiryWarnedDays").n()).isEqualTo("1");
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void anEventNamingOneConnectionChecksItNowEvenIfNotDue() {
        var notDue = seeds.connection("merchant-o", "A1ONECONN0001", now().minus(Duration.ofDays(3)), now().plus(Duration.ofDays(1)));
        amazon.revoke("A1ONECONN0001");

        var summary = dev.authkeeper.testing.Lambda.invokeJson(Map.of("connection", notDue.value()));

        assertThat(summary.get("checked")).isEqualTo(1);
        assertThat(summary.get("needsReauthorization")).isEqualTo(1);
        assertThat(status(notDue)).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
    }

    @Test
    void aScheduledEventSweepsWhatIsDue() {
        due("merchant-s", "A1SCHEDULED01");
        seeds.connection("merchant-s", "A1NOTDUEYET01", now(), now().plus(Duration.ofDays(1)));

        var summary = dev.authkeeper.testing.Lambda.invokeJson(Map.of("kind", "sweep"));

        assertThat(summary.get("checked")).isEqualTo(1);
        assertThat(summary.get("valid")).isEqualTo(1);
    }

    @Test
    void aRotatedRefreshTokenIsStoredSealed() {
        var id = due("merchant-r", "A1ROTATED0001");
        amazon.rotateRefreshTokens(true);

        var summary = sweep.sweep();

        assertThat(summary.tokensRotated()).isEqualTo(1);
        String current = amazon.refreshTokenOf("A1ROTATED0001").orElseThrow();
        assertThat(cipher.open(id.value(), table.token(id)).value()).isEqualTo(current);
        assertThat(connections.find(id).orElseThrow().version()).isEqualTo(2);
        clock.advance(Duration.ofDays(2));
        assertThat(sweep.sweep().valid()).isEqualTo(1);
    }
}
