package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.SweepDriver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code SweepSlots} and {@code SweepShards} can change at any time: the change must neither hand
 * out at once every unit of the new cut whose slot has passed today (a day's worth of checks), nor
 * leave connections without a {@code lastCheckedAt} until their slot under the new cut comes.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class RoundCutChangeTest extends SweepTestBase {

    private static final Duration SLOT = Duration.ofMinutes(15);

    @Inject
    RoundProgress progress;
    @Inject
    SweepQueue queue;
    @Inject
    SweepRuns runs;
    @Inject
    MassRejectionGuard guard;
    @Inject
    LegacyMigration migration;
    @Inject
    SweepMetrics metrics;
    @Inject
    SweepConfig config;
    @Inject
    AuthKeeperConfig authKeeper;

    @Test
    void changingTheCutAtNoonNeitherFiresTheMorningsChecksAgainNorForgetsThem() {
        var ids = IntStream.range(0, 40).mapToObj(i -> connection("merchant-" + i, "A1CUT" + String.format("%06d", i))).toList();
        var morning = driver(cut(96, 4));
        int checkedInTheMorning = 0;
        for (int slot = 0; slot < 48; slot++) {
            checkedInTheMorning += morning.run().total(SweepSummary::valid);
            clock.advance(SLOT);
        }

        var afternoonCut = cut(48, 2);
        var afternoon = driver(afternoonCut);
        var first = afternoon.run();

        assertThat(first.plan().roundUnits()).as("only the current slot's units: those whose slots ended this morning wait for tomorrow")
                .isEqualTo(2);
        var lastChecked = new RoundStatus(progress, afternoonCut).reader();
        assertThat(ids.stream().filter(id -> lastChecked.apply(id).isPresent()).count())
                .as("what the morning checked is still known under the new cut").isEqualTo(checkedInTheMorning);

        int checkedInTheAfternoon = first.total(SweepSummary::valid);
        for (int slot = 1; slot < 48; slot++) {
            clock.advance(SLOT);
            checkedInTheAfternoon += afternoon.run().total(SweepSummary::valid);
        }
        assertThat(checkedInTheMorning).isPositive();
        assertThat(checkedInTheMorning + checkedInTheAfternoon).as("each connection once in the day, across the change").isEqualTo(40);
        var evening = new RoundStatus(progress, afternoonCut).reader();
        assertThat(ids).allMatch(id -> evening.apply(id).isPresent());
    }

    private SweepDriver driver(SweepConfig cut) {
        var planner = new SweepPlanner(progress, queue, runs, guard, migration, delivery, metrics, cut, dynamo, authKeeper, clock);
        return new SweepDriver(planner, worker, aws);
    }

    /** The deployment's sweep settings with another cut of the round. */
    private SweepConfig cut(int slots, int shards) {
        return (SweepConfig) Proxy.newProxyInstance(SweepConfig.class.getClassLoader(), new Class<?>[] {SweepConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "slots" -> slots;
                    case "shards" -> shards;
                    default -> {
                        try {
                            yield method.invoke(config, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }
}
