package dev.authkeeper.authorization;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.session.MerchantSessions;

/**
 * Spends a callback's state, only in the browser that started the authorization (its binding
 * cookie) and for the merchant signed in there (its session cookie); a reload of a callback that
 * already connected the account is answered as connected again.
 */
@ApplicationScoped
public class CallbackStates {

    /** The callback's own category, which its log lines have always had. */
    private static final Logger LOG = Logger.getLogger(CallbackFlow.class);

    private final OAuthStates states;
    private final BrowserBindings bindings;
    private final MerchantSessions sessions;
    private final ConnectionRepository connections;
    private final CallbackPages pages;
    private final AuthKeeperConfig config;
    private final Clock clock;

    public CallbackStates(OAuthStates states, BrowserBindings bindings, MerchantSessions sessions, ConnectionRepository connections,
            CallbackPages pages, AuthKeeperConfig config, Clock clock) {
        this.states = states;
        this.bindings = bindings;
        this.sessions = sessions;
        this.connections = connections;
        this.pages = pages;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Reads the state, then spends it; only a valid one, used in the browser that started the flow
     * by the merchant who started it, is spent and lets the flow go on. Without a binding cookie or a session the
     * state is left alone: nothing this browser could do with it.
     */
    ApiGatewayResponse withState(Marketplace marketplace, ApiGatewayRequest request, App app, String state, Optional<String> account,
            Function<PendingAuthorization, ApiGatewayResponse> next) {
        Instant now = clock.instant();
        var binding = bindings.presented(request);
        if (binding.isEmpty()) {
            LOG.info("Callback without the browser-binding cookie: refused, the state stays unused");
            return pages.otherBrowserOrAccount(marketplace);
        }
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), now);
        if (merchant.isEmpty()) {
            LOG.info("Callback without a valid session: refused, the state stays unused");
            return pages.signedOut(marketplace);
        }
        // Checked before the state is spent: a refused browser or merchant leaves it to the one that started the flow.
        return switch (states.peek(state, now)) {
            case OAuthStates.Consumed.Unknown unknown -> account.flatMap(a -> recentlyConnected(marketplace, merchant.get(), a, now))
                    .map(connection -> {
                        LOG.infof("Callback used again: connection %s of merchant %s is already authorized", connection.id(),
                                merchant.get());
                        return pages.connected(marketplace, connection.id(), Optional.empty(), connection.authorizationExpiresAt());
                    })
                    .orElseGet(() -> {
                        LOG.info("Callback with an unknown or already used state");
                        return pages.staleState(marketplace);
                    });
            case OAuthStates.Consumed.Expired expired -> {
                LOG.infof("Callback with an expired state (merchant %s)", expired.pending().merchantId());
                yield pages.staleState(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !valid.pending().marketplace().equals(marketplace.id()) -> {
                LOG.infof("Callback with a state issued for %s", valid.pending().marketplace());
                yield pages.staleState(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !valid.pending().app().equals(app.name()) -> {
                LOG.warnf("OPERATOR: the callback of app %s received a state issued for app %s (merchant %s): refused, nothing stored. "
                        + "Check that each app's redirect URI in the Developer Console is its own callback route.", app.name(),
                        valid.pending().app(), valid.pending().merchantId());
                yield pages.otherApp(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !binding.get().matches(valid.pending().bindingHash()) -> {
                LOG.warnf("Callback refused: the authorization of merchant %s was started in another browser", valid.pending().merchantId());
                yield pages.otherBrowserOrAccount(marketplace);
            }
            case OAuthStates.Consumed.Valid valid when !valid.pending().merchantId().equals(merchant.get()) -> {
                LOG.warnf("Callback refused: the authorization of merchant %s came back signed in as merchant %s",
                        valid.pending().merchantId(), merchant.get());
                yield pages.otherBrowserOrAccount(marketplace);
            }
            case OAuthStates.Consumed.Valid valid -> switch (states.consume(state, now)) {
                case OAuthStates.Consumed.Valid spent -> next.apply(spent.pending());
                case OAuthStates.Consumed.Expired expired -> pages.staleState(marketplace);
                case OAuthStates.Consumed.Unknown raced -> {
                    LOG.info("Callback whose state another request used first");
                    yield pages.staleState(marketplace);
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
}
