package dev.authkeeper.authorization;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.Page;
import dev.authkeeper.http.Pages;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.LaunchCheck;
import dev.authkeeper.marketplace.LaunchRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.session.MerchantSessions;

/**
 * The Login URI: Seller Central sends the seller here when they choose Authorize. A signed-in
 * merchant gets a fresh single-use state, bound to this browser, and goes back to Amazon's
 * confirm page; anyone else first signs in at the integrator's site and comes back to this same
 * address.
 */
@ApplicationScoped
public class LoginFlow {

    private static final Logger LOG = Logger.getLogger(LoginFlow.class);

    private final Marketplaces marketplaces;
    private final AppRoutes routes;
    private final MerchantSessions sessions;
    private final BoundStates states;
    private final Pages pages;
    private final Clock clock;

    public LoginFlow(Marketplaces marketplaces, AppRoutes routes, MerchantSessions sessions, BoundStates states, Pages pages, Clock clock) {
        this.marketplaces = marketplaces;
        this.routes = routes;
        this.sessions = sessions;
        this.states = states;
        this.pages = pages;
        this.clock = clock;
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        App app = routes.of(request, "login");
        var query = QueryString.parse(request.query());
        Marketplace marketplace = marketplaces.of(app.marketplace());
        return switch (marketplace.checkLaunch(app.name(), query)) {
            case LaunchCheck.Refused refused -> {
                LOG.infof("Refused a Login URI request: %s", refused.reason());
                yield pages.render(Page.of(400, "This authorization request is not valid", refused.reason(),
                        StartAgain.from(marketplace)));
            }
            case LaunchCheck.Valid valid -> continueAsMerchant(request, app, marketplace, query, valid.request());
        };
    }

    private ApiGatewayResponse continueAsMerchant(ApiGatewayRequest request, App app, Marketplace marketplace, QueryString query,
            LaunchRequest launch) {
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), clock.instant());
        if (merchant.isEmpty()) {
            LOG.infof("Login URI of app %s: seller not signed in, sent to sign-in (account %s)", app.name(), launch.accountId());
            return ApiGatewayResponse.redirect(sessions.signIn(app.loginPath(), query.all(), Optional.empty()));
        }
        LOG.infof("Login URI of app %s: merchant %s authorizing account %s in %s", app.name(), merchant.get(), launch.accountId(),
                launch.origin().region().map(marketplace::regionName).orElse(marketplace.displayName()));
        // Seller Central launched this for one account: the state expects it, and a callback naming another is refused.
        return states.start(request, merchant.get(), marketplace, app.name(), Flow.MARKETPLACE, launch.origin(), Optional.of(launch.accountId()),
                (state, pkce) -> marketplace.continueLaunch(launch, state));
    }
}
