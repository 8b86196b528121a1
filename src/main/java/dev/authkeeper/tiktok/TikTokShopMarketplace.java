package dev.authkeeper.tiktok;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.CallbackCheck;
import dev.authkeeper.marketplace.LaunchCheck;
import dev.authkeeper.marketplace.LaunchRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.marketplace.Parameters;
import dev.authkeeper.marketplace.RotationRequest;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.marketplace.Uris;

/**
 * TikTok Shop (Partner API, v2 authorization). The seller consents at the authorize link of the
 * app's service id ({@code applicationId}), on the host of their market (the United States has its
 * own); TikTok redirects to the callback registered in Partner Center with only {@code code} and
 * {@code state}, so the account, the seller's {@code open_id}, is learned from the code exchange.
 * One connection is one seller's grant, whatever number of shops it covers: the grant has one
 * token pair, and its refresh token rotates on every use, so it cannot be shared by connections
 * that would each rotate it. The app key is the {@code clientId}; the app secret travels in the
 * query string of the token calls and nowhere else.
 */
@ApplicationScoped
public class TikTokShopMarketplace implements Marketplace {

    private static final Logger LOG = Logger.getLogger(TikTokShopMarketplace.class);
    static final String ID = "tiktok";
    private static final String SELLER_CENTER = "seller-center";

    private final MarketplaceFacts facts;
    private final TikTokTokenEndpoint endpoint;
    private final TikTokShops shops;
    private final Apps apps;
    private final ClientSecrets secrets;
    private final TikTokConfig config;
    private final Clock clock;
    private final Map<URI, Origin> origins;
    private final Map<String, Origin> defaults;

    TikTokShopMarketplace(MarketplaceFactsFiles files, TikTokTokenEndpoint endpoint, TikTokShops shops, Apps apps, ClientSecrets secrets, TikTokConfig config,
            Clock clock) {
        this.facts = files.load(ID);
        this.endpoint = endpoint;
        this.shops = shops;
        this.apps = apps;
        this.secrets = secrets;
        this.config = config;
        this.clock = clock;
        var origins = new HashMap<URI, Origin>();
        facts.portals().forEach((portal, p) -> p.hosts().forEach((host, region) -> {
            URI uri = URI.create("https://" + host);
            origins.put(uri, new Origin(uri, Optional.of(region), portal));
        }));
        var defaults = new HashMap<String, Origin>();
        facts.regions().forEach((code, region) -> defaults.put(code, origins.get(URI.create("https://" + region.defaultPortalHost()))));
        // The local run and the tests consent at the simulated TikTok Shop, for sellers outside the United States.
        config.simulatedBase().ifPresent(base -> {
            var simulated = new Origin(URI.create(base.getScheme() + "://" + base.getRawAuthority()), Optional.of("WW"), SELLER_CENTER);
            origins.put(simulated.uri(), simulated);
            defaults.put("WW", simulated);
        });
        this.origins = Map.copyOf(origins);
        this.defaults = Map.copyOf(defaults);
    }

    @Override
    public MarketplaceFacts facts() {
        return facts;
    }

    /** TikTok Shop opens no app URL with a signed request: sellers connect from the integrator's site. */
    @Override
    public LaunchCheck checkLaunch(String app, Parameters parameters) {
        return new LaunchCheck.Refused("TikTok Shop accounts are connected from the connections page of your account: "
                + "open it and choose to connect TikTok Shop.");
    }

    @Override
    public URI continueLaunch(LaunchRequest request, Secret state) {
        throw new IllegalStateException("TikTok Shop has no launch request to continue");
    }

    @Override
    public Optional<Origin> origin(URI uri) {
        return Optional.ofNullable(origins.get(uri));
    }

    @Override
    public boolean serves(String appName, Origin origin) {
        App app = app(appName);
        return origin.region().filter(app::serves).isPresent();
    }

    /** {@code https://services[.us].tiktokshop.com/open/authorize?service_id=…&state=…}; the redirect is fixed in Partner Center. */
    @Override
    public URI consentUri(String appName, Origin origin, Secret state) {
        var query = new LinkedHashMap<String, String>();
        query.put("service_id", app(appName).applicationId());
        query.put("state", state.value());
        return Uris.withQuery(URI.create(origin.uri() + "/open/authorize"), query);
    }

    /** TikTok's redirect: {@code code} and {@code state}; a seller who declined comes back with {@code error} (and {@code code=null}). */
    @Override
    public CallbackCheck checkCallback(String appName, Parameters parameters) {
        app(appName);
        Optional<String> code = parameters.get("code").filter(c -> !"null".equals(c));
        if (parameters.get("error").isPresent() || code.isEmpty() && parameters.get("code").isPresent()) {
            return new CallbackCheck.Declined("The app was not authorized in TikTok Shop.");
        }
        return code.<CallbackCheck>map(c -> new CallbackCheck.ApprovedUnnamed(new Secret(c)))
                .orElseGet(() -> new CallbackCheck.Refused("code is missing."));
    }

    /**
     * The answer names the seller ({@code open_id}); the shops the grant covers are then read once
     * and indexed, so that TikTok's notifications, which name a shop, find the seller's connection.
     */
    @Override
    public TokenResult exchangeUnnamedCode(String appName, Secret code) {
        Instant deadline = clock.instant().plus(config.callTimeout().multipliedBy(2));
        return secrets.withEachSecret(app(appName), (appKey, secret) -> {
            TokenResult result = endpoint.exchange(appKey, secret, code, deadline);
            if (result instanceof TokenResult.Granted granted && granted.accountId().isPresent()) {
                endpoint.shops(appKey, secret, granted.accessToken(), deadline).ifPresentOrElse(
                        ids -> shops.record(appName, granted.accountId().get(), ids, clock.instant()),
                        () -> LOG.warnf("OPERATOR: TikTok Shop did not list the shops of a seller who just authorized app %s: "
                                + "its notifications for them will be ignored until the seller connects again", appName));
            }
            return result;
        });
    }

    /** TikTok's redirect never names the seller: every code is exchanged as {@link #exchangeUnnamedCode}. */
    @Override
    public TokenResult exchangeCode(String appName, String accountId, Secret code) {
        return exchangeUnnamedCode(appName, code);
    }

    /** A refresh rotates: the answer's refresh token replaces the one used. */
    @Override
    public TokenResult refresh(String appName, String accountId, Secret refreshToken, Instant deadline) {
        return secrets.withEachSecret(app(appName), (appKey, secret) -> endpoint.refresh(appKey, secret, refreshToken, deadline));
    }

    @Override
    public RotationRequest requestNewClientSecret(String appName) {
        return new RotationRequest.Refused(0, "TikTok Shop issues new app secrets in Partner Center only");
    }

    @Override
    public Optional<Origin> defaultOrigin(String region) {
        return Optional.ofNullable(defaults.get(region));
    }

    private App app(String name) {
        return apps.find(name).filter(a -> ID.equals(a.marketplace()))
                .orElseThrow(() -> new IllegalArgumentException("no TikTok Shop app named " + name + " is configured"));
    }
}
