package dev.authkeeper.amazon;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.Backoff;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.CallbackCheck;
import dev.authkeeper.marketplace.LaunchCheck;
import dev.authkeeper.marketplace.LaunchRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.marketplace.Parameters;
import dev.authkeeper.marketplace.RotationRequest;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.marketplace.Uris;

/**
 * Amazon Selling Partner API: Seller Central and Vendor Central in every region, and LWA, for each
 * of the integrator's SP-API apps. LWA calls use the app's client secret as {@link ClientSecrets}
 * reads it; while a rotation is in flight, a refused secret is retried with the app's other one
 * before the refusal counts.
 */
@ApplicationScoped
public class AmazonMarketplace implements Marketplace {

    private static final Logger LOG = Logger.getLogger(AmazonMarketplace.class);
    static final String BETA = "beta";
    private static final String CONFIRM_PATH = "/apps/authorize/confirm/";
    /** Opaque values Amazon hands over: printable ASCII without spaces, bounded. */
    private static final Pattern OPAQUE = Pattern.compile("[\\x21-\\x7e]{1,1024}");

    private final AmazonCentrals centrals;
    private final LwaTokenEndpoint lwa;
    private final ClientSecretRotation rotation;
    private final Apps apps;
    private final ClientSecrets secrets;
    private final AmazonConfig config;
    private final Clock clock;

    AmazonMarketplace(AmazonCentrals centrals, LwaTokenEndpoint lwa, ClientSecretRotation rotation, Apps apps, ClientSecrets secrets,
            AmazonConfig config, Clock clock) {
        this.clock = clock;
        this.centrals = centrals;
        this.lwa = lwa;
        this.rotation = rotation;
        this.apps = apps;
        this.secrets = secrets;
        this.config = config;
    }

    @Override
    public MarketplaceFacts facts() {
        return centrals.facts();
    }

    @Override
    public Optional<Origin> defaultOrigin(String region) {
        return centrals.defaultSellerCentral(region);
    }

    @Override
    public LaunchCheck checkLaunch(String appName, Parameters parameters) {
        App app = app(appName);
        var callback = parameters.get("amazon_callback_uri");
        var amazonState = parameters.get("amazon_state");
        var sellingPartnerId = parameters.get("selling_partner_id");
        var version = parameters.get("version");
        if (callback.isEmpty()) {
            return refused("amazon_callback_uri is missing.");
        }
        if (amazonState.isEmpty()) {
            return refused("amazon_state is missing.");
        }
        if (sellingPartnerId.isEmpty()) {
            return refused("selling_partner_id is missing.");
        }
        if (version.isPresent() && !version.get().equals(BETA)) {
            return refused("version must be \"beta\" or absent.");
        }
        if (!OPAQUE.matcher(amazonState.get()).matches()) {
            return refused("amazon_state is not in the format Amazon uses.");
        }
        if (canonicalAccount(sellingPartnerId.get()).isEmpty()) {
            return refused("selling_partner_id is not in the format Amazon uses.");
        }
        Optional<ConfirmPage> target = confirmPage(callback.get(), app);
        if (target.isEmpty()) {
            return refused("amazon_callback_uri is not an Amazon Seller Central or Vendor Central authorization page of this app.");
        }
        if (!app.serves(target.get().origin().region().orElseThrow())) {
            return refused("This app does not serve " + regionName(target.get().origin().region().orElseThrow())
                    + ": authorize it from the app listed for your region.");
        }
        return new LaunchCheck.Valid(new LaunchRequest(app.name(), target.get().origin(), target.get().uri(), amazonState.get(),
                canonical(sellingPartnerId.get()), version.isPresent()));
    }

    private record ConfirmPage(Origin origin, URI uri) {
    }

    /**
     * The callback must be exactly https://{a central host}/apps/authorize/confirm/{the app's id}:
     * the raw text is checked before parsing so that escapes, backslashes and non-ASCII tricks
     * cannot make a parser see a different host than a browser would, and the path is compared
     * as a whole, so dot segments, doubled or trailing slashes and other apps' ids never pass.
     */
    private Optional<ConfirmPage> confirmPage(String raw, App app) {
        if (raw.length() > 512 || !raw.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                || raw.indexOf('\\') >= 0 || raw.indexOf('%') >= 0 || raw.indexOf('@') >= 0 || raw.indexOf('#') >= 0) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(CONFIRM_PATH + app.applicationId()).equals(uri.getRawPath())) {
            return Optional.empty();
        }
        return centrals.find(uri).map(origin -> new ConfirmPage(origin, uri));
    }

    private String canonical(String sellingPartnerId) {
        return canonicalAccount(sellingPartnerId).orElseThrow();
    }

    private static LaunchCheck refused(String reason) {
        return new LaunchCheck.Refused(reason);
    }

    @Override
    public URI continueLaunch(LaunchRequest request, Secret state) {
        var query = new LinkedHashMap<String, String>();
        query.put("amazon_state", request.marketplaceState());
        query.put("state", state.value());
        app(request.app()).redirectUri().ifPresent(uri -> query.put("redirect_uri", uri.toString()));
        if (request.draft()) {
            query.put("version", BETA);
        }
        return Uris.withQuery(request.returnTo(), query);
    }

    @Override
    public Optional<Origin> origin(URI uri) {
        return centrals.find(uri).filter(origin -> origin.uri().equals(uri));
    }

    @Override
    public boolean serves(String appName, Origin origin) {
        return origin.region().filter(app(appName)::serves).isPresent();
    }

    @Override
    public URI consentUri(String appName, Origin origin, Secret state) {
        App app = app(appName);
        var query = new LinkedHashMap<String, String>();
        query.put("application_id", app.applicationId());
        query.put("state", state.value());
        app.redirectUri().ifPresent(uri -> query.put("redirect_uri", uri.toString()));
        if (app.draft()) {
            query.put("version", BETA);
        }
        return Uris.withQuery(URI.create(origin.uri() + "/apps/authorize/consent"), query);
    }

    @Override
    public CallbackCheck checkCallback(String appName, Parameters parameters) {
        if (parameters.get("error").isPresent()) {
            return new CallbackCheck.Declined("The authorization was not granted in Seller Central.");
        }
        var sellingPartnerId = parameters.get("selling_partner_id");
        var code = parameters.get("spapi_oauth_code");
        if (code.isEmpty()) {
            return new CallbackCheck.Refused("spapi_oauth_code is missing.");
        }
        if (sellingPartnerId.isEmpty()) {
            return new CallbackCheck.Refused("selling_partner_id is missing.");
        }
        if (canonicalAccount(sellingPartnerId.get()).isEmpty()) {
            return new CallbackCheck.Refused("selling_partner_id is not in the format Amazon uses.");
        }
        if (!OPAQUE.matcher(code.get()).matches()) {
            return new CallbackCheck.Refused("spapi_oauth_code is not in the format Amazon uses.");
        }
        return new CallbackCheck.Approved(canonical(sellingPartnerId.get()), new Secret(code.get()));
    }

    /**
     * An authorization code lives five minutes and is single-use; only transient answers
     * (throttling, 5xx, no complete answer, a body that is not JSON) are retried, and only while
     * another whole call fits in the exchange budget, so the seller's page answers well within API
     * Gateway's 30 seconds. A success without a refresh token leaves nothing to store, so it is
     * unexpected here. The redirect URI is the app's: the one the seller was sent to Amazon with.
     */
    @Override
    public TokenResult exchangeCode(String appName, String sellingPartnerId, Secret code) {
        App app = app(appName);
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("code", code.value());
        form.put("redirect_uri", apps.redirectUri(app).toString());
        Duration pause = config.lwa().backoff();
        Instant giveUp = clock.instant().plus(config.lwa().exchangeBudget());
        TokenResult result = grant(app, form, giveUp);
        for (int attempt = 1; attempt < config.lwa().exchangeAttempts() && result instanceof TokenResult.Transient t; attempt++) {
            Duration wait = t.retryAfter().orElse(Backoff.withJitter(pause));
            // Another attempt must be able to finish before the seller's page gives up on us.
            if (clock.instant().plus(wait).plus(config.lwa().callTimeout()).isAfter(giveUp)) {
                break;
            }
            Backoff.pause(wait);
            pause = pause.multipliedBy(2);
            result = grant(app, form, giveUp);
        }
        if (result instanceof TokenResult.Granted granted && granted.refreshToken().isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without refresh_token");
        }
        return result;
    }

    @Override
    public TokenResult refresh(String appName, String sellingPartnerId, Secret refreshToken, Instant deadline) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken.value());
        return grant(app(appName), form, deadline);
    }

    /**
     * Asks for a new client secret: a grantless token for the rotation scope, then
     * rotateApplicationClientSecret. Amazon sends the new secret by notification, never here.
     */
    @Override
    public RotationRequest requestNewClientSecret(String appName) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        form.put("scope", ClientSecretRotation.SCOPE);
        return switch (grant(app(appName), form, Instant.MAX)) {
            case TokenResult.Granted granted -> rotation.rotate(granted.accessToken());
            case TokenResult.ApplicationRejected rejected -> new RotationRequest.Refused(rejected.status(),
                    "LWA refused the app's credentials (" + rejected.error() + ")");
            case TokenResult.AuthorizationRejected rejected -> new RotationRequest.Refused(400, "LWA refused the grant (" + rejected.error() + ")");
            case TokenResult.Unexpected unexpected -> new RotationRequest.Refused(unexpected.status(), "LWA: " + unexpected.description());
            case TokenResult.Transient failure -> new RotationRequest.Transient(failure.cause());
        };
    }

    /** One LWA call with the app's credentials, each of its client secrets tried before a refusal of the client counts. */
    private TokenResult grant(App app, Map<String, String> form, Instant deadline) {
        return secrets.withEachSecret(app, (clientId, secret) -> lwa.grant(withCredentials(form, clientId, secret), deadline));
    }

    private static Map<String, String> withCredentials(Map<String, String> form, String clientId, Secret clientSecret) {
        var withCredentials = new LinkedHashMap<>(form);
        withCredentials.put("client_id", clientId);
        withCredentials.put("client_secret", clientSecret.value());
        return withCredentials;
    }

    private App app(String name) {
        return apps.find(name).orElseThrow(() -> new IllegalArgumentException("no app named " + name + " is configured"));
    }
}
