package dev.authkeeper.crypto;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.UUID;

/**
 * Unwrapped branch keys, bounded in number (least recently used goes first) and in age. A key
 * leaving the cache, by eviction or expiry, is zeroed; callers only ever get copies.
 */
final class BranchKeyCache {

    private record Entry(byte[] material, Instant loadedAt) {
    }

    private final int capacity;
    private final Duration ttl;
    private final LinkedHashMap<UUID, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    BranchKeyCache(int capacity, Duration ttl) {
        if (capacity < 1 || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("authkeeper.keys.cache-size must be at least 1 and cache-ttl positive, not "
                    + capacity + " and " + ttl);
        }
        this.capacity = capacity;
        this.ttl = ttl;
    }

    /** A copy of a fresh key, for the caller to zero. */
    synchronized Optional<BranchKey> copy(UUID id, Instant now) {
        dropExpired(now);
        return Optional.ofNullable(entries.get(id)).map(entry -> new BranchKey(id, entry.material().clone()));
    }

    /** Takes {@code material} over (the cache zeroes it when it leaves). */
    synchronized void put(UUID id, byte[] material, Instant now) {
        dropExpired(now);
        Entry previous = entries.put(id, new Entry(material, now));
        if (previous != null && previous.material() != material) {
            Arrays.fill(previous.material(), (byte) 0);
        }
        var eldest = entries.entrySet().iterator();
        while (entries.size() > capacity) {
            Arrays.fill(eldest.next().getValue().material(), (byte) 0);
            eldest.remove();
        }
    }

    synchronized void clear() {
        entries.values().forEach(entry -> Arrays.fill(entry.material(), (byte) 0));
        entries.clear();
    }

    /** A clock moved back counts as expiry too: no key outlives its time because of a clock. */
    boolean fresh(Instant loadedAt, Instant now) {
        return !now.isBefore(loadedAt) && now.isBefore(loadedAt.plus(ttl));
    }

    private void dropExpired(Instant now) {
        var iterator = entries.values().iterator();
        while (iterator.hasNext()) {
            Entry entry = iterator.next();
            if (!fresh(entry.loadedAt(), now)) {
                Arrays.fill(entry.material(), (byte) 0);
                iterator.remove();
            }
        }
    }
}
