package dev.authkeeper.shopify;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.AccessProbe;
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

/**
 * Shopify, for public apps with expiring offline tokens: the app URL a shop's admin opens (signed
 * by Shopify), the per-shop authorize page, and the shop's token endpoint. Every request Shopify
 * sends is checked against the app's client secrets (the current and, during a rotation, the
 * previous one) before anything in it is used; the only hosts a seller or a token call is ever sent
 * to are {@code *.myshopify.com} shops ({@link ShopDomain}).
 */
@ApplicationScoped
public class ShopifyMarketplace implements Marketplace {

    static final String ID = "shopify";
    /** The portal of an Origin that is a shop's own admin. */
    static final String SHOP_ADMIN = "shop-admin";

    private final MarketplaceFacts facts;
    private final ShopifyTokenEndpoint endpoint;
    private final ShopifyRequests requests;
    private final ShopifyHmac hmac;
    private final Apps apps;
    private final ClientSecrets secrets;
    private final ShopifyConfig config;
    private final Clock clock;

    ShopifyMarketplace(MarketplaceFactsFiles files, ShopifyTokenEndpoint endpoint, Apps apps, ClientSecrets secrets, ShopifyConfig config,
            ObjectMapper json, Clock clock) {
        this.facts = files.load(ID);
        this.endpoint = endpoint;
        this.requests = new ShopifyRequests(ShopHosts.of(config.simulatedBase()), json);
        this.hmac = new ShopifyHmac(clock, config.hmacTolerance());
        this.apps = apps;
        this.secrets = secrets;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public MarketplaceFacts facts() {
        return facts;
    }

    /** The app URL, opened from the shop's admin with {@code shop}, {@code timestamp} and {@code hmac} signed by Shopify. */
    @Override
    public LaunchCheck checkLaunch(String appName, Parameters parameters) {
        App app = app(appName);
        Optional<ShopDomain> shop = parameters.get("shop").flatMap(ShopDomain::parse);
        if (shop.isEmpty()) {
            return new LaunchCheck.Refused("shop is missing or is not a Shopify shop (a name ending in .myshopify.com).");
        }
        return switch (hmac.checkQuery(parameters.all(), candidates(app))) {
            case HmacCheck.Verified verified -> new LaunchCheck.Valid(new LaunchRequest(app.name(), origin(shop.get()),
                    origin(shop.get()).uri(), "", shop.get().value(), false));
            case HmacCheck.Stale stale -> new LaunchCheck.Refused("This link from the Shopify admin has expired: "
                    + "open the app again from your Shopify admin.");
            case HmacCheck.BadSignature bad -> new LaunchCheck.Refused("This request was not signed by Shopify for this app: "
                    + "open the app from your Shopify admin.");
            case HmacCheck.Malformed malformed -> new LaunchCheck.Refused(malformed.reason());
        };
    }

    @Override
    public URI continueLaunch(LaunchRequest request, Secret state) {
        App app = app(request.app());
        return requests.authorizeUri(ShopDomain.parse(request.accountId()).orElseThrow(), app.clientId(), app.scopes(),
                apps.redirectUri(app), state);
    }

    /** A shop's own admin, {@code https://{shop}}, is where its consent happens. */
    @Override
    public Optional<Origin> origin(URI uri) {
        if (!"https".equals(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getPort() != -1
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.empty();
        }
        return ShopDomain.parse(uri.getHost()).filter(shop -> shop.value().equals(uri.getHost())).map(ShopifyMarketplace::origin);
    }

    private static Origin origin(ShopDomain shop) {
        return new Origin(URI.create("https://" + shop.value()), Optional.empty(), SHOP_ADMIN);
    }

    @Override
    public boolean serves(String appName, Origin origin) {
        return ID.equals(app(appName).marketplace()) && SHOP_ADMIN.equals(origin.portal());
    }

    @Override
    public URI consentUri(String appName, Origin origin, Secret state) {
        App app = app(appName);
        return requests.authorizeUri(ShopDomain.parse(origin.host()).orElseThrow(), app.clientId(), app.scopes(), apps.redirectUri(app),
                state);
    }

    /** Shopify's redirect: {@code code}, {@code shop}, {@code state}, {@code timestamp}, all signed with the app's client secret. */
    @Override
    public CallbackCheck checkCallback(String appName, Parameters parameters) {
        App app = app(appName);
        if (parameters.get("error").isPresent()) {
            return new CallbackCheck.Declined("The app was not installed in your Shopify admin.");
        }
        return switch (hmac.checkQuery(parameters.all(), candidates(app))) {
            case HmacCheck.Verified verified -> {
                Optional<ShopDomain> shop = parameters.get("shop").flatMap(ShopDomain::parse);
                Optional<String> code = parameters.get("code");
                if (shop.isEmpty()) {
                    yield new CallbackCheck.Refused("shop is missing or is not a Shopify shop.");
                }
                yield code.<CallbackCheck>map(c -> new CallbackCheck.Approved(shop.get().value(), new Secret(c)))
                        .orElseGet(() -> new CallbackCheck.Refused("code is missing."));
            }
            case HmacCheck.Stale stale -> new CallbackCheck.Refused("This answer from Shopify is too old to be used.");
            case HmacCheck.BadSignature bad -> new CallbackCheck.Refused("This answer was not signed by Shopify for this app.");
            case HmacCheck.Malformed malformed -> new CallbackCheck.Refused(malformed.reason());
        };
    }

    /** Always an expiring offline token: a success without a refresh token leaves nothing to keep alive. */
    @Override
    public TokenResult exchangeCode(String appName, String shop, Secret code) {
        App app = app(appName);
        Instant deadline = clock.instant().plus(config.callTimeout());
        return withRefreshToken(secrets.withEachSecret(app, (clientId, secret) ->
                endpoint.token(requests.codeExchange(shop(shop), clientId, secret, code), deadline)));
    }

    /** A success without a refresh token leaves nothing to keep alive. */
    private static TokenResult withRefreshToken(TokenResult result) {
        if (result instanceof TokenResult.Granted granted && granted.refreshToken().isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without refresh_token");
        }
        return result;
    }

    /** A refresh rotates: the answer's refresh token replaces the one used, which Shopify honours until the new one is first used. */
    @Override
    public TokenResult refresh(String appName, String shop, Secret refreshToken, Instant deadline) {
        return secrets.withEachSecret(app(appName), (clientId, secret) ->
                endpoint.token(requests.refresh(shop(shop), clientId, secret, refreshToken), deadline));
    }

    @Override
    public boolean probesAccessTokens() {
        return true;
    }

    /**
     * The Admin API's shop query: a 401 (expired, revoked, replaced) or a legacy token's 403 is a
     * refused token; a frozen or locked shop, throttling, an outage or an odd answer prove nothing.
     */
    @Override
    public AccessProbe probe(String shop, Secret accessToken, Instant deadline) {
        ShopDomain domain = shop(shop);
        return switch (endpoint.probe(domain, requests.shopQuery(domain, config.apiVersion(), accessToken), deadline)) {
            case ProbeResult.Alive alive -> new AccessProbe.Alive();
            case ProbeResult.TokenDead dead -> new AccessProbe.Refused();
            case ProbeResult.LegacyTokenRefused legacy -> new AccessProbe.Refused();
            case ProbeResult.ShopUnavailable unavailable -> new AccessProbe.Inconclusive("the shop is frozen or locked (HTTP "
                    + unavailable.status() + ")");
            case ProbeResult.Transient failure -> new AccessProbe.Inconclusive(failure.cause());
            case ProbeResult.Unexpected unexpected -> new AccessProbe.Inconclusive(unexpected.description());
        };
    }

    @Override
    public boolean migratesNonExpiringTokens() {
        return true;
    }

    /**
     * The token exchange of a non-expiring offline token: irreversible (the old token stops
     * working), and repeatable for 7 days with the same answer, so a lost answer is recovered by asking again.
     */
    @Override
    public TokenResult migrate(String appName, String shop, Secret accessToken, Instant deadline) {
        return withRefreshToken(secrets.withEachSecret(app(appName), (clientId, secret) ->
                endpoint.token(requests.migrate(shop(shop), clientId, secret, accessToken), deadline)));
    }

    /** Shopify has no API for a new client secret: it is rotated in the Partner Dashboard and stored in the app's secret. */
    @Override
    public RotationRequest requestNewClientSecret(String appName) {
        return new RotationRequest.Refused(0, "Shopify issues new client secrets in the Partner Dashboard only");
    }

    @Override
    public Optional<Origin> defaultOrigin(String region) {
        return Optional.empty();
    }

    private List<Secret> candidates(App app) {
        return secrets.of(app).inOrder();
    }

    private static ShopDomain shop(String shop) {
        return ShopDomain.parse(shop).orElseThrow(() -> new IllegalArgumentException("not a shop domain"));
    }

    private App app(String name) {
        return apps.find(name).filter(a -> ID.equals(a.marketplace()))
                .orElseThrow(() -> new IllegalArgumentException("no Shopify app named " + name + " is configured"));
    }
}
