package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The guard in a small deployment with the production slots of the round (96 of 15 minutes):
 * a thousand connections give about ten checks a slot and forty an hour, which a fixed minimum of
 * checks in the window never reached, so every merchant was told to reauthorize.
 */
@QuarkusTest
@TestProfile(MassRejectionOverADayTest.DayOf96Slots.class)
@WithTestResource(LocalAwsResource.class)
class MassRejectionOverADayTest extends SweepTestBase {

    /**
     * The sweep function with the production cut of the round into slots, each slot one worker's
     * unit: shards only split a slot between workers, which the guard counts alike (several workers
     * counting at once: {@link MassRejectionTest}, four shards a slot), and four shards would quadruple the units of
     * every planner run, each a few DynamoDB calls even when empty. Held connections are re-tested
     * once a day instead of every hour (a thousand held connections re-tested would be most of the
     * test's time; re-tests are {@link MassRejectionTest}'s subject too).
     */
    public static class DayOf96Slots implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sweep", "authkeeper.sweep.slots", "96", "authkeeper.sweep.shards", "1",
                    "authkeeper.guard.retest-every", "P1D");
        }
    }

    /**
     * The planner runs hourly here, not every 15 minutes: each run hands out the four slots whose time
     * has come, so every hour of the guard's window holds the same checks as on the real schedule, in
     * a quarter of the runs.
     */
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void everyGrantRefusedAllDayOverAThousandConnectionsHoldsEveryAlertInOneIncident() {
        IntStream.range(0, 1000).forEach(i -> connection("merchant-" + (i % 250), "A1DAY" + String.format("%06d", i)));
        amazon.grantsOfAnotherClient(true);

        int rejections = 0;
        for (int hour = 0; hour < 24; hour++) {
            rejections += sweep.run().total(SweepSummary::rejections);
            clock.advance(HOUR);
        }
        afterGroupWindow();

        assertThat(rejections).as("every connection was checked once in the day").isEqualTo(1000);
        assertThat(inbox.settled()).as("one operator alert, no merchant told").singleElement().satisfies(m -> {
            assertThat(m.topic()).isEqualTo("operator");
            assertThat(m.kind()).isEqualTo("MASS_REJECTION");
            assertThat(m.attributes()).containsEntry("app", "default");
            assertThat(m.body()).contains("amazon").contains("app default");
        });
        assertThat(events.types()).doesNotContain("connection.needs_reauthorization");
        assertThat(table.withPrefix("INCIDENT#MASS_REJECTION").stream().filter(i -> i.get("sk").s().equals("INCIDENT")))
                .singleElement().satisfies(i -> assertThat(i.get("status").s()).isEqualTo("OPEN"));
    }

    /** Ten connections: about one every two hours, so the window never holds three rejections on its own. */
    @Test
    void everyGrantRefusedInADeploymentOfTenConnectionsTellsNoMerchant() {
        IntStream.range(0, 10).forEach(i -> connection("merchant-" + i, "A1TEN" + String.format("%06d", i)));
        amazon.grantsOfAnotherClient(true);

        for (int hour = 0; hour < 24; hour++) {
            sweep.run();
            clock.advance(HOUR);
        }
        afterGroupWindow();

        assertThat(inbox.settled()).extracting(Inbox.Message::kind).containsExactly("MASS_REJECTION");
        assertThat(events.types()).doesNotContain("connection.needs_reauthorization");
    }

    /** Ten connections, one genuinely revoked: the sample taken to weigh it works, so its merchant is told. */
    @Test
    void aSingleRevocationInADeploymentOfTenConnectionsStillAlertsItsMerchant() {
        IntStream.range(0, 10).forEach(i -> connection("merchant-" + i, "A1TENONE" + String.format("%04d", i)));
        amazon.revoke("A1TENONE0003");

        for (int hour = 0; hour < 24; hour++) {
            sweep.run();
            clock.advance(HOUR);
        }
        afterGroupWindow();

        assertThat(inbox.settled()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("NEEDS_REAUTHORIZATION");
            assertThat(m.attributes()).containsEntry("merchant", "merchant-3");
        });
    }

    @Test
    void aSingleRevocationAmongManyValidOnesStillAlertsItsMerchant() {
        IntStream.range(0, 200).forEach(i -> connection("merchant-" + i, "A1ONE" + String.format("%06d", i)));
        amazon.revoke("A1ONE000042");

        int told = 0;
        for (int hour = 0; hour < 24; hour++) {
            told += sweep.run().total(SweepSummary::needsReauthorization);
            clock.advance(HOUR);
        }
        afterGroupWindow();

        assertThat(told).isEqualTo(1);
        assertThat(inbox.settled()).singleElement().satisfies(m -> {
            assertThat(m.topic()).isEqualTo("merchant");
            assertThat(m.kind()).isEqualTo("NEEDS_REAUTHORIZATION");
            assertThat(m.attributes()).containsEntry("merchant", "merchant-42");
        });
        assertThat(inbox.settled()).extracting(Inbox.Message::kind).doesNotContain("MASS_REJECTION");
        assertThat(events.types()).containsExactly("connection.needs_reauthorization");
    }
}
