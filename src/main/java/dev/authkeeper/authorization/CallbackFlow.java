package dev.authkeeper.authorization;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.Page;
import dev.authkeeper.http.Pages;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.CallbackCheck;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Pkce;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.marketplace.Uris;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.table.ConnectionId;

/**
 * The redirect URI: consumes the state, exchanges the code for a refresh token, and stores the
 * token sealed on the connection, replacing the old one. It completes only in the browser that
 * started the authorization (its binding cookie) and for the merchant signed in there (its
 * session cookie); anything else is refused before the marketplace is called.
 */
@ApplicationScoped
public class CallbackFlow {

    private static final Logger LOG = Logger.getLogger(CallbackFlow.class);
    /** Publishing what the callback recorded ends within this of the request's start, inside the function's 25 s. */
    private static final Duration RESPONSE_BUDGET = Duration.ofSeconds(22);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy").withZone(ZoneOffset.UTC);

    private final Marketplaces marketplaces;
    private final AppRoutes routes;
    private final OAuthStates states;
    private final BrowserBindings bindings;
    private final MerchantSessions sessions;
    private final TokenCipher cipher;
    private final ConnectionRepository connections;
    private final SellerConflicts conflicts;
    private final AuthorizationRecorder recorder;
    private final Pages pages;
    private final AuthKeeperConfig config;
    private final Clock clock;

    public CallbackFlow(Marketplaces marketplaces, AppRoutes routes, OAuthStates states, BrowserBindings bindings,
            MerchantSessions sessions, TokenCipher cipher, ConnectionRepository connections, SellerConflicts conflicts,
            AuthorizationRecorder recorder, Pages pages, AuthKeeperConfig config, Clock clock) {
        this.marketplaces = marketplaces;
        this.routes = routes;
        this.states = states;
        this.bindings = bindings;
        this.sessions = sessions;
        this.cipher = cipher;
        this.connections = connections;
        this.conflicts = conflicts;
        this.recorder = recorder;
        this.pages = pages;
        this.config = config;
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
            return staleState(marketplace);
        }
        return switch (marketplace.checkCallback(app.name(), query)) {
            case CallbackCheck.Refused refused -> {
                LOG.infof("Refused a callback: %s", refused.reason());
                yield pages.render(Page.of(400, "This authorization cannot be completed", refused.reason(),
                        StartAgain.from(marketplace)));
            }
            case CallbackCheck.Declined declined -> withState(marketplace, request, app, state.get(), Optional.empty(), pending -> {
                LOG.infof("Seller declined the authorization (merchant %s)", pending.merchantId());
                return pages.render(Page.of(200, marketplace.displayName() + " was not connected", declined.reason(),
                        "Nothing was changed. " + StartAgain.from(marketplace)));
            });
            case CallbackCheck.Approved approved -> withState(marketplace, request, app, state.get(), Optional.of(approved.accountId()),
                    pending -> approved(marketplace, pending, approved, started));
            case CallbackCheck.ApprovedUnnamed unnamed -> withState(marketplace, request, app, state.get(), Optional.empty(),
                    pending -> exchange(marketplace, pending, Optional.empty(), unnamed.code(), started));
        };
    }

    /**
     * Reads the state, then spends it; only a valid one, used in the browser that started the flow
     * by the merchant who started it, is spent and lets the flow go on. Without a binding cookie or a session the
     * state is left alone: nothing this browser could do with it.
     */
    private ApiGatewayResponse withState(Marketplace marketplace, ApiGatewayRequest request, App app, String state, Optional<String> account,
            Function<PendingAuthorization, ApiGatewayResponse> next) {
        Instant now = clock.instant();
        var binding = bindings.presented(request);
        if (binding.isEmpty()) {
            LOG.info("Callback without the browser-binding cookie: refused, the state stays unused");
            return otherBrowserOrAccount(marketplace);
        }
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), now);
        if (merchant.isEmpty()) {
            LOG.info("Callback without a valid session: refused, the state stays unused");
            return signedOut(marketplace);
        }
        // Checked before the state is spent: a refused browser or merchant leaves it to the one that started the flow.
        return switch (states.peek(state, now)) {
            case OAuthStates.Consumed.Unknown unknown -> account.flatMap(a -> recentlyConnected(marketplace, merchant.get(), a, now))
                    .map(connection -> {
                        LOG.infof("Callback used again: connection %s of merchant %s is already authorized", connection.id(),
                                merchant.get());
                        return connected(marketplace, connection.id(), Optional.empty(), connection.authorizationExpiresAt());
                    })
                    .orElseGet(() -> {
                        LOG.info("Callback with an unknown or already used state");
                        return staleState(marketplace);
                    });
            case OAuthStates.Consumed.Expired expired -> {
                LOG.infof("Callback with an expired state (merchant %s)", expired.pending().merchantId());
                yield staleState(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !valid.pending().marketplace().equals(marketplace.id()) -> {
                LOG.infof("Callback with a state issued for %s", valid.pending().marketplace());
                yield staleState(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !valid.pending().app().equals(app.name()) -> {
                LOG.warnf("OPERATOR: the callback of app %s received a state issued for app %s (merchant %s): refused, nothing stored. "
                        + "Check that each app's redirect URI in the Developer Console is its own callback route.", app.name(),
                        valid.pending().app(), valid.pending().merchantId());
                yield otherApp(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !binding.get().matches(valid.pending().bindingHash()) -> {
                LOG.warnf("Callback refused: the authorization of merchant %s was started in another browser", valid.pending().merchantId());
                yield otherBrowserOrAccount(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !valid.pending().merchantId().equals(merchant.get()) -> {
                LOG.warnf("Callback refused: the authorization of merchant %s came back signed in as merchant %s",
                        valid.pending().merchantId(), merchant.get());
                yield otherBrowserOrAccount(marketplace);
            }
            case OAuthStates.Consumed.Valid valid -> switch (states.consume(state, now)) {
                case OAuthStates.Consumed.Valid spent -> next.apply(spent.pending());
                case OAuthStates.Consumed.Expired expired -> staleState(marketplace);
                case OAuthStates.Consumed.Unknown raced -> {
                    LOG.info("Callback whose state another request used first");
                    yield staleState(marketplace);
                }
            };
        };
    }

    /** A reload of the callback that already connected this account for this merchant, within a state's lifetime. */
    private Optional<Connection> recentlyConnected(Marketplace marketplace, String merchant, String account, Instant now) {
        Instant since = now.minus(config.state().lifetime());
        return connections.ofMerchant(merchant).stream()
                .filter(c -> c.id().marketplace().equals(marketplace.id()) && c.id().accountId().equals(account))
                .filter(c -> c.status() == ConnectionStatus.ACTIVE && !c.authorizedAt().isBefore(since))
                .findFirst();
    }

    private ApiGatewayResponse approved(Marketplace marketplace, PendingAuthorization pending, CallbackCheck.Approved approved, Instant started) {
        // Launched from the marketplace for one account, or consented on the account's own host (a Shopify shop): no other may come back.
        Optional<String> launchedFor = pending.expectedAccountId()
                .filter(a -> pending.flow() == Flow.MARKETPLACE || marketplace.facts().accountHost().isPresent());
        if (launchedFor.isPresent() && !launchedFor.get().equals(approved.accountId())) {
            LOG.warnf("OPERATOR: %s launched an authorization for account %s but the callback names account %s "
                    + "(merchant %s): refused, nothing stored. A browser changed the account, or the marketplace sent another one.",
                    marketplace.displayName(), launchedFor.get(), approved.accountId(), pending.merchantId());
            return pages.render(Page.of(400, "This authorization names a different " + marketplace.displayName() + " account",
                    marketplace.displayName() + " started this authorization for the account " + launchedFor.get()
                            + ", but it came back for " + approved.accountId() + ". Nothing was changed.",
                    StartAgain.from(marketplace)));
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
                    .map(account -> store(marketplace, pending, account, granted, started))
                    .orElseGet(() -> {
                        LOG.errorf("OPERATOR: %s granted a code exchange without naming a usable account; nothing was stored "
                                + "(merchant %s).", marketplace.displayName(), pending.merchantId());
                        return unexpectedAnswer(marketplace);
                    });
            case TokenResult.AuthorizationRejected rejected -> {
                LOG.infof("Code exchange refused with %s (merchant %s, account %s)", rejected.error(), pending.merchantId(), accountId);
                yield pages.render(Page.of(400, "The authorization code has expired",
                        marketplace.displayName() + " did not accept the authorization: it is valid for a few minutes and only once.",
                        StartAgain.from(marketplace)));
            }
            case TokenResult.ApplicationRejected rejected -> {
                LOG.errorf("OPERATOR: %s refused app %s itself (HTTP %d, %s): check its client id and secret "
                        + "and whether the secret was rotated. Merchant %s could not connect account %s.",
                        marketplace.displayName(), pending.app(), rejected.status(), rejected.error(), pending.merchantId(), accountId);
                yield pages.render(Page.of(502, "We could not finish connecting your account",
                        "This is a problem on our side, not with your " + marketplace.displayName() + " account or anything you did. "
                                + "Our team has been alerted.",
                        "Please try again later from " + StartAgain.place(marketplace) + "."));
            }
            case TokenResult.Transient failure -> {
                LOG.warnf("Code exchange failed transiently: %s (merchant %s, account %s)", failure.cause(), pending.merchantId(), accountId);
                yield pages.render(Page.of(503, marketplace.displayName() + " did not answer in time",
                        "Your account was not connected because " + marketplace.displayName() + "'s sign-in service did not respond.",
                        "Please wait a minute, then start again from " + StartAgain.place(marketplace) + "."));
            }
            case TokenResult.Unexpected unexpected -> {
                LOG.errorf("OPERATOR: %s gave an unexpected answer to a code exchange (%s); nothing was stored. "
                        + "Merchant %s could not connect account %s.", marketplace.displayName(), unexpected.description(), pending.merchantId(),
                        accountId);
                yield unexpectedAnswer(marketplace);
            }
        };
    }

    private ApiGatewayResponse unexpectedAnswer(Marketplace marketplace) {
        return pages.render(Page.of(502, marketplace.displayName() + " gave an unexpected answer",
                "Your account was not connected and nothing was changed. Our team can see what happened.",
                "Please try again later from " + StartAgain.place(marketplace) + "."));
    }

    /**
     * The authorization ends at the marketplace's rule, or sooner where the answer says its refresh
     * token ends sooner (TikTok Shop's seller-chosen period, eBay's fixed lifetime).
     */
    private ApiGatewayResponse store(Marketplace marketplace, PendingAuthorization pending, String accountId, TokenResult.Granted granted,
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
                yield pages.render(Page.of(409, "This " + marketplace.displayName() + " account is connected to another account",
                        "The " + marketplace.displayName() + " account " + id.accountId() + " is already connected to a different " + config.integratorName()
                                + " account, so nothing was changed.",
                        "Our support team has been told and will sort out which account it belongs to. "
                                + "If you also have that other account, you can sign in with it and reconnect from there."));
            }
            case ConnectionRepository.Recorded.Saved saved -> {
                Optional<ConnectionId> expected = pending.expectedConnection().filter(e -> !e.equals(id));
                LOG.infof("Connection %s authorized by merchant %s for app %s (%s flow)%s", id, pending.merchantId(), pending.app(),
                        pending.flow(),
                        expected.map(e -> "; expected " + e + ", which stays disconnected").orElse(""));
                yield connected(marketplace, id, expected, authorization.authorizationExpiresAt());
            }
        };
    }

    private ApiGatewayResponse connected(Marketplace marketplace, ConnectionId id, Optional<ConnectionId> expected, Instant expiresAt) {
        if (config.successUrl().isPresent()) {
            var query = new LinkedHashMap<String, String>();
            query.put("connection", id.value());
            expected.ifPresent(e -> query.put("expected_connection", e.value()));
            return ApiGatewayResponse.redirect(Uris.withQuery(config.successUrl().get(), query));
        }
        String until = "It stays authorized until " + DAY.format(expiresAt) + "; you will be reminded before then.";
        if (expected.isPresent()) {
            return pages.render(Page.of(200, "A different " + marketplace.displayName() + " account was connected",
                    "You signed in to " + marketplace.displayName() + " as " + id.accountId() + ", but this authorization was started for "
                            + expected.get().accountId() + ". " + id.accountId() + " is now connected as a new connection.",
                    expected.get().accountId() + " is still disconnected. To repair it, sign out of " + marketplace.displayName() + " "
                            + "(or use a private window), then authorize again signed in as " + expected.get().accountId() + ".",
                    until));
        }
        return pages.render(Page.of(200, "Your " + marketplace.displayName() + " account is connected",
                "The " + marketplace.displayName() + " account " + id.accountId() + " is now connected to " + config.integratorName() + ".",
                "Orders, settings and mappings you already set up are kept.", until));
    }

    private ApiGatewayResponse otherBrowserOrAccount(Marketplace marketplace) {
        return pages.render(Page.of(403, "This authorization was started in another browser",
                "This authorization was started in another browser or by another account of " + config.integratorName()
                        + ", so it cannot be completed here. Nothing was changed.",
                "Start again from " + StartAgain.place(marketplace) + ", or from the newest reconnect link, in this browser "
                        + "and signed in to " + config.integratorName() + " as the account you want to connect."));
    }

    private ApiGatewayResponse signedOut(Marketplace marketplace) {
        return pages.render(Page.of(403, "You are not signed in to " + config.integratorName(),
                "To finish connecting, this browser must be signed in to " + config.integratorName()
                        + " as the account that started the authorization. Nothing was changed.",
                "Sign in to " + config.integratorName() + " in this browser, then start again from "
                        + StartAgain.place(marketplace) + "."));
    }

    private ApiGatewayResponse otherApp(Marketplace marketplace) {
        return pages.render(Page.of(400, "This authorization was started for another app",
                marketplace.displayName() + " sent this authorization to the wrong address, so it cannot be completed. Nothing was changed.",
                StartAgain.from(marketplace)));
    }

    private ApiGatewayResponse staleState(Marketplace marketplace) {
        return pages.render(Page.of(400, "This authorization link has expired or was already used",
                "For your security each authorization link works once and for ten minutes.",
                StartAgain.from(marketplace)));
    }
}
