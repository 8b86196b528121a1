package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.app.App;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Seeds;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/** What a check finds, and what is recorded, told and sent for it. */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class SweepOutcomesTest extends SweepTestBase {

    @Inject
    ReauthorizeLinks links;

    @Test
    void oneRevokedAmongManyValidIsRecordedTheAppIsToldAtOnceAndTheMerchantAfterTheGroupWindow() {
        var valid = IntStream.range(0, 20).mapToObj(i -> connection("merchant-" + i, "A1VALID" + String.format("%05d", i))).toList();
        var revoked = connection("merchant-r", "A1REVOKED0001");
        amazon.revoke("A1REVOKED0001");
        calls.reset();

        var run = sweep.run();

        assertThat(run.total(SweepSummary::checked)).isEqualTo(21);
        assertThat(run.total(SweepSummary::valid)).isEqualTo(20);
        assertThat(run.total(SweepSummary::needsReauthorization)).isEqualTo(1);
        assertThat(status(revoked)).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        var item = table.connection(revoked.value()).orElseThrow();
        assertThat(item.get("statusReason").s()).isEqualTo("REVOKED_OR_CHANGED");
        assertThat(item).doesNotContainKey(TableLayout.CHECK_ORDER).containsKey(TableLayout.DUE_SHARD);
        assertThat(valid).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        assertThat(calls.writtenPartitions().stream().filter(pk -> pk.startsWith(TableLayout.CONNECTION_PREFIX)).distinct())
                .containsOnly(TableLayout.connectionKey(revoked));
        assertThat(table.history(revoked)).anyMatch(h -> h.get("kind").s().equals("STATUS_CHANGED"));

        assertThat(events.settled()).as("the event waits for the guard to weigh the run").isEmpty();
        assertThat(inbox.settled()).isEmpty();
        clock.advance(Duration.ofMinutes(15));
        sweep.run();
        var event = events.await(1);
        assertThat(event).hasSize(1);
        assertThat(event.get(0).detailType()).isEqualTo("Connection Needs Reauthorization");
        assertThat(event.get(0).detail().path("connectionId").asText()).isEqualTo(revoked.value());
        assertThat(event.get(0).detail().path("reason").path("code").asText()).isEqualTo("REVOKED_OR_CHANGED");
        assertThat(inbox.settled()).as("the merchant's alert waits for its siblings").isEmpty();

        var later = afterGroupWindow();

        assertThat(later.plan().alertsSent()).isEqualTo(1);
        var alert = inbox.await(1).get(0);
        assertThat(alert.topic()).isEqualTo("merchant");
        assertThat(alert.attributes()).containsEntry("merchant", "merchant-r").containsEntry("marketplace", "amazon")
                .containsEntry("region", "NA").containsEntry("connection", revoked.value())
                .containsEntry("kind", "NEEDS_REAUTHORIZATION").containsEntry("severity", "HIGH");
        assertThat(alert.body()).contains("A1REVOKED0001").contains("North America").contains("password was changed")
                .contains("same account as before").contains("private (incognito) window").contains("settings and mappings")
                .containsPattern("/authorize\\?link=[A-Za-z0-9_.%-]+");
    }

    @Test
    void theLinkInAnAlertOpensTheConsentFlowForThatConnection() {
        var id = connection("merchant-l", "A1LINKED0001");
        amazon.revoke("A1LINKED0001");
        sweep.run();
        afterGroupWindow();
        String body = inbox.await(1).get(0).body();
        var link = URI.create(body.replaceAll("(?s).*?(http\\S*/authorize\\?link=\\S+).*", "$1"));

        assertThat(link.toString()).startsWith(aws.publicBaseUrl() + "/authorize?link=");
        var opened = links.open(link.getRawQuery().substring("link=".length()), now()).orElseThrow();
        assertThat(opened.merchant()).isEqualTo("merchant-l");
        assertThat(opened.connection()).isEqualTo(id.value());
        assertThat(opened.origin()).isEqualTo(Seeds.SELLER_CENTRAL.toString());
    }

    @Test
    void rejectedAppCredentialsAlertOperatorsOnceChangeNothingAndTheFixClosesTheIncident() {
        var ids = IntStream.range(0, 300).mapToObj(i -> connection("merchant-" + (i % 5), "A1APP" + String.format("%05d", i))).toList();
        amazon.expireClientSecret(true);
        // Answers take a moment, so a worker has its 64 checks in flight when the first refusal comes back.
        amazon.latency(Duration.ofMillis(20));

        var first = sweep.run(1);

        assertThat(first.total(SweepSummary::applicationLevel)).isPositive();
        assertThat(first.total(SweepSummary::needsReauthorization)).isZero();
        // Only the default app is refused; the draft app (configured, no connections here) might still work.
        assertThat(first.workers()).noneMatch(SweepSummary::stoppedEarly);
        assertThat(amazon.tokenCalls()).as("each worker stops calling LWA once it is refused").isLessThan(300);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        clock.advance(Duration.ofMinutes(30));
        var second = sweep.run();
        assertThat(second.total(SweepSummary::operatorIncidents)).isZero();

        var messages = inbox.settled();
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).topic()).isEqualTo("operator");
        assertThat(messages.get(0).kind()).isEqualTo("APP_CREDENTIALS_REJECTED");
        assertThat(messages.get(0).attributes()).doesNotContainKey("merchant");
        assertThat(messages.get(0).body()).contains("invalid_client").contains("180 days");
        assertThat(events.types()).containsExactly("app.credentials_rejected");

        // Fixed: the retries succeed and close the incident.
        amazon.expireClientSecret(false);
        clock.advance(Duration.ofMinutes(30));
        sweep.run();
        assertThat(ids).allMatch(id -> !table.connection(id.value()).orElseThrow().containsKey("lastCheckError"));
        assertThat(table.withPrefix("INCIDENT#APP_CREDENTIALS").stream().filter(i -> i.get("sk").s().equals("INCIDENT")))
                .singleElement().satisfies(incident -> assertThat(incident.get("status").s()).isEqualTo("RESOLVED"));
        assertThat(events.types()).containsExactly("app.credentials_rejected", "app.credentials_restored");
    }

    @Test
    void aServerErrorStormRetriesLaterWithoutMerchantAlertsAndTellsOperatorsAfterRepeatedRuns() {
        var ids = IntStream.range(0, 5).mapToObj(i -> connection("merchant-s", "A1STORM" + String.format("%05d", i))).toList();
        amazon.outage(true);

        var incidents = new ArrayList<Integer>();
        for (int run = 1; run <= 4; run++) {
            var result = sweep.run();
            assertThat(result.total(SweepSummary::transientFailures)).isEqualTo(5);
            for (var id : ids) {
                var item = table.connection(id.value()).orElseThrow();
                assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
                assertThat(Long.parseLong(item.get(TableLayout.NEXT_CHECK_AT).n())).isBetween(
                        now().plus(Duration.ofMinutes(7)).getEpochSecond(), now().plus(Duration.ofMinutes(16)).getEpochSecond());
                assertThat(item.get("lastCheckError").s()).contains("500");
            }
            incidents.add(inbox.matching(m -> m.kind().equals("LWA_OUTAGE")).size());
            clock.advance(Duration.ofMinutes(16));
        }

        assertThat(incidents).containsExactly(0, 0, 1, 1);
        amazon.outage(false);
        var recovered = sweep.run();
        assertThat(recovered.total(SweepSummary::valid)).isEqualTo(5);
        assertThat(ids).allMatch(id -> !table.connection(id.value()).orElseThrow().containsKey("lastCheckError"));
        assertThat(inbox.settled()).extracting(Inbox.Message::kind).containsExactly("LWA_OUTAGE");
    }

    /** A connection whose check failed is tried again within a retry interval (15 minutes, jittered). */
    void assertTriedAgainSoon(dev.authkeeper.table.ConnectionId id) {
        var item = table.connection(id.value()).orElseThrow();
        assertThat(Long.parseLong(item.get(TableLayout.NEXT_CHECK_AT).n())).isBetween(now().plus(Duration.ofMinutes(7)).getEpochSecond(),
                now().plus(Duration.ofMinutes(16)).getEpochSecond());
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void anUnknownErrorCodeForOneConnectionIsCountedAndTheRunGoesOnWithoutAnyAlert() {
        var ids = IntStream.range(0, 12).mapToObj(i -> connection("merchant-u" + (i % 3), "A1UNEXPECT" + String.format("%03d", i))).toList();
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(400, "application/json",
                "{\"error_description\":\"detail-from-the-body\",\"error\":\"weird_new_code\"}"));

        dev.authkeeper.testing.SweepDriver.Run run;
        String logged;
        try (var logs = CapturedLogs.capture()) {
            run = sweep.run(1);
            logged = logs.text();
        }

        assertThat(run.total(SweepSummary::checked)).isEqualTo(12);
        assertThat(run.total(SweepSummary::valid)).isEqualTo(11);
        assertThat(run.total(SweepSummary::unexpected)).isEqualTo(1);
        assertThat(run.total(SweepSummary::applicationLevel)).isZero();
        assertThat(run.workers()).noneMatch(SweepSummary::stoppedEarly);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(12);
        var unexpected = ids.stream().filter(id -> table.connection(id.value()).orElseThrow().containsKey("lastCheckError")).toList();
        assertThat(unexpected).singleElement().satisfies(id -> {
            assertTriedAgainSoon(id);
            assertThat(table.connection(id.value()).orElseThrow().get("lastCheckError").s())
                    .isEqualTo("unexpected answer: HTTP 400 weird_new_code");
        });
        assertThat(logged).contains("OPERATOR: a marketplace answered 1 check(s) in a way it does not document (first: HTTP 400 weird_new_code)")
                .contains("unexpected=1").doesNotContain("detail-from-the-body");
        assertThat(table.withPrefix("INCIDENT#")).isEmpty();
        afterGroupWindow();
        assertThat(inbox.settled()).isEmpty();
    }

    @Test
    void a200ThatIsNotJsonIsTransient() {
        var id = connection("merchant-h", "A1HTMLPAGE001");
        amazon.failNext(3, new SimulatedAmazon.Fault.Answer(200, "text/html", "<html><body>Service moved</body></html>"));

        var run = sweep.run();

        assertThat(run.total(SweepSummary::transientFailures)).isEqualTo(1);
        assertThat(run.total(SweepSummary::valid)).isZero();
        assertThat(run.total(SweepSummary::unexpected)).isZero();
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(3);
        assertTriedAgainSoon(id);
    }

    @Test
    void a200WithoutRefreshTokenIsValidAndKeepsTheStoredTokenWithoutAWrite() {
        var id = connection("merchant-k", "A1KEEPTOKEN01");
        String stored = cipher.open(id.value(), table.token(id)).value();
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, "application/json",
                "{\"access_token\":\"Atza|only\",\"token_type\":\"bearer\",\"expires_in\":3600}"));
        calls.reset();

        var run = sweep.run();

        assertThat(run.total(SweepSummary::valid)).isEqualTo(1);
        assertThat(run.total(SweepSummary::tokensRotated)).isZero();
        assertThat(cipher.open(id.value(), table.token(id)).value()).isEqualTo(stored)
                .isEqualTo(amazon.refreshTokenOf("A1KEEPTOKEN01").orElseThrow());
        assertThat(connections.find(id).orElseThrow().version()).isEqualTo(1);
        assertThat(calls.writtenPartitions()).doesNotContain(TableLayout.connectionKey(id));
    }

    @Test
    void aTricklingLwaEndsTheCheckAsTransientAndTheRunFinishesWithItsSummary() {
        var id = connection("merchant-w", "A1TRICKLE0001");
        amazon.failNext(3, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(200), 1));

        dev.authkeeper.testing.SweepDriver.Run run;
        String logged;
        try (var logs = CapturedLogs.capture()) {
            run = sweep.run();
            logged = logs.text();
        }

        assertThat(run.total(SweepSummary::checked)).isEqualTo(1);
        assertThat(run.total(SweepSummary::transientFailures)).isEqualTo(1);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(3);
        assertThat(logged).contains("Sweep run " + run.plan().runId() + " finished across").contains("transientFailures=1");
        assertTriedAgainSoon(id);
    }

    @Test
    void throttlingIsRetriedWithinTheCheck() {
        var id = connection("merchant-t", "A1THROTTLED01");
        amazon.failNext(1, new SimulatedAmazon.Fault.Status(429, Optional.of(Duration.ofSeconds(1))));

        var run = sweep.run();

        assertThat(run.total(SweepSummary::valid)).isEqualTo(1);
        assertThat(run.total(SweepSummary::transientFailures)).isZero();
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(2);
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void aReauthorizationDuringACheckWins() throws Exception {
        var id = connection("merchant-x", "A1RACING00001");
        amazon.revoke("A1RACING00001");
        // LWA answers after 800 ms (under the 1 s read timeout of the tests): the re-authorization lands meanwhile.
        amazon.latency(Duration.ofMillis(800));

        var running = CompletableFuture.supplyAsync(() -> sweep.run());
        while (amazon.tokenCalls() == 0) {
            Thread.sleep(10);
        }
        String fresh = amazon.issueRefreshToken("A1RACING00001");
        connections.recordAuthorization(new Authorization(id, "merchant-x", App.DEFAULT, Seeds.SELLER_CENTRAL, Flow.WEBSITE,
                cipher.seal(id.value(), new Secret(fresh)), now(), now().plus(Duration.ofDays(365))), prior -> List.of());
        var run = running.get();

        assertThat(run.total(SweepSummary::superseded)).isEqualTo(1);
        assertThat(run.total(SweepSummary::needsReauthorization)).isZero();
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(cipher.open(id.value(), table.token(id)).value()).isEqualTo(fresh);
        afterGroupWindow();
        assertThat(inbox.settled()).isEmpty();
    }

    @Test
    void remindersReTestFirstComeAfterOneThreeAndSevenDaysThenSilence() {
        var id = connection("merchant-m", "A1REMIND00001");
        amazon.revoke("A1REMIND00001");
        sweep.run();
        afterGroupWindow();
        int refreshes = amazon.tokenCalls("refresh_token");

        for (Duration step : List.of(Duration.ofHours(12), Duration.ofHours(13), Duration.ofDays(1), Duration.ofDays(1),
                Duration.ofDays(2), Duration.ofDays(2), Duration.ofDays(10), Duration.ofDays(30))) {
            clock.advance(step);
            sweep.run();
        }
        afterGroupWindow();

        var sent = inbox.settled().stream().map(Inbox.Message::kind).toList();
        assertThat(sent).containsExactly("NEEDS_REAUTHORIZATION", "REMINDER", "REMINDER", "REMINDER");
        assertThat(amazon.tokenCalls("refresh_token") - refreshes).as("each reminder re-tested the authorization first").isEqualTo(3);
        assertThat(table.connection(id.value()).orElseThrow()).doesNotContainKey(TableLayout.DUE_SHARD);
        assertThat(inbox.matching(m -> m.kind().equals("REMINDER")).get(0).body()).contains("Reminder").contains("has not worked since");
    }

    @Test
    void aReminderThatFindsTheAuthorizationWorkingAgainReconnectsWithANotice() {
        var id = connection("merchant-w", "A1WORKSAGAIN1");
        amazon.revoke("A1WORKSAGAIN1");
        sweep.run();
        afterGroupWindow();
        amazon.restore("A1WORKSAGAIN1");

        clock.advance(Duration.ofDays(1));
        var run = sweep.run();

        assertThat(run.total(SweepSummary::recovered)).isEqualTo(1);
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(table.connection(id.value()).orElseThrow()).containsKey(TableLayout.CHECK_ORDER).doesNotContainKey(TableLayout.DUE_SHARD);
        assertThat(inbox.await(2)).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION", "RECONNECTED");
        assertThat(events.types()).containsExactly("connection.needs_reauthorization", "connection.reconnected");
    }

    @Test
    void anAuthorizationThatWorksAgainBeforeItsAlertWentOutIsNeverTold() {
        var id = connection("merchant-q", "A1QUIETAGAIN1");
        amazon.revoke("A1QUIETAGAIN1");
        sweep.run();
        amazon.restore("A1QUIETAGAIN1");

        var now = worker.checkNow(id);
        afterGroupWindow();

        assertThat(now.recovered()).isEqualTo(1);
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).isEmpty();
        assertThat(events.settled()).isEmpty();
        assertThat(table.withPrefix(TableLayout.connectionKey(id)).stream().filter(i -> i.get("sk").s().startsWith("ALERT#"))).isEmpty();
    }

    @Test
    void anAuthorizationThatWorksAgainWhileItsAlertIsBeingPublishedIsFollowedByAReconnectedNotice() {
        var id = connection("merchant-p", "A1PUBLISHING1");
        worksAgainWhileItsAlertIsPublished(id, () -> { });

        afterGroupWindow();

        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(inbox.await(2)).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION", "RECONNECTED");
        assertThat(events.await(2)).extracting(e -> e.detail().path("type").asText())
                .containsExactly("connection.needs_reauthorization", "connection.reconnected");
        assertThat(pendingEntries(id)).isEmpty();
    }

    @Test
    void anAuthorizationThatWorksAgainWhileItsAlertFailsToPublishIsNeverTold() {
        var id = connection("merchant-f", "A1PUBFAILING1");
        worksAgainWhileItsAlertIsPublished(id, () -> aws.snsProxy().down());

        afterGroupWindow();
        aws.snsProxy().up();
        clock.advance(Duration.ofMinutes(15));
        sweep.run();

        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).as("neither the alert nor a notice of a fix nobody heard of").isEmpty();
        assertThat(pendingEntries(id)).isEmpty();
    }

    /**
     * The connection is refused and recorded; then, once the publisher holds its alert's lease and is
     * about to send it, a check finds the authorization working again, and {@code then} happens.
     */
    private void worksAgainWhileItsAlertIsPublished(dev.authkeeper.table.ConnectionId id, Runnable then) {
        amazon.revoke(id.accountId());
        sweep.run();
        amazon.restore(id.accountId());
        calls.beforeNext(request -> request instanceof PublishRequest publish
                && "NEEDS_REAUTHORIZATION".equals(publish.messageAttributes().get("kind").stringValue()), () -> {
                    worker.checkNow(id);
                    then.run();
                });
    }

    private java.util.List<java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> pendingEntries(
            dev.authkeeper.table.ConnectionId id) {
        return table.withPrefix(TableLayout.connectionKey(id)).stream()
                .filter(i -> i.get("sk").s().startsWith(TableLayout.ALERT_PREFIX) && i.containsKey(TableLayout.PENDING_ALERT)).toList();
    }

    @Test
    void expiryWarningsAt30And7And1DaysOnceEach() {
        var id = seeds.connection("merchant-e", "A1EXPIRY00001", now().minus(Duration.ofDays(340)));
        var warned = new ArrayList<String>();

        // 25 days left, then 24 (same threshold), 6 (crosses 7), 5, 1 (crosses 1), 0.5.
        for (Duration step : List.of(Duration.ZERO, Duration.ofDays(1), Duration.ofDays(18), Duration.ofDays(1), Duration.ofDays(4),
                Duration.ofHours(12))) {
            clock.advance(step);
            sweep.run();
        }
        inbox.settled().forEach(m -> warned.add(m.kind() + ":" + m.subject().replaceAll(".*within (\\d+) days?", "$1")));

        assertThat(warned).containsExactly("EXPIRY_WARNING:25", "EXPIRY_WARNING:6", "EXPIRY_WARNING:1");
        assertThat(table.connection(id.value()).orElseThrow().get("expiryWarnedDays").n()).isEqualTo("1");
        assertThat(events.types()).containsExactly("connection.authorization_expiring", "connection.authorization_expiring",
                "connection.authorization_expiring");
        assertThat(status(id)).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void aRotatedRefreshTokenIsStoredSealed() {
        var id = connection("merchant-r", "A1ROTATED0001");
        amazon.rotateRefreshTokens(true);

        var run = sweep.run();

        assertThat(run.total(SweepSummary::tokensRotated)).isEqualTo(1);
        String current = amazon.refreshTokenOf("A1ROTATED0001").orElseThrow();
        assertThat(cipher.open(id.value(), table.token(id)).value()).isEqualTo(current);
        assertThat(connections.find(id).orElseThrow().version()).isEqualTo(2);
        clock.advance(Duration.ofDays(1));
        assertThat(sweep.run().total(SweepSummary::valid)).isEqualTo(1);
    }
}
