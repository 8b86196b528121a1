package dev.authkeeper.authorization;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.CallbackCheck;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Pkce;
import dev.authkeeper.marketplace.TokenResult;

/**
 * The redirect URI: consumes the state, exchanges the code for a refresh token, and stores the
 * token sealed on the connection, replacing the old one. It completes only in the browser that
 * started the authorization (its binding cookie) and for the merchant signed in there (its
 * session cookie); anything else is refused before the marketplace is called.
 */
@ApplicationScoped
public class CallbackFlow {

    private static final Logger LOG = Logger.getLogger(CallbackFlow.class);

    private final Marketplaces marketplaces;
    private final AppRoutes routes;
    private final CallbackStates states;
    private final GrantedAuthorizations grants;
    private final CallbackPages pages;
    private final Clock clock;

    public CallbackFlow(Marketplaces marketplaces, AppRoutes routes, CallbackStates states, GrantedAuthorizations grants, CallbackPages pages,
            Clock clock) {
        this.marketplaces = marketplaces;
        this.routes = routes;
        this.states = states;
        this.grants = grants;
        this.pages = pages;
        this.clock = clock;
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        App app = routes.of(request, "callback");
        Marketplace marketplace = marketplaces.of(app.marketplace());
        Instant started = clock.instant();
        var query = QueryString.parse(request.query());
        Optional<String> state = query.get("state").filter(OAuthStates::isWellFormed);
        if (state.isEmpty()) {
            LOG.info("Callback without a usable state");
            return pages.staleState(marketplace);
        }
        return switch (marketplace.checkCallback(app.name(), query)) {
            case CallbackCheck.Refused refused -> {
                LOG.infof("Refused a callback: %s", refused.reason());
                yield pages.refused(marketplace, refused.reason());
            }
            case CallbackCheck.Declined declined -> states.withState(marketplace, request, app, state.get(), Optional.empty(), pending -> {
                LOG.infof("Seller declined the authorization (merchant %s)", pending.merchantId());
                return pages.declined(marketplace, declined.reason());
            });
            case CallbackCheck.Approved approved -> states.withState(marketplace, request, app, state.get(), Optional.of(approved.accountId()),
                    pending -> approved(marketplace, pending, approved, started));
            case CallbackCheck.ApprovedUnnamed unnamed -> states.withState(marketplace, request, app, state.get(), Optional.empty(),
                    pending -> exchange(marketplace, pending, Optional.empty(), unnamed.code(), started));
        };
    }

    private ApiGatewayResponse approved(Marketplace marketplace, PendingAuthorization pending, CallbackCheck.Approved approved, Instant started) {
        // Launched from the marketplace for one account, or consented on the account's own host (a Shopify shop): no other may come back.
        Optional<String> launchedFor = pending.expectedAccountId()
                .filter(a -> pending.flow() == Flow.MARKETPLACE || marketplace.facts().accountHost().isPresent());
        if (launchedFor.isPresent() && !launchedFor.get().equals(approved.accountId())) {
            LOG.warnf("OPERATOR: %s launched an authorization for account %s but the callback names account %s "
                    + "(merchant %s): refused, nothing stored. A browser changed the account, or the marketplace sent another one.",
                    marketplace.displayName(), launchedFor.get(), approved.accountId(), pending.merchantId());
            return pages.otherAccount(marketplace, launchedFor.get(), approved.accountId());
        }
        return exchange(marketplace, pending, Optional.of(approved.accountId()), approved.code(), started);
    }

    /** Exchanges the code; where the redirect named no account ({@code named} empty), the grant names it. */
    private ApiGatewayResponse exchange(Marketplace marketplace, PendingAuthorization pending, Optional<String> named, Secret code,
            Instant started) {
        String accountId = named.orElse("(not named yet)");
        return switch (marketplace.exchangeCode(pending.app(), named, code, pending.codeVerifier().map(Pkce::new))) {
            // A code exchange is only Granted with a refresh token (Marketplace.exchangeCode).
            case TokenResult.Granted granted -> named.or(() -> granted.accountId().flatMap(marketplace::canonicalAccount))
                    .map(account -> grants.store(marketplace, pending, account, granted, started))
                    .orElseGet(() -> {
                        LOG.errorf("OPERATOR: %s granted a code exchange without naming a usable account; nothing was stored "
                                + "(merchant %s).", marketplace.displayName(), pending.merchantId());
                        return pages.unexpectedAnswer(marketplace);
                    });
            case TokenResult.AuthorizationRejected rejected -> {
                LOG.infof("Code exchange refused with %s (merchant %s, account %s)", rejected.error(), pending.merchantId(), accountId);
                yield pages.codeExpired(marketplace);
            }
            case TokenResult.ApplicationRejected rejected -> {
                LOG.errorf("OPERATOR: %s refused app %s itself (HTTP %d, %s): check its client id and secret "
                        + "and whether the secret was rotated. Merchant %s could not connect account %s.",
                        marketplace.displayName(), pending.app(), rejected.status(), rejected.error(), pending.merchantId(), accountId);
                yield pages.appRefused(marketplace);
            }
            case TokenResult.Transient failure -> {
                LOG.warnf("Code exchange failed transiently: %s (merchant %s, account %s)", failure.cause(), pending.merchantId(), accountId);
                yield pages.noAnswer(marketplace);
            }
            case TokenResult.Unexpected unexpected -> {
                LOG.errorf("OPERATOR: %s gave an unexpected answer to a code exchange (%s); nothing was stored. "
                        + "Merchant %s could not connect account %s.", marketplace.displayName(), unexpected.description(), pending.merchantId(),
                        accountId);
                yield pages.unexpectedAnswer(marketplace);
            }
        };
    }
}
