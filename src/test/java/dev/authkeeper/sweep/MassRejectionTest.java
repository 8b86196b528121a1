package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * invalid_grant also means "this grant was issued to another client": a wrong client id in the
 * secret must not tell every merchant to reauthorize, nor leave them broken once it is fixed.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class MassRejectionTest extends SweepTestBase {

    @Test
    void aWrongClientIdHoldsEveryAlertAndTheFixRestoresEveryConnectionSilently() {
        var ids = IntStream.range(0, 60).mapToObj(i -> connection("merchant-" + (i % 12), "A1MASS" + String.format("%05d", i))).toList();
        amazon.grantsOfAnotherClient(true);

        var run = sweep.run();

        assertThat(run.total(SweepSummary::rejections)).isEqualTo(60);
        var operator = inbox.await(1);
        assertThat(operator).extracting(Inbox.Message::kind).containsExactly("MASS_REJECTION");
        assertThat(operator.get(0).topic()).isEqualTo("operator");
        assertThat(operator.get(0).body()).contains("client id").contains("held");
        // Nothing for merchants, then or after the group window; nothing the app would show as "reauthorize".
        afterGroupWindow();
        assertThat(inbox.settled()).extracting(Inbox.Message::kind).containsExactly("MASS_REJECTION");
        assertThat(events.types()).doesNotContain("connection.needs_reauthorization");
        assertThat(table.items().stream().filter(i -> "HELD".equals(i.getOrDefault(TableLayout.PENDING_ALERT,
                dev.authkeeper.table.Attributes.s("")).s()))).hasSize(120);

        // Still wrong an hour later: re-tested, still held.
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        sweep.run();
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.NEEDS_REAUTHORIZATION);

        // The secret is fixed: the next re-tests succeed, every connection is ACTIVE again, nobody was told.
        amazon.grantsOfAnotherClient(false);
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        var fixed = sweep.run();
        clock.advance(Duration.ofHours(2));
        sweep.run();

        assertThat(fixed.total(SweepSummary::recovered)).isEqualTo(60);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).extracting(Inbox.Message::kind).containsExactly("MASS_REJECTION");
        assertThat(events.types()).doesNotContain("connection.needs_reauthorization", "connection.reconnected");
        assertThat(table.withPrefix("INCIDENT#MASS_REJECTION").stream().filter(i -> i.get("sk").s().equals("INCIDENT")))
                .singleElement().satisfies(i -> assertThat(i.get("status").s()).isEqualTo("RESOLVED"));
    }

    @Test
    void aGenuineRevocationAmongHeldOnesIsToldOnceTheIncidentIsOver() {
        var ids = IntStream.range(0, 60).mapToObj(i -> connection("merchant-" + (i % 12), "A1GENU" + String.format("%05d", i))).toList();
        amazon.grantsOfAnotherClient(true);
        sweep.run();
        amazon.grantsOfAnotherClient(false);
        amazon.revoke("A1GENU00007");

        int recovered = 0;
        int released = 0;
        for (int hour = 0; hour < 5; hour++) {
            clock.advance(Duration.ofHours(1).plusMinutes(1));
            var run = sweep.run();
            recovered += run.total(SweepSummary::recovered);
            released += run.total(SweepSummary::released);
        }

        assertThat(recovered).isEqualTo(59);
        assertThat(released).isEqualTo(1);
        assertThat(status(ids.get(7))).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        var merchantAlerts = inbox.settled().stream().filter(m -> m.topic().equals("merchant")).toList();
        assertThat(merchantAlerts).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("NEEDS_REAUTHORIZATION");
            assertThat(m.attributes()).containsEntry("connection", ids.get(7).value());
        });
        assertThat(events.types()).containsExactly("connection.needs_reauthorization");
    }

    @Test
    void aFewRejectionsAmongManyChecksAreNotAMassRejection() {
        IntStream.range(0, 60).forEach(i -> connection("merchant-" + i, "A1FEW" + String.format("%05d", i)));
        for (int i = 0; i < 5; i++) {
            amazon.revoke("A1FEW" + String.format("%05d", i));
        }

        var run = sweep.run();
        afterGroupWindow();

        assertThat(run.total(SweepSummary::needsReauthorization)).isEqualTo(5);
        assertThat(run.total(SweepSummary::held)).isZero();
        assertThat(inbox.settled()).extracting(Inbox.Message::kind).hasSize(5).containsOnly("NEEDS_REAUTHORIZATION");
    }
}
