package dev.authkeeper.amazon;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.Backoff;
import dev.authkeeper.marketplace.CallbackCheck;
import dev.authkeeper.marketplace.LaunchCheck;
import dev.authkeeper.marketplace.LaunchRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.marketplace.Parameters;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.marketplace.Uris;

/** Amazon Selling Partner API: Seller Central and Vendor Central in every region, and LWA. */
@ApplicationScoped
public class AmazonMarketplace implements Marketplace {

    static final String BETA = "beta";
    private static final String CONFIRM_PATH = "/apps/authorize/confirm/";
    /** Amazon's seller ids are upper-case letters and digits; a lower-case spelling names the same seller. */
    private static final Pattern SELLING_PARTNER_ID = Pattern.compile("[A-Za-z0-9]{6,32}");
    /** Opaque values Amazon hands over: printable ASCII without spaces, bounded. */
    private static final Pattern OPAQUE = Pattern.compile("[\\x21-\\x7e]{1,1024}");

    private final AmazonCentrals centrals;
    private final LwaTokenEndpoint lwa;
    private final AmazonConfig config;
    private final URI redirectUri;
    private final Clock clock;

    public AmazonMarketplace(AmazonCentrals centrals, LwaTokenEndpoint lwa, AmazonConfig config, AuthKeeperConfig authKeeper,
            Clock clock) {
        this.clock = clock;
        this.centrals = centrals;
        this.lwa = lwa;
        this.config = config;
        this.redirectUri = config.redirectUri().orElse(URI.create(authKeeper.publicBaseUrl() + "/callback"));
    }

    @Override
    public String id() {
        return "amazon";
    }

    @Override
    public String displayName() {
        return "Amazon";
    }

    @Override
    public String regionName(String region) {
        return switch (region) {
            case "NA" -> "North America";
            case "EU" -> "Europe";
            case "FE" -> "Far East";
            default -> region;
        };
    }

    @Override
    public List<String> regions() {
        return List.of("NA", "EU", "FE");
    }

    @Override
    public Optional<Origin> defaultOrigin(String region) {
        return centrals.defaultSellerCentral(region);
    }

    @Override
    public LaunchCheck checkLaunch(Parameters parameters) {
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
        if (!SELLING_PARTNER_ID.matcher(sellingPartnerId.get()).matches()) {
            return refused("selling_partner_id is not in the format Amazon uses.");
        }
        return confirmPage(callback.get())
                .<LaunchCheck>map(target -> new LaunchCheck.Valid(new LaunchRequest(
                        target.origin(), target.uri(), amazonState.get(), canonical(sellingPartnerId.get()), version.isPresent())))
                .orElseGet(() -> refused("amazon_callback_uri is not an Amazon Seller Central or Vendor Central authorization page."));
    }

    private record ConfirmPage(Origin origin, URI uri) {
    }

    /**
     * The callback must be exactly https://{a central host}/apps/authorize/confirm/{this app's id}:
     * the raw text is checked before parsing so that escapes, backslashes and non-ASCII tricks
     * cannot make a parser see a different host than a browser would, and the path is compared
     * as a whole, so dot segments, doubled or trailing slashes and other apps' ids never pass.
     */
    private Optional<ConfirmPage> confirmPage(String raw) {
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
                || !(CONFIRM_PATH + config.applicationId()).equals(uri.getRawPath())) {
            return Optional.empty();
        }
        return centrals.find(uri).map(origin -> new ConfirmPage(origin, uri));
    }

    private static String canonical(String sellingPartnerId) {
        return sellingPartnerId.toUpperCase(Locale.ROOT);
    }

    private static LaunchCheck refused(String reason) {
        return new LaunchCheck.Refused(reason);
    }

    @Override
    public URI continueLaunch(LaunchRequest request, Secret state) {
        var query = new LinkedHashMap<String, String>();
        query.put("amazon_state", request.marketplaceState());
        query.put("state", state.value());
        config.redirectUri().ifPresent(uri -> query.put("redirect_uri", uri.toString()));
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
    public Optional<URI> apiEndpoint(String region) {
        return centrals.apiEndpoint(region);
    }

    @Override
    public URI consentUri(Origin origin, Secret state) {
        var query = new LinkedHashMap<String, String>();
        query.put("application_id", config.applicationId());
        query.put("state", state.value());
        config.redirectUri().ifPresent(uri -> query.put("redirect_uri", uri.toString()));
        if (config.draft()) {
            query.put("version", BETA);
        }
        return Uris.withQuery(URI.create(origin.uri() + "/apps/authorize/consent"), query);
    }

    @Override
    public CallbackCheck checkCallback(Parameters parameters) {
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
        if (!SELLING_PARTNER_ID.matcher(sellingPartnerId.get()).matches()) {
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
     * unexpected here.
     */
    @Override
    public TokenResult exchangeCode(Secret code) {
        var form = credentials("authorization_code");
        form.put("code", code.value());
        form.put("redirect_uri", redirectUri.toString());
        Duration pause = config.lwa().backoff();
        Instant giveUp = clock.instant().plus(config.lwa().exchangeBudget());
        TokenResult result = lwa.grant(form, giveUp);
        for (int attempt = 1; attempt < config.lwa().exchangeAttempts() && result instanceof TokenResult.Transient t; attempt++) {
            Duration wait = t.retryAfter().orElse(Backoff.withJitter(pause));
            // Another attempt must be able to finish before the seller's page gives up on us.
            if (clock.instant().plus(wait).plus(config.lwa().callTimeout()).isAfter(giveUp)) {
                break;
            }
            Backoff.pause(wait);
            pause = pause.multipliedBy(2);
            result = lwa.grant(form, giveUp);
        }
        if (result instanceof TokenResult.Granted granted && granted.refreshToken().isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without refresh_token");
        }
        return result;
    }

    @Override
    public TokenResult refresh(Secret refreshToken) {
        return lwa.grant(refreshGrant(refreshToken));
    }

    @Override
    public TokenResult refresh(Secret refreshToken, Instant deadline) {
        return lwa.grant(refreshGrant(refreshToken), deadline);
    }

    private Map<String, String> refreshGrant(Secret refreshToken) {
        var form = credentials("refresh_token");
        form.put("refresh_token", refreshToken.value());
        return form;
    }

    private Map<String, String> credentials(String grantType) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", grantType);
        form.put("client_id", config.clientId());
        form.put("client_secret", config.clientSecret());
        return form;
    }

}
