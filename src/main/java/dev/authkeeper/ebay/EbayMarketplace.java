package dev.authkeeper.ebay;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

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
 * eBay's Sell APIs, authorization code grant: consent at eBay's sign-in with the app's RuName as
 * {@code redirect_uri} (an app's {@code applicationId}), token calls with HTTP Basic client
 * authentication, and a refresh that names the consent's scopes and hands out no new refresh token.
 * eBay's redirect names no account: the code exchange reads the immutable {@code userId} from the
 * Identity API once, so every app asks for the {@value #IDENTITY_SCOPE} scope.
 */
@ApplicationScoped
public class EbayMarketplace implements Marketplace {

    static final String ID = "ebay";
    static final String IDENTITY_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";
    /** The portal of eBay's one Origin, its sign-in. */
    static final String SIGN_IN = "sign-in";
    private static final Pattern SCOPE = Pattern.compile("https://api\\.ebay\\.com/oauth/api_scope(/[a-z][a-z.]{0,80})?");
    /** Codes arrive URL-encoded and hold characters such as ^ and #; eBay allows at most 1024. */
    private static final Pattern CODE = Pattern.compile("[\\x21-\\x7e]{1,1024}");

    private final MarketplaceFacts facts;
    private final EbayEndpoints endpoints;
    private final Apps apps;
    private final ClientSecrets secrets;
    private final EbayConfig config;
    private final Clock clock;
    private final Origin signIn = new Origin(URI.create("https://" + EbayHosts.SIGN_IN), Optional.empty(), SIGN_IN);

    EbayMarketplace(MarketplaceFactsFiles files, EbayEndpoints endpoints, Apps apps, ClientSecrets secrets, EbayConfig config, Clock clock) {
        this.facts = files.load(ID);
        this.endpoints = endpoints;
        this.apps = apps;
        this.secrets = secrets;
        this.config = config;
        this.clock = clock;
        apps.all().stream().filter(app -> ID.equals(app.marketplace())).forEach(EbayMarketplace::checkScopes);
    }

    /** Start-up stops for an eBay app whose scopes eBay would refuse, or that could not name its accounts. */
    private static void checkScopes(App app) {
        if (!app.scopes().stream().allMatch(scope -> SCOPE.matcher(scope).matches())) {
            throw new IllegalStateException("the eBay app " + app.name() + " names a scope that is not an eBay scope URI, such as "
                    + "https://api.ebay.com/oauth/api_scope/sell.inventory");
        }
        if (!app.scopes().contains(IDENTITY_SCOPE)) {
            throw new IllegalStateException("the eBay app " + app.name() + " must ask for " + IDENTITY_SCOPE
                    + ": AuthKeeper reads the seller's eBay user id with it");
        }
    }

    @Override
    public MarketplaceFacts facts() {
        return facts;
    }

    /** eBay opens no app URL: sellers connect from the status page or a connect link. */
    @Override
    public LaunchCheck checkLaunch(String app, Parameters parameters) {
        return new LaunchCheck.Refused("eBay accounts are connected from your connections page, not from a link eBay opens.");
    }

    @Override
    public URI continueLaunch(LaunchRequest request, Secret state) {
        throw new UnsupportedOperationException("eBay has no launch requests");
    }

    @Override
    public Optional<Origin> origin(URI uri) {
        return signIn.uri().equals(uri) ? Optional.of(signIn) : Optional.empty();
    }

    @Override
    public Optional<Origin> singleOrigin() {
        return Optional.of(signIn);
    }

    @Override
    public Optional<Origin> defaultOrigin(String region) {
        return Optional.empty();
    }

    @Override
    public boolean serves(String appName, Origin origin) {
        return ID.equals(app(appName).marketplace()) && signIn.equals(origin);
    }

    /** eBay's consent page; {@code redirect_uri} is the app's RuName, which eBay resolves to its accepted URL (our callback). */
    @Override
    public URI consentUri(String appName, Origin origin, Secret state) {
        App app = app(appName);
        var query = new LinkedHashMap<String, String>();
        query.put("client_id", app.clientId());
        query.put("redirect_uri", app.applicationId());
        query.put("response_type", "code");
        query.put("scope", String.join(" ", app.scopes()));
        query.put("state", state.value());
        return Uris.withQuery(endpoints.hosts().resolve(EbayHosts.SIGN_IN, "/oauth2/authorize"), query);
    }

    /** eBay's redirect: {@code code}, {@code state} and {@code expires_in}; no account, no signature. */
    @Override
    public CallbackCheck checkCallback(String appName, Parameters parameters) {
        if (parameters.get("error").isPresent()) {
            return new CallbackCheck.Declined("The app was not granted access to your eBay account.");
        }
        Optional<String> code = parameters.get("code");
        if (code.isEmpty()) {
            return new CallbackCheck.Refused("code is missing.");
        }
        if (!CODE.matcher(code.get()).matches()) {
            return new CallbackCheck.Refused("code is not in the format eBay uses.");
        }
        return new CallbackCheck.ApprovedUnnamed(new Secret(code.get()));
    }

    @Override
    public TokenResult exchangeCode(String app, String accountId, Secret code) {
        throw new UnsupportedOperationException("eBay's redirect names no account: its codes are exchanged unnamed");
    }

    /** The code for a refresh token, then the account it belongs to from the Identity API, read once here. */
    @Override
    public TokenResult exchangeUnnamedCode(String appName, Secret code) {
        App app = app(appName);
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("code", code.value());
        form.put("redirect_uri", app.applicationId());
        TokenResult result = secrets.withEachSecret(app, (clientId, secret) ->
                endpoints.token(clientId, secret, form, clock.instant().plus(config.callTimeout())));
        if (!(result instanceof TokenResult.Granted granted)) {
            return result;
        }
        if (granted.refreshToken().isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without refresh_token");
        }
        return endpoints.named(granted, this::canonicalAccount, clock.instant().plus(config.callTimeout()));
    }

    /** A refresh names the consent's scopes (eBay's answer lacks permissions otherwise); the refresh token does not rotate. */
    @Override
    public TokenResult refresh(String appName, String accountId, Secret refreshToken, Instant deadline) {
        App app = app(appName);
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken.value());
        form.put("scope", String.join(" ", app.scopes()));
        return secrets.withEachSecret(app, (clientId, secret) -> endpoints.token(clientId, secret, form, deadline));
    }

    /** eBay has no API for a new client secret (Cert ID): it is changed in the developer portal and stored in the app's secret. */
    @Override
    public RotationRequest requestNewClientSecret(String appName) {
        return new RotationRequest.Refused(0, "eBay issues new client secrets in the developer portal only");
    }

    private App app(String name) {
        return apps.find(name).filter(a -> ID.equals(a.marketplace()))
                .orElseThrow(() -> new IllegalArgumentException("no eBay app named " + name + " is configured"));
    }
}
