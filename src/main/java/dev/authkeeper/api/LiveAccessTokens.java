package dev.authkeeper.api;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.check.CachedAccessTokens;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.crypto.TokenKind;

/** A check's view of {@link AccessTokenCache}: a token minted under the connection's version that is still fresh, opened. */
@ApplicationScoped
class LiveAccessTokens implements CachedAccessTokens {

    private final AccessTokenCache cache;
    private final TokenCipher cipher;

    LiveAccessTokens(AccessTokenCache cache, TokenCipher cipher) {
        this.cache = cache;
        this.cipher = cipher;
    }

    @Override
    public Optional<Live> live(ConnectionId id, long version, Instant until) {
        var entry = cache.entry(id);
        if (!entry.freshFor(version, until)) {
            return Optional.empty();
        }
        return Optional.of(new Live(cipher.open(TokenKind.ACCESS, id.value(), entry.token().orElseThrow()), entry.expiresAt().orElseThrow()));
    }
}
