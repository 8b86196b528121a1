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
import dev.authkeeper.marketplace.AccessProbe;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Proves one authorization: opens its sealed refresh token and asks the marketplace for an access
 * token with the credentials of the app it was issued to, retrying only throttling, outages and
 * timeouts, never past the caller's deadline. Where refreshes rotate and an access token can prove
 * the authorization ({@link Marketplace#probesAccessTokens()}), a check uses a live cached access
 * token instead, and refreshes only without one or near the end of the refresh token's life.
 */
@ApplicationScoped
public class ConnectionProof {

    private final TokenCipher cipher;
    private final ConnectionRepository connections;
    private final CachedAccessTokens accessTokens;
    private final Marketplaces marketplaces;
    private final SweepConfig config;
    private final Clock clock;

    public ConnectionProof(TokenCipher cipher, ConnectionRepository connections, CachedAccessTokens accessTokens, Marketplaces marketplaces,
            SweepConfig config, Clock clock) {
        this.connections = connections;
        this.accessTokens = accessTokens;
        this.cipher = cipher;
        this.marketplaces = marketplaces;
        this.config = config;
        this.clock = clock;
    }

    /**
     * A check: a live access token proves the authorization where the marketplace allows it and no
     * refresh is due; otherwise, or when the token proves nothing, a refresh grant ({@link #refresh}).
     *
     * @param giveUp true once retrying is pointless for the caller (its run found the app's credentials refused)
     */
    public CheckOutcome prove(CheckedConnection connection, Instant deadline, BooleanSupplier giveUp) {
        Marketplace marketplace = marketplaces.of(connection.id());
        Instant now = clock.instant();
        boolean refreshDue = !connection.authorizationExpiresAt().isAfter(now.plus(config.refreshMargin()));
        if (marketplace.probesAccessTokens() && !connection.nonExpiring() && !refreshDue) {
            var live = accessTokens.live(connection.id(), connection.version(), deadline);
            if (live.isPresent() && marketplace.probe(connection.id().accountId(), live.get().accessToken(), deadline)
                    instanceof AccessProbe.Alive) {
                Secret stored = cipher.open(connection.id().value(), connection.token());
                Duration left = Duration.between(clock.instant(), live.get().expiresAt());
                return new CheckOutcome.Valid(live.get().accessToken(), left, stored, false);
            }
        }
        return refresh(connection, deadline, giveUp);
    }

    /**
     * A refresh grant, whatever the marketplace: what a new access token needs. A non-expiring token
     * still stored is traded for an expiring pair instead, which is stored as a rotation.
     *
     * @param giveUp true once retrying is pointless for the caller (its run found the app's credentials refused)
     */
    public CheckOutcome refresh(CheckedConnection connection, Instant deadline, BooleanSupplier giveUp) {
        Secret token = cipher.open(connection.id().value(), connection.token());
        Marketplace marketplace = marketplaces.of(connection.id());
        Duration pause = config.backoff();
        for (int attempt = 1; ; attempt++) {
            String account = connection.id().accountId();
            TokenResult result = connection.nonExpiring() ? marketplace.migrate(connection.app(), account, token, deadline)
                    : marketplace.refresh(connection.app(), account, token, deadline);
            switch (result) {
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
        if (!marketplace.facts().token().refreshToken().previousValidUntilNewUsed() || connection.nonExpiring()) {
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
     * Past the marketplace's re-consent period, or past the end of an authorization that needs
     * re-consent (TikTok Shop's seller-chosen period): the periodic renewal lapsed; past the end of a
     * refresh token's life, sliding (Shopify's 90 days unused) or fixed (eBay's 18 months from
     * consent): it ran out; else revoked, or the password or a permission changed.
     */
    static ReauthorizationReason reason(Marketplace marketplace, CheckedConnection connection, Instant now) {
        var facts = marketplace.facts();
        boolean ended = !connection.authorizationExpiresAt().isAfter(now);
        var reconsent = facts.authorization().reconsentEvery();
        if (reconsent.isPresent() && (ended || !connection.authorizedAt().plus(reconsent.get()).isAfter(now))) {
            return ReauthorizationReason.YEARLY_RENEWAL;
        }
        boolean ends = facts.token().refreshToken().lifetime() != MarketplaceFacts.RefreshLifetime.UNLIMITED;
        return ends && ended ? ReauthorizationReason.REFRESH_TOKEN_EXPIRED : ReauthorizationReason.REVOKED_OR_CHANGED;
    }
}
