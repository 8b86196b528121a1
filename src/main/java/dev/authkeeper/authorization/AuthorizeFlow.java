package dev.authkeeper.authorization;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.Page;
import dev.authkeeper.http.Pages;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.table.ConnectionId;

/**
 * Website-initiated (re)authorization: a signed link from an alert or from the integrator's site
 * leads the merchant it names, signed in, to the marketplace's consent page with a fresh state
 * bound to this browser. Whoever else opens it (a mail scanner, a link preview, a forwarded
 * link) is sent to sign in, or told the link is someone else's; no state is stored for them.
 */
@ApplicationScoped
public class AuthorizeFlow {

    private static final Logger LOG = Logger.getLogger(AuthorizeFlow.class);
    private static final String ROUTE = "/authorize";

    private final LinkTargets targets;
    private final MerchantSessions sessions;
    private final BoundStates states;
    private final Pages pages;
    private final AuthKeeperConfig config;
    private final Clock clock;

    public AuthorizeFlow(LinkTargets targets, MerchantSessions sessions, BoundStates states, Pages pages, AuthKeeperConfig config,
            Clock clock) {
        this.targets = targets;
        this.sessions = sessions;
        this.states = states;
        this.pages = pages;
        this.config = config;
        this.clock = clock;
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        Instant now = clock.instant();
        var query = QueryString.parse(request.query());
        var target = targets.open(query.require("link"), now);
        var link = target.link();
        Optional<ConnectionId> connection = target.connection();
        App app = target.app();
        Marketplace marketplace = target.marketplace();
        Origin origin = target.origin();
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), now);
        URI signIn = sessions.signIn(ROUTE, query.all(), Optional.of(link.merchant()));
        if (merchant.isEmpty()) {
            LOG.infof("Authorize link of merchant %s opened without a session: sent to sign-in", link.merchant());
            return ApiGatewayResponse.redirect(signIn);
        }
        if (!merchant.get().equals(link.merchant())) {
            LOG.infof("Authorize link of merchant %s opened by merchant %s: refused", link.merchant(), merchant.get());
            return pages.render(Page.of(403, "This link belongs to another account",
                    "This link belongs to another account of " + config.integratorName() + " than the one you are signed in with.",
                    "Sign out, then sign in as the account it was sent to and open the link again. Nothing was changed.")
                    .withLink("Sign in as the account it was sent to", signIn.toString()));
        }
        LOG.infof("Authorize link: merchant %s sent to consent of app %s at %s for %s", link.merchant(), app.name(), origin.host(),
                connection.map(ConnectionId::value).orElse("a new connection"));
        // Where consent happens on the account's own host (a Shopify shop), that account is the one expected back.
        Optional<String> expected = connection.map(ConnectionId::accountId)
                .or(() -> marketplace.facts().accountHost().flatMap(host -> marketplace.canonicalAccount(origin.host())));
        return states.start(request, merchant.get(), marketplace, app.name(), Flow.WEBSITE, origin, expected,
                (state, pkce) -> marketplace.consentUri(app.name(), origin, state, pkce));
    }
}
