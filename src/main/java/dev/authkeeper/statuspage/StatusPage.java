package dev.authkeeper.statuspage;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.PageConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.Page;
import dev.authkeeper.http.Pages;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.shopify.ShopifyConfig;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.status.ConnectionView;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * {@code GET /connections}: the signed-in merchant's connections, read through
 * {@link ConnectionStatuses}, with fresh reauthorize and connect links. The session alone says
 * whose connections these are; the page reads no parameter. Without a session: the integrator's
 * sign-in page, with a signed address back here.
 *
 * <p>{@code GET /connections/connect?app=…&account=…}: where the page's form sends a merchant who
 * connects an account of a marketplace whose consent happens on the account's own host (a Shopify
 * shop). The account is checked by its marketplace's rule before anything is signed; the answer is
 * a signed link to that account's consent, or a page saying what to type. Nothing is stored.
 */
@ApplicationScoped
public class StatusPage {

    static final String ROUTE = "/connections";
    static final String CONNECT_ROUTE = "/connections/connect";
    private static final Logger LOG = Logger.getLogger(StatusPage.class);
    /** Connections read per query; a merchant with more gets them all, a query after another. */
    private static final int BATCH = 100;

    private final ConnectionStatuses statuses;
    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final Marketplaces marketplaces;
    private final Apps apps;
    private final Template template;
    private final Pages pages;
    private final Framing framing;
    private final Palette palette;
    private final String integrator;
    private final URI publicBaseUrl;
    private final int warningDays;
    private final Clock clock;

    StatusPage(ConnectionStatuses statuses, MerchantSessions sessions, ReauthorizeLinks links, Marketplaces marketplaces, Apps apps,
            @Location("connections.html") Template template, Pages pages, AuthKeeperConfig config, PageConfig page, SweepConfig sweep,
            ShopifyConfig shopify, Clock clock) {
        this.statuses = statuses;
        this.sessions = sessions;
        this.links = links;
        this.marketplaces = marketplaces;
        this.apps = apps;
        this.template = template;
        this.pages = pages;
        this.palette = Palette.of(page);
        this.integrator = config.integratorName();
        this.publicBaseUrl = config.publicBaseUrl();
        this.framing = new Framing(page.frameAncestors(), formAction(config.session().signInUrl(), shopify.simulatedBase()));
        // The page warns from the day the sweep starts sending expiry warnings.
        this.warningDays = sweep.expiryWarningDays().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.clock = clock;
        palette.pairs().stream().filter(pair -> !pair.sufficient()).forEach(pair -> LOG.warnf(
                "Status page colours (authkeeper.page.accent-color, accent-text-color): %s has a contrast of %.2f:1, "
                        + "below the %.1f:1 WCAG AA asks for; some merchants will not be able to read it",
                pair.name(), pair.contrast(), pair.minimum()));
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        return ("GET " + CONNECT_ROUTE).equals(request.routeKey()) ? connect(request) : page(request);
    }

    private ApiGatewayResponse page(ApiGatewayRequest request) {
        Instant now = clock.instant();
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), now);
        if (merchant.isEmpty()) {
            return ApiGatewayResponse.redirect(sessions.signIn(ROUTE, Map.of(), Optional.empty()));
        }
        String merchantId = merchant.get();
        var views = connectionsOf(merchantId);
        var rows = new Rows(integrator, id -> marketplaces.of(id).facts(), now, warningDays,
                view -> links.mint(merchantId, view.consentOrigin(), Optional.of(view.connectionId())));
        var names = apps.all().stream().map(app -> marketplaces.of(app.marketplace()).displayName()).distinct().toList();
        var page = new ConnectionsPage(integrator, joined(names, " and "), joined(names, " or "), merchantId,
                IntStream.range(0, views.size()).mapToObj(i -> rows.row(views.get(i), i)).toList(), connect(merchantId), palette);
        LOG.infof("Status page of merchant %s: %d connection(s)", merchantId, views.size());
        return framing.apply(ApiGatewayResponse.html(200, template.data("page", page).render()));
    }

    /**
     * Per app, its marketplace's way to connect: a link per region the app serves, one link where
     * every seller consents in one place, or the form that asks for the account. Where one marketplace has several apps, each names its app.
     */
    private List<ConnectionsPage.Connect> connect(String merchantId) {
        // The default app first, as configured.
        var offered = apps.all();
        var connect = new ArrayList<ConnectionsPage.Connect>();
        for (App app : offered) {
            Marketplace marketplace = marketplaces.of(app.marketplace());
            MarketplaceFacts facts = marketplace.facts();
            boolean named = offered.stream().filter(other -> other.marketplace().equals(app.marketplace())).count() > 1;
            String title = marketplace.displayName() + (named ? " (" + app.name() + ")" : "");
            String elementId = "connect-" + app.name();
            if (facts.accountHost().isPresent()) {
                String words = facts.account().words();
                String suffix = facts.accountHost().get().suffix();
                connect.add(new ConnectionsPage.Connect(elementId, title, "Type the " + words + " to connect; you then approve the "
                        + "connection in its " + marketplace.displayName() + " admin.", List.of(),
                        new ConnectionsPage.AccountForm(publicBaseUrl + CONNECT_ROUTE, app.name(), "Your " + words,
                                "Its name, such as acme-store, or its address, such as acme-store" + suffix + ".",
                                "Connect a " + marketplace.displayName() + " " + words)));
            } else if (marketplace.singleOrigin().isPresent()) {
                var link = new ConnectionsPage.Action("Connect your " + marketplace.displayName() + " account",
                        links.mint(merchantId, marketplace.singleOrigin().get().uri(), Optional.empty(), Optional.of(app.name())).toString());
                connect.add(new ConnectionsPage.Connect(elementId, title, "You then sign in to " + marketplace.displayName()
                        + " with the account to connect and approve the connection.", List.of(link), null));
            } else {
                var regionLinks = marketplace.regions().stream().filter(app::serves)
                        .flatMap(region -> marketplace.defaultOrigin(region).stream().map(origin -> new ConnectionsPage.Action(
                                "Connect an account in " + marketplace.regionName(region),
                                links.mint(merchantId, origin.uri(), Optional.empty(), Optional.of(app.name())).toString())))
                        .toList();
                connect.add(new ConnectionsPage.Connect(elementId, title, "Choose the region the account sells in; you then approve "
                        + "the connection at " + marketplace.displayName() + ".", regionLinks, null));
            }
        }
        return connect;
    }

    private ApiGatewayResponse connect(ApiGatewayRequest request) {
        Instant now = clock.instant();
        var query = QueryString.parse(request.query());
        Optional<String> merchant = sessions.signedInMerchant(request.cookieList(), now);
        if (merchant.isEmpty()) {
            return ApiGatewayResponse.redirect(sessions.signIn(CONNECT_ROUTE, query.all(), Optional.empty()));
        }
        Optional<App> app = query.get("app").flatMap(apps::find)
                .filter(a -> marketplaces.of(a.marketplace()).facts().accountHost().isPresent());
        if (app.isEmpty()) {
            LOG.infof("Connect form of merchant %s names no app that asks for an account: refused", merchant.get());
            return refused("This form is out of date", "The app it names is not one you can connect an account to here.");
        }
        Marketplace marketplace = marketplaces.of(app.get().marketplace());
        MarketplaceFacts facts = marketplace.facts();
        String suffix = facts.accountHost().orElseThrow().suffix();
        Optional<Origin> origin = query.get("account").flatMap(marketplace::accountOrigin);
        if (origin.isEmpty()) {
            LOG.infof("Connect form of merchant %s: not a %s %s, refused", merchant.get(), marketplace.displayName(),
                    facts.account().words());
            return refused("That is not a " + marketplace.displayName() + " " + facts.account().words(),
                    "Type the " + facts.account().words() + "'s name, such as acme-store, or its address ending in " + suffix
                            + ", such as acme-store" + suffix + ". Nothing was changed.");
        }
        LOG.infof("Connect form: merchant %s sent to connect %s with app %s", merchant.get(), origin.get().host(), app.get().name());
        return ApiGatewayResponse.redirect(links.mint(merchant.get(), origin.get().uri(), Optional.empty(), Optional.of(app.get().name())));
    }

    private ApiGatewayResponse refused(String title, String why) {
        return pages.render(Page.of(400, title, why).withLink("Back to your connections", publicBaseUrl + ROUTE));
    }

    /**
     * Where the connect form's navigation may go: here, the integrator's sign-in page (a session
     * that ended meanwhile), and the hosts of the accounts it connects ({@code https://*.myshopify.com},
     * or the simulated Shopify of the local run and tests). {@code 'none'} when no app asks for an account.
     */
    private String formAction(URI signInUrl, Optional<URI> simulatedShopify) {
        var suffixes = apps.all().stream().map(app -> marketplaces.of(app.marketplace()).facts().accountHost())
                .flatMap(Optional::stream).map(host -> "https://*" + host.suffix()).toList();
        if (suffixes.isEmpty()) {
            return "'none'";
        }
        var sources = new LinkedHashSet<String>();
        sources.add("'self'");
        Stream.concat(Stream.of(signInUrl), simulatedShopify.stream()).filter(URI::isAbsolute)
                .forEach(uri -> sources.add(uri.getScheme() + "://" + uri.getRawAuthority()));
        sources.addAll(suffixes);
        return String.join(" ", sources);
    }

    private static String joined(List<String> names, String conjunction) {
        return names.size() <= 1 ? String.join("", names)
                : String.join(", ", names.subList(0, names.size() - 1)) + conjunction + names.get(names.size() - 1);
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
