package dev.authkeeper.check;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.ReauthorizationReason;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.marketplace.Backoff;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Proves one authorization: opens its sealed refresh token and asks the marketplace for an access
 * token with the credentials of the app it was issued to, retrying only throttling, outages and
 * timeouts, never past the caller's deadline.
 */
@ApplicationScoped
public class ConnectionProof {

    private final TokenCipher cipher;
    private final Marketplaces marketplaces;
    private final SweepConfig config;
    private final Clock clock;

    public ConnectionProof(TokenCipher cipher, Marketplaces marketplaces, SweepConfig config, Clock clock) {
        this.cipher = cipher;
        this.marketplaces = marketplaces;
        this.config = config;
        this.clock = clock;
    }

    /**
     * @param giveUp true once retrying is pointless for the caller (its run found the app's credentials refused)
     */
    public CheckOutcome prove(CheckedConnection connection, Instant deadline, BooleanSupplier giveUp) {
        Secret token = cipher.open(connection.id().value(), connection.token());
        Marketplace marketplace = marketplaces.of(connection.id());
        Duration pause = config.backoff();
        for (int attempt = 1; ; attempt++) {
            switch (marketplace.refresh(connection.app(), token, deadline)) {
                case TokenResult.Granted granted -> {
                    Secret keep = granted.refreshToken().orElse(token);
                    return new CheckOutcome.Valid(granted.accessToken(), granted.expiresIn(), keep, !keep.equals(token));
                }
                case TokenResult.AuthorizationRejected rejected -> {
                    return new CheckOutcome.Revoked(reason(marketplace, connection, clock.instant()));
                }
                case TokenResult.ApplicationRejected rejected -> {
                    return new CheckOutcome.AppCredentialsBroken(rejected.error());
                }
                case TokenResult.Unexpected unexpected -> {
                    return new CheckOutcome.Unexpected(unexpected.description());
                }
                case TokenResult.Transient failure -> {
                    Duration wait = failure.retryAfter().orElse(Backoff.withJitter(pause));
                    if (attempt >= config.attempts() || giveUp.getAsBoolean() || clock.instant().plus(wait).isAfter(deadline)) {
                        return new CheckOutcome.Transient(failure.cause());
                    }
                    Backoff.pause(wait);
                    pause = pause.multipliedBy(2);
                }
            }
        }
    }

    /**
     * Past the marketplace's re-consent period (Amazon's 365 days): the periodic renewal lapsed;
     * within it, or where there is none: revoked, or the password or a permission changed.
     */
    static ReauthorizationReason reason(Marketplace marketplace, CheckedConnection connection, Instant now) {
        return marketplace.facts().authorization().reconsentEvery()
                .filter(period -> !connection.authorizedAt().plus(period).isAfter(now))
                .map(period -> ReauthorizationReason.YEARLY_RENEWAL)
                .orElse(ReauthorizationReason.REVOKED_OR_CHANGED);
    }
}
