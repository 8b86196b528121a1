package dev.authkeeper.authorization;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.table.ConnectionId;

/**
 * Keeps what a callback's code exchange granted: the refresh token sealed on the connection,
 * replacing the old one, or a claim for support where another merchant holds the account.
 */
@ApplicationScoped
public class GrantedAuthorizations {

    /** The callback's own category, which its log lines have always had. */
    private static final Logger LOG = Logger.getLogger(CallbackFlow.class);
    /** Publishing what the callback recorded ends within this of the request's start, inside the function's 25 s. */
    private static final Duration RESPONSE_BUDGET = Duration.ofSeconds(22);

    private final TokenCipher cipher;
    private final AuthorizationRecorder recorder;
    private final SellerConflicts conflicts;
    private final CallbackPages pages;
    private final Clock clock;

    public GrantedAuthorizations(TokenCipher cipher, AuthorizationRecorder recorder, SellerConflicts conflicts, CallbackPages pages,
            Clock clock) {
        this.cipher = cipher;
        this.recorder = recorder;
        this.conflicts = conflicts;
        this.pages = pages;
        this.clock = clock;
    }

    /**
     * The authorization ends at the marketplace's rule, or sooner where the answer says its refresh
     * token ends sooner (TikTok Shop's seller-chosen period, eBay's fixed lifetime).
     */
    ApiGatewayResponse store(Marketplace marketplace, PendingAuthorization pending, String accountId, TokenResult.Granted granted,
            Instant started) {
        Instant now = clock.instant();
        var id = new ConnectionId(marketplace.id(), pending.region(), accountId);
        Instant byRule = marketplace.authorizationExpiresAt(now);
        Instant expiresAt = granted.refreshTokenExpiresIn().map(now::plus).filter(stated -> stated.isBefore(byRule)).orElse(byRule);
        var authorization = new Authorization(id, pending.merchantId(), pending.app(), pending.origin(), pending.flow(),
                cipher.seal(id.value(), granted.refreshToken().orElseThrow()), now, expiresAt);
        var recorded = recorder.record(authorization, started.plus(RESPONSE_BUDGET));
        return switch (recorded) {
            case ConnectionRepository.Recorded.HeldByAnotherMerchant held -> {
                LOG.warnf("Account %s is connected to another merchant; merchant %s claims it: conflict recorded for support",
                        id, pending.merchantId());
                conflicts.record(authorization, now);
                yield pages.heldByAnotherMerchant(marketplace, id);
            }
            case ConnectionRepository.Recorded.Saved saved -> {
                Optional<ConnectionId> expected = pending.expectedConnection().filter(e -> !e.equals(id));
                LOG.infof("Connection %s authorized by merchant %s for app %s (%s flow)%s", id, pending.merchantId(), pending.app(),
                        pending.flow(),
                        expected.map(e -> "; expected " + e + ", which stays disconnected").orElse(""));
                yield pages.connected(marketplace, id, expected, authorization.authorizationExpiresAt());
            }
        };
    }
}
