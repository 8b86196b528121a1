package dev.authkeeper.crypto;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One load per key at a time, without a lock held across it: the first caller loads, callers
 * arriving meanwhile wait for its result or its failure, and loads of other keys run beside it.
 * So a slow call for one key stalls only the callers that need that key, and only once: a failed
 * load fails its waiters together rather than each trying again in turn.
 */
public final class SingleFlight<K, V> {

    private final ConcurrentHashMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

    public V load(K key, Supplier<V> loader) {
        var mine = new CompletableFuture<V>();
        var other = running.putIfAbsent(key, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            V value = loader.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(key, mine);
        }
    }
}
