package dev.authkeeper.crypto;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.aws.FailedCall;
import dev.authkeeper.config.KeysConfig;

/**
 * The branch keys this instance seals and opens with: the active one (created on first use,
 * rotated when older than {@code authkeeper.keys.rotation}) and any older one a token names.
 * Unwrapped keys and the active pointer are cached for {@code authkeeper.keys.cache-ttl}, so a
 * warm instance calls neither KMS nor DynamoDB. Each key loads once at a time ({@link SingleFlight}):
 * a cold sweep with many checks in flight still unwraps each branch key once. A rotation that
 * fails (KMS or DynamoDB throttled, denied, unreachable) is tried again later while the current
 * key goes on sealing: a token just received, a rotated refresh token above all, is never lost
 * for want of a newer key.
 */
@ApplicationScoped
class BranchKeys {

    private static final Logger LOG = Logger.getLogger(BranchKeys.class);
    /** How long the current key keeps sealing after a failed rotation before the next attempt. */
    static final Duration ROTATION_RETRY = Duration.ofMinutes(1);

    /** The active key as read at {@code readAt}; {@code rotateFrom}: when to try again a rotation that failed. */
    private record Pointer(BranchKeyStore.Active active, Instant readAt, Instant rotateFrom) {
        Pointer(BranchKeyStore.Active active, Instant readAt) {
            this(active, readAt, Instant.MIN);
        }
    }

    /** Rounds of "create, lose, find no pointer" before giving up: only a broken table gets there. */
    private static final int CREATE_ATTEMPTS = 3;
    private static final String POINTER = "active";

    private final BranchKeyStore store;
    private final KeysConfig config;
    private final Clock clock;
    private final BranchKeyCache cache;
    /** Loads run outside any lock: a slow KMS or DynamoDB call for one key never holds up callers of another. */
    private final SingleFlight<UUID, Boolean> unwrapping = new SingleFlight<>();
    private final SingleFlight<String, Pointer> refreshing = new SingleFlight<>();
    private volatile Pointer pointer;

    BranchKeys(BranchKeyStore store, KeysConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.cache = new BranchKeyCache(config.cacheSize(), config.cacheTtl());
        if (config.rotation().isNegative() || config.rotation().isZero()) {
            throw new IllegalArgumentException("authkeeper.keys.rotation must be positive, not " + config.rotation());
        }
    }

    /** A copy of the key to seal under now, for the caller to close. */
    BranchKey active() {
        Instant now = clock.instant();
        Pointer current = pointer;
        if (!usable(current, now)) {
            current = refreshPointer(now);
        }
        return key(current.active().branchKeyId());
    }

    /** A copy of the key a token names, for the caller to close; {@link TokenCipher.CannotOpen} if there is none. */
    BranchKey key(UUID id) {
        while (true) {
            Optional<BranchKey> cached = cache.copy(id, clock.instant());
            if (cached.isPresent()) {
                return cached.get();
            }
            unwrapping.load(id, () -> unwrap(id));
            // Read back from the cache, so that only the cache holds the plaintext; evicted meanwhile, it is loaded again.
        }
    }

    /** Unwraps the key into the cache, unless a load that ended just before put it there. */
    private Boolean unwrap(UUID id) {
        Instant now = clock.instant();
        Optional<BranchKey> loaded = cache.copy(id, now);
        if (loaded.isPresent()) {
            loaded.get().close();
            return true;
        }
        byte[] material = store.unwrap(id)
                .orElseThrow(() -> new TokenCipher.CannotOpen("a sealed token names branch key " + id + ", which does not exist"));
        cache.put(id, material, now);
        return true;
    }

    /** Forgets every cached key (zeroed) and the pointer, as a new instance starts. */
    void forget() {
        pointer = null;
        cache.clear();
    }

    /** Read within the cache TTL and naming a key not yet due for rotation, or whose failed rotation waits for its next attempt. */
    private boolean usable(Pointer current, Instant now) {
        return current != null && cache.fresh(current.readAt(), now) && (!due(current.active(), now) || now.isBefore(current.rotateFrom()));
    }

    /** Past the rotation age, or a pointer from before pointers carried a tag: nothing vouches for its key. */
    private boolean due(BranchKeyStore.Active active, Instant now) {
        return active.legacy() || !now.isBefore(active.createdAt().plus(config.rotation()));
    }

    /** The pointer read, once its tag is checked under the key it names ({@link BranchKeyStore.Tampered} if not). */
    private Optional<BranchKeyStore.Active> verified(Optional<BranchKeyStore.Active> active) {
        active.filter(a -> !a.legacy()).ifPresent(a -> {
            try (BranchKey key = key(a.branchKeyId())) {
                store.verify(a, key);
            }
        });
        return active;
    }

    /**
     * Reads the pointer; creates the first branch key, or a new one when the active one is due
     * for rotation. Whoever loses a race to create it uses the key the pointer names then.
     */
    private Pointer refreshPointer(Instant now) {
        return refreshing.load(POINTER, () -> {
            Pointer current = pointer;
            return usable(current, now) ? current : loadPointer(now);
        });
    }

    private Pointer loadPointer(Instant now) {
        Optional<BranchKeyStore.Active> active = verified(store.readActive());
        for (int attempt = 1; active.isEmpty() || due(active.get(), now); attempt++) {
            if (attempt > CREATE_ATTEMPTS) {
                throw new IllegalStateException("no active branch key after " + CREATE_ATTEMPTS + " attempts to create one");
            }
            Optional<BranchKeyStore.Created> created;
            try {
                created = store.create(active, now);
            } catch (RuntimeException e) {
                return postponed(active, now, e);
            }
            if (created.isPresent()) {
                cache.put(created.get().key().id(), created.get().key().material(), now);
                active = Optional.of(created.get().active());
                break;
            }
            // Another instance won. Until its pointer is written, the old key (if any) still seals.
            Optional<BranchKeyStore.Active> winner = verified(store.readActive());
            if (winner.isPresent()) {
                active = winner;
                break;
            }
        }
        Pointer current = new Pointer(active.orElseThrow(), now);
        pointer = current;
        return current;
    }

    /**
     * A new key could not be made: a key that is merely old (its pointer verified) seals on until
     * the next attempt; without one (the first key, or a pointer from before tags) nothing can seal.
     */
    private Pointer postponed(Optional<BranchKeyStore.Active> active, Instant now, RuntimeException e) {
        if (active.isEmpty() || active.get().legacy()) {
            throw e;
        }
        String call = FailedCall.of(e).map(FailedCall::toString).orElse(e.getClass().getSimpleName());
        LOG.errorf("OPERATOR: rotating branch key %s failed (%s); it keeps sealing, and the rotation is tried again in %s",
                active.get().branchKeyId(), call, ROTATION_RETRY);
        Pointer current = new Pointer(active.get(), now, now.plus(ROTATION_RETRY));
        pointer = current;
        return current;
    }
}
