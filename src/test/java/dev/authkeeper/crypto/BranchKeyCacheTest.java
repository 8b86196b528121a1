package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class BranchKeyCacheTest {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    static byte[] material(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return bytes;
    }

    @Test
    void theLeastRecentlyUsedKeyLeavesFirstAndIsZeroed() {
        var cache = new BranchKeyCache(2, Duration.ofMinutes(10));
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        byte[] aMaterial = material(1);
        byte[] bMaterial = material(2);
        cache.put(a, aMaterial, T0);
        cache.put(b, bMaterial, T0);
        cache.copy(a, T0).orElseThrow().close(); // a used last: b is now the eldest

        cache.put(c, material(3), T0);

        assertThat(cache.copy(b, T0)).isEmpty();
        assertThat(bMaterial).containsOnly(0);
        assertThat(cache.copy(a, T0).orElseThrow().material()).containsOnly(1);
        assertThat(aMaterial).containsOnly(1);
    }

    @Test
    void anExpiredKeyIsZeroedAtTheNextUseOfTheCacheWhicheverKeyItAsksFor() {
        var cache = new BranchKeyCache(4, Duration.ofMinutes(10));
        UUID old = UUID.randomUUID();
        byte[] oldMaterial = material(7);
        cache.put(old, oldMaterial, T0);

        assertThat(cache.copy(UUID.randomUUID(), T0.plus(Duration.ofMinutes(10)))).isEmpty();

        assertThat(oldMaterial).containsOnly(0);
        assertThat(cache.copy(old, T0)).isEmpty();
    }

    @Test
    void aCopyHandedOutIsNotTheCachedArray() {
        var cache = new BranchKeyCache(1, Duration.ofMinutes(10));
        UUID id = UUID.randomUUID();
        cache.put(id, material(5), T0);

        cache.copy(id, T0).orElseThrow().close();

        assertThat(cache.copy(id, T0.plusSeconds(1)).orElseThrow().material()).containsOnly(5);
    }

    @Test
    void aClockMovedBackCountsAsExpiry() {
        var cache = new BranchKeyCache(1, Duration.ofMinutes(10));
        UUID id = UUID.randomUUID();
        cache.put(id, material(5), T0);

        assertThat(cache.copy(id, T0.minusSeconds(1))).isEmpty();
    }
}
