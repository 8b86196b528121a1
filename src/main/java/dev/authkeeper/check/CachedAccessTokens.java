package dev.authkeeper.check;

import java.time.Instant;
import java.util.Optional;

import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.crypto.Secret;

/**
 * The access tokens the integrator API caches, as a check may use them: one it minted under the
 * connection's current {@code version} that lasts beyond {@code until}, opened. Implemented where
 * the cache lives (the integrator API), so that a check needs no more of it than this.
 */
public interface CachedAccessTokens {

    record Live(Secret accessToken, Instant expiresAt) {
    }

    Optional<Live> live(ConnectionId id, long version, Instant until);
}
