package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;
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
    DueIndex dueIndex;
    @Inject
    CheckCadence cadence;
    @Inject
    SweepRuns runs;
    @Inject
    SweepQueue queue;
    @Inject
    PlannerUpkeep upkeep;
    @Inject
    SweepMetrics metrics;
    @Inject
    SweepConfig config;

    @Test
    void changingTheCutAtNoonNeitherFiresTheMorningsChecksAgainNorForgetsThem() {
        var ids = IntStream.range(0, 40).mapToObj(i -> connection("merchant-" + i, "A1CUT" + String.format("%06d", i))).toList();
        var morning = driver(cut(96, 2));
        // The deployment's first run checks every connection once (yesterday's slots too); then a slot every 15 minutes.
        for (int slot = 0; slot < 48; slot++) {
            morning.run();
            clock.advance(SLOT);
        }

        var afternoonCut = cut(48, 1);
        var afternoon = driver(afternoonCut);
        var first = afternoon.run();

        assertThat(first.plan().roundUnits()).as("only the current slot's units: those whose slots ended this morning wait for tomorrow")
                .isEqualTo(1);
        var lastChecked = new RoundStatus(progress, cadence, afternoonCut).reader();
        assertThat(ids).as("what the morning checked is still known under the new cut").allMatch(id -> lastChecked.apply(id).isPresent());

        int checkedInTheAfternoon = first.total(SweepSummary::valid);
        for (int slot = 1; slot < 48; slot++) {
            clock.advance(SLOT);
            checkedInTheAfternoon += afternoon.run().total(SweepSummary::valid);
        }
        long inTheAfternoon = ids.stream().filter(id -> TableLayout.checkHash(id) >= 1L << 31).count();
        assertThat(inTheAfternoon).isPositive();
        assertThat(checkedInTheAfternoon).as("each connection of the afternoon's slots once, none of the morning's again")
                .isEqualTo((int) inTheAfternoon);
    }

    private SweepDriver driver(SweepConfig cut) {
        var planner = new SweepPlanner(new UnitsDue(progress, dueIndex, cut), runs, queue, upkeep, metrics, cut, clock);
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
