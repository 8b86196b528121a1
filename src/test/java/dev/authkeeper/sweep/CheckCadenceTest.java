package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/** The rounds a connection checked less often than every round is proved in: once in each span of them, spread evenly. */
class CheckCadenceTest {

    static final Duration DAY = Duration.ofDays(1);

    @Test
    void checkEveryIsCountedInRoundsRoundingUp() {
        assertThat(CheckCadence.rounds(Duration.ofDays(7), DAY)).isEqualTo(7);
        assertThat(CheckCadence.rounds(Duration.ofDays(1), DAY)).isEqualTo(1);
        assertThat(CheckCadence.rounds(Duration.ofDays(7), Duration.ofDays(2))).isEqualTo(4);
        assertThat(CheckCadence.rounds(Duration.ofDays(1), Duration.ofDays(2))).as("a round longer than the interval: every round").isEqualTo(1);
        assertThat(CheckCadence.rounds(Duration.ofDays(1), Duration.ofMinutes(2))).as("rounds shorter than a day count as days").isEqualTo(1);
        assertThat(CheckCadence.rounds(Duration.ofDays(7), Duration.ofMinutes(2))).isEqualTo(7);
    }

    @Test
    void everyConnectionIsProvedExactlyOnceInAnySevenConsecutiveRounds() {
        var hashes = IntStream.range(0, 2_000).mapToObj(i -> ConnectionId.of("shopify", "shop-" + i + ".myshopify.com"))
                .mapToLong(TableLayout::checkHash).toArray();
        for (long first : new long[] {0, 20_431, 20_432, 20_433}) {
            for (long hash : hashes) {
                long turns = LongStream.range(first, first + 7).filter(round -> CheckCadence.lastTurn(round, hash, 7) == round).count();
                assertThat(turns).isEqualTo(1);
            }
        }
    }

    @Test
    void theChecksOfARoundAreSpreadEvenlyOverTheRounds() {
        var hashes = IntStream.range(0, 7_000).mapToObj(i -> ConnectionId.of("etsy", String.valueOf(81_000_000 + i)))
                .mapToLong(TableLayout::checkHash).toArray();
        for (long round = 20_431; round < 20_438; round++) {
            long r = round;
            long checked = LongStream.of(hashes).filter(hash -> CheckCadence.lastTurn(r, hash, 7) == r).count();
            assertThat(checked).as("round %d", round).isBetween(850L, 1_150L);
        }
    }

    @Test
    void everyRoundWhenChecksAreDaily() {
        long hash = TableLayout.checkHash(ConnectionId.of("amazon", "A1CADENCE00001"));
        assertThat(LongStream.range(0, 30).allMatch(round -> CheckCadence.lastTurn(round, hash, 1) == round)).isTrue();
    }
}
