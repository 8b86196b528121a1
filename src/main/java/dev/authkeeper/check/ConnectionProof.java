package dev.authkeeper.check;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.Backoff;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Proves one authorization: opens its sealed refresh token and asks the marketplace for an access
 * token with the credentials of the app it was issued to, retrying only throttling, outages and
 * timeouts, never past the caller's deadline.
 */
@ApplicationScoped
public class ConnectionProof {

    private final TokenCipher cipher;
    private final ConnectionRepository connections;
    private final Marketplaces marketplaces;
    private final SweepConfig config;
    private final Clock clock;

    public ConnectionProof(TokenCipher cipher, ConnectionRepository connections, Marketplaces marketplaces, SweepConfig config, Clock clock) {
        this.connections = connections;
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
            switch (marketplace.refresh(connection.app(), connection.id().accountId(), token, deadline)) {
                case TokenResult.Granted granted -> {
                    return valid(granted, token);
                }
                case TokenResult.AuthorizationRejected rejected -> {
                    return previous(marketplace, connection, deadline)
                            .orElseGet(() -> new CheckOutcome.Revoked(reason(marketplace, connection, clock.instant())));
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

    private static CheckOutcome.Valid valid(TokenResult.Granted granted, Secret used) {
        Secret keep = granted.refreshToken().orElse(used);
        return new CheckOutcome.Valid(granted.accessToken(), granted.expiresIn(), keep, !keep.equals(used), granted.refreshTokenExpiresIn());
    }

    /**
     * Where refresh tokens rotate and the previous one stays valid until its replacement is first
     * used (Shopify), the stored token's predecessor is kept sealed beside it: when the current one
     * is refused, the chain may still go on from the previous one (a replacement that was stored but
     * never worked). One grant at most; a refusal of that too is the refusal of the authorization.
     */
    private Optional<CheckOutcome> previous(Marketplace marketplace, CheckedConnection connection, Instant deadline) {
        if (!marketplace.facts().token().refreshToken().previousValidUntilNewUsed()) {
            return Optional.empty();
        }
        return connections.previousToken(connection.id(), connection.version())
                .map(sealed -> cipher.open(connection.id().value(), sealed))
                .flatMap(previous -> switch (marketplace.refresh(connection.app(), connection.id().accountId(), previous, deadline)) {
                    case TokenResult.Granted granted -> Optional.of(valid(granted, previous));
                    default -> Optional.<CheckOutcome>empty();
                });
    }

    /**
     * Past the marketplace's re-consent period: the periodic renewal lapsed;
     * past the end of a sliding refresh token's life (Shopify's 90 days unused): it ran out; else
     * revoked, or the password or a permission changed.
     */
    static ReauthorizationReason reason(Marketplace marketplace, CheckedConnection connection, Instant now) {
        var facts = marketplace.facts();
        if (facts.authorization().reconsentEvery().filter(period -> !connection.authorizedAt().plus(period).isAfter(now)).isPresent()) {
            return ReauthorizationReason.YEARLY_RENEWAL;
        }
        boolean slid = facts.token().refreshToken().lifetime() == MarketplaceFacts.RefreshLifetime.SLIDING;
        return slid && !connection.authorizationExpiresAt().isAfter(now) ? ReauthorizationReason.REFRESH_TOKEN_EXPIRED
                : ReauthorizationReason.REVOKED_OR_CHANGED;
    }
}
