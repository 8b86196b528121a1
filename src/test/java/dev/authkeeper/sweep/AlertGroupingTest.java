package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Alerts reach a merchant once, grouped as a merchant expects, whatever runs, workers and shards recorded them. */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class AlertGroupingTest extends SweepTestBase {

    @Test
    void oneMerchantsFailuresAcrossShardsAndRunsArriveAsOneDigestWordedByCause() {
        // Enough connections that the merchant's are spread over several of the round's shards.
        var ids = java.util.stream.IntStream.range(0, 6).mapToObj(i -> connection("merchant-d", "A1DIGEST0000" + i)).toList();
        connection("merchant-other", "A1UNRELATED01");
        amazon.revoke("A1DIGEST00000");
        amazon.revoke("A1DIGEST00001");
        amazon.revoke("A1DIGEST00002");

        sweep.run(3);
        // Twenty minutes later, another of the merchant's connections is found revoked by "check now".
        clock.advance(Duration.ofMinutes(20));
        amazon.revoke("A1DIGEST00003");
        worker.checkNow(ids.get(3));
        assertThat(inbox.settled()).isEmpty();

        afterGroupWindow();
        afterGroupWindow();

        var messages = inbox.settled();
        assertThat(messages).hasSize(1);
        var digest = messages.get(0);
        assertThat(digest.kind()).isEqualTo("NEEDS_REAUTHORIZATION");
        assertThat(digest.attributes()).containsEntry("merchant", "merchant-d").containsEntry("digest", "4")
                .containsEntry("severity", "HIGH").containsEntry("marketplace", "amazon");
        assertThat(digest.attributes().get("connection")).contains("A1DIGEST00000").contains("A1DIGEST00003");
        assertThat(digest.body()).contains("4 of your Amazon connections").contains("company-wide password reset")
                .contains("A1DIGEST00000").contains("A1DIGEST00003").doesNotContain("A1DIGEST00004");
        assertThat(table.items().stream().filter(i -> i.get("sk").s().startsWith("ALERT#") && i.get("kind").s().equals("NEEDS_REAUTHORIZATION")))
                .hasSize(4).allMatch(i -> i.containsKey("sentAt") && !i.containsKey(TableLayout.PENDING_ALERT));
    }

    @Test
    void aDigestOfDifferentCausesNamesEachAndRemindersAreGroupedToo() {
        var revoked = connection("merchant-c", "A1CAUSE000001");
        var lapsed = seeds.connection("merchant-c", "A1CAUSE000002", now().minus(Duration.ofDays(366)));
        amazon.revoke("A1CAUSE000001");
        amazon.revoke("A1CAUSE000002");

        sweep.run();
        afterGroupWindow();
        clock.advance(Duration.ofDays(1));
        sweep.run();
        afterGroupWindow();

        var messages = inbox.settled();
        assertThat(messages).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION", "REMINDER");
        assertThat(messages.get(0).body()).contains("different reasons").contains("yearly renewal lapsed")
                .contains("revoked, or the password").doesNotContain("company-wide");
        assertThat(messages.get(1).subject()).startsWith("Reminder: 2 Amazon connections");
        assertThat(List.of(revoked, lapsed)).allMatch(id -> status(id) == ConnectionStatus.NEEDS_REAUTHORIZATION);
    }

    @Test
    void overlappingDeliveriesAndALongDelaySendEachAlertExactlyOnce() throws Exception {
        healthyNeighbours(20);
        for (int i = 0; i < 5; i++) {
            connection("merchant-" + i, "A1ONCE0000" + i);
            amazon.revoke("A1ONCE0000" + i);
        }
        sweep.run();
        // Far longer than a publisher's lease: nothing is leased until it is published.
        clock.advance(Duration.ofHours(3));

        var deadline = now().plus(Duration.ofMinutes(1));
        var a = CompletableFuture.supplyAsync(() -> delivery.deliverDue(deadline));
        var b = CompletableFuture.supplyAsync(() -> delivery.deliverDue(deadline));
        var c = CompletableFuture.supplyAsync(() -> sweep.run());
        int sent = a.get().messages() + b.get().messages() + c.get().plan().alertsSent();

        assertThat(sent).as("five alerts and five events").isEqualTo(10);
        assertThat(inbox.settled()).extracting(m -> m.attributes().get("connection")).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void anAlertWhosePublishFailedIsSentByTheNextPassExactlyOnce() {
        connection("merchant-p", "A1PUBLISH0001");
        amazon.revoke("A1PUBLISH0001");
        sweep.run();
        aws.snsProxy().down();

        afterGroupWindow();

        assertThat(inbox.settled()).isEmpty();
        aws.snsProxy().up();
        clock.advance(Duration.ofMinutes(3));
        var second = sweep.run();
        assertThat(inbox.await(1)).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION");
        var third = sweep.run();

        assertThat(second.plan().alertsSent()).isEqualTo(1);
        assertThat(third.plan().alertsSent()).isZero();
        assertThat(inbox.settled()).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION");
    }

    @Test
    void deliveryStopsAtItsDeadlineAndTheRestWaitsForTheNextPass() {
        healthyNeighbours(20);
        for (int i = 0; i < 3; i++) {
            connection("merchant-" + i, "A1BUDGET0000" + i);
            amazon.revoke("A1BUDGET0000" + i);
        }
        sweep.run();
        clock.advance(Duration.ofHours(2));

        var none = delivery.deliverDue(now().plusSeconds(1));
        var all = delivery.deliverDue(now().plus(Duration.ofMinutes(1)));

        assertThat(none.messages()).isZero();
        assertThat(none.stoppedEarly()).isTrue();
        assertThat(all.messages()).as("three alerts and three events").isEqualTo(6);
        assertThat(inbox.settled()).hasSize(3);
        assertThat(events.settled()).hasSize(3);
    }

    @Test
    void sentAlertsAndHistoryEntriesExpireAfterTheirRetention() {
        var id = connection("merchant-t", "A1RETAINED001");
        amazon.revoke("A1RETAINED001");
        sweep.run();
        afterGroupWindow();

        var stored = table.items().stream().filter(i -> i.get("pk").s().equals(TableLayout.connectionKey(id))
                && (i.get("sk").s().startsWith("ALERT#") || i.get("sk").s().startsWith("HISTORY#"))).toList();

        assertThat(stored).hasSize(4).allSatisfy(item -> {
            // History from when it happened, an alert from when it was sent.
            var from = java.time.Instant.parse(item.containsKey("sentAt") ? item.get("sentAt").s() : item.get("at").s());
            assertThat(Long.parseLong(item.get(TableLayout.TTL).n())).isEqualTo(from.plus(Duration.ofDays(400)).getEpochSecond());
        });
        assertThat(stored).anyMatch(i -> i.getOrDefault("sentAt", AttributeValue.fromS("")).s().length() > 0);
    }

    /**
     * Working connections beside the revoked ones: a round in which every connection of an app is
     * refused is what broken app credentials look like, and the mass-rejection guard holds its alerts.
     */
    private void healthyNeighbours(int count) {
        for (int i = 0; i < count; i++) {
            connection("merchant-healthy", "A1HEALTHY%04d".formatted(i));
        }
    }
}
