package dev.authkeeper.statuspage;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.PageConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.app.Apps;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.status.ConnectionView;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * {@code GET /connections}: the signed-in merchant's connections, read through
 * {@link ConnectionStatuses}, with fresh reauthorize and connect links. The session alone says
 * whose connections these are; the page reads no parameter. Without a session: the integrator's
 * sign-in page, with a signed address back here.
 */
@ApplicationScoped
public class StatusPage {

    static final String ROUTE = "/connections";
    private static final Logger LOG = Logger.getLogger(StatusPage.class);
    /** Connections read per query; a merchant with more gets them all, a query after another. */
    private static final int BATCH = 100;

    private final ConnectionStatuses statuses;
    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final Marketplaces marketplaces;
    private final Apps apps;
    private final Template template;
    private final Framing framing;
    private final Palette palette;
    private final String integrator;
    private final int warningDays;
    private final Clock clock;

    StatusPage(ConnectionStatuses statuses, MerchantSessions sessions, ReauthorizeLinks links, Marketplaces marketplaces, Apps apps,
            @Location("connections.html") Template template, AuthKeeperConfig config, PageConfig page, SweepConfig sweep, Clock clock) {
        this.statuses = statuses;
        this.sessions = sessions;
        this.links = links;
        this.marketplaces = marketplaces;
        this.apps = apps;
        this.template = template;
        this.framing = new Framing(page.frameAncestors());
        this.palette = Palette.of(page);
        this.integrator = config.integratorName();
        // The page warns from the day the sweep starts sending expiry warnings.
        this.warningDays = sweep.expiryWarningDays().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.clock = clock;
        palette.pairs().stream().filter(pair -> !pair.sufficient()).forEach(pair -> LOG.warnf(
                "Status page colours (authkeeper.page.accent-color, accent-text-color): %s has a contrast of %.2f:1, "
                        + "below the %.1f:1 WCAG AA asks for; some merchants will not be able to read it",
                pair.name(), pair.contrast(), pair.minimum()));
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        Instant now = clock.instant();
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), now);
        if (merchant.isEmpty()) {
            return ApiGatewayResponse.redirect(sessions.signIn(ROUTE, Map.of(), Optional.empty()));
        }
        String merchantId = merchant.get();
        var views = connectionsOf(merchantId);
        // New connections start at the default app's marketplace; the rows name each connection's own.
        Marketplace marketplace = marketplaces.of(apps.defaultApp().marketplace());
        var rows = new Rows(integrator, marketplace.displayName(), now, warningDays,
                view -> links.mint(merchantId, view.consentOrigin(), Optional.of(view.connectionId())));
        var connect = marketplace.regions().stream()
                .flatMap(region -> marketplace.defaultOrigin(region).stream()
                        .map(origin -> new ConnectionsPage.Connect(marketplace.regionName(region),
                                links.mint(merchantId, origin.uri(), Optional.empty()).toString())))
                .toList();
        var page = new ConnectionsPage(integrator, marketplace.displayName(), merchantId,
                IntStream.range(0, views.size()).mapToObj(i -> rows.row(views.get(i), i)).toList(), connect, palette);
        LOG.infof("Status page of merchant %s: %d connection(s)", merchantId, views.size());
        return framing.apply(ApiGatewayResponse.html(200, template.data("page", page).render()));
    }

    private List<ConnectionView> connectionsOf(String merchantId) {
        var all = new ArrayList<ConnectionView>();
        Optional<String> cursor = Optional.empty();
        do {
            var listing = statuses.ofMerchant(merchantId, BATCH, cursor);
            all.addAll(listing.connections());
            cursor = listing.next();
        } while (cursor.isPresent());
        return all;
    }
}
