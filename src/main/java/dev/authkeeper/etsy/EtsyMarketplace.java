package dev.authkeeper.etsy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.CallbackCheck;
import dev.authkeeper.marketplace.LaunchCheck;
import dev.authkeeper.marketplace.LaunchRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.marketplace.Parameters;
import dev.authkeeper.marketplace.Pkce;
import dev.authkeeper.marketplace.RotationRequest;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.marketplace.Uris;

/**
 * Etsy Open API v3: one consent page for every seller, PKCE (S256) on every authorization, and a
 * token endpoint that takes no client secret. The seller's account is the numeric user id that
 * prefixes both tokens: the callback names no account, the grant does. Refresh tokens rotate and
 * are single-use (Etsy does not say the previous one survives), so a refresh's answer replaces the
 * stored token at once; a refresh answered for another user id than the connection's is refused as
 * unexpected. Log lines name the outcome only: requests and answers carry codes, verifiers and tokens.
 */
@ApplicationScoped
public class EtsyMarketplace implements Marketplace {

    static final String ID = "etsy";
    private static final Logger LOG = Logger.getLogger(EtsyMarketplace.class);
    /** Etsy's consent page on its consent host ({@code consentPortal} in the facts). */
    private static final String CONSENT_PATH = "/oauth/connect";

    private final MarketplaceFacts facts;
    private final EtsyApi api;
    private final EtsyTokenAnswers answers;
    private final Apps apps;
    private final EtsyConfig config;
    private final Clock clock;
    private final URI consentPage;
    private final URI tokenEndpoint;

    EtsyMarketplace(MarketplaceFactsFiles files, @RestClient EtsyApi api, Apps apps, EtsyConfig config, ObjectMapper json, Clock clock) {
        this.facts = files.load(ID);
        this.api = api;
        this.answers = new EtsyTokenAnswers(json, facts);
        this.apps = apps;
        this.config = config;
        this.clock = clock;
        URI page = URI.create("https://" + facts.consentPortal().orElseThrow().host() + CONSENT_PATH);
        URI token = URI.create(facts.token().endpoint());
        this.consentPage = config.simulatedBase().map(base -> URI.create(base + page.getRawPath())).orElse(page);
        this.tokenEndpoint = config.simulatedBase().map(base -> URI.create(base + token.getRawPath())).orElse(token);
    }

    @Override
    public MarketplaceFacts facts() {
        return facts;
    }

    /** Etsy opens no app from its own site: every authorization starts at the integrator's. */
    @Override
    public LaunchCheck checkLaunch(String app, Parameters parameters) {
        return new LaunchCheck.Refused("Etsy does not open apps from its site: connect an Etsy shop from your connections page.");
    }

    @Override
    public URI continueLaunch(LaunchRequest request, Secret state) {
        throw new UnsupportedOperationException("Etsy has no launch");
    }

    /** Etsy's one consent host, {@code https://www.etsy.com}: the origin of every Etsy connection. */
    @Override
    public Optional<Origin> origin(URI uri) {
        return singleOrigin().filter(origin -> origin.uri().equals(uri));
    }

    @Override
    public boolean serves(String appName, Origin origin) {
        return ID.equals(app(appName).marketplace()) && CONSENT_PAGE.equals(origin.portal());
    }

    /** Never without PKCE: Etsy refuses such an authorization. */
    @Override
    public URI consentUri(String app, Origin origin, Secret state) {
        throw new IllegalStateException("Etsy asks for PKCE on every authorization");
    }

    @Override
    public URI consentUri(String appName, Origin origin, Secret state, Optional<Pkce> pkce) {
        App app = app(appName);
        var query = new LinkedHashMap<String, String>();
        query.put("response_type", "code");
        query.put("client_id", app.clientId());
        query.put("redirect_uri", apps.redirectUri(app).toString());
        query.put("scope", String.join(" ", app.scopes()));
        query.put("state", state.value());
        query.put("code_challenge", pkce.orElseThrow(() -> new IllegalStateException("Etsy asks for PKCE")).challenge());
        query.put("code_challenge_method", Pkce.METHOD);
        return Uris.withQuery(consentPage, query);
    }

    /** Etsy's redirect: {@code code} and {@code state}, or an RFC 6749 {@code error} (the seller declined: {@code access_denied}). */
    @Override
    public CallbackCheck checkCallback(String appName, Parameters parameters) {
        app(appName);
        if (parameters.get("error").isPresent()) {
            return parameters.get("error").filter("access_denied"::equals).isPresent()
                    ? new CallbackCheck.Declined("Access to your Etsy shop was not allowed.")
                    : new CallbackCheck.Refused("Etsy did not authorize the app.");
        }
        return parameters.get("code").<CallbackCheck>map(code -> new CallbackCheck.ApprovedUnnamed(new Secret(code)))
                .orElseGet(() -> new CallbackCheck.Refused("code is missing."));
    }

    @Override
    public TokenResult exchangeCode(String app, String accountId, Secret code) {
        throw new IllegalStateException("an Etsy code exchange needs the PKCE verifier");
    }

    /** {@code grant_type, client_id, redirect_uri, code, code_verifier}: no client secret, as Etsy documents. */
    @Override
    public TokenResult exchangeCode(String appName, Optional<String> accountId, Secret code, Optional<Pkce> pkce) {
        App app = app(appName);
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", app.clientId());
        form.put("redirect_uri", apps.redirectUri(app).toString());
        form.put("code", code.value());
        form.put("code_verifier", pkce.orElseThrow(() -> new IllegalStateException("Etsy asks for PKCE")).verifier().value());
        TokenResult result = token(form, clock.instant().plus(config.callTimeout()));
        if (result instanceof TokenResult.Granted granted) {
            return accountOf(granted).<TokenResult>map(granted::forAccount)
                    .orElseGet(() -> new TokenResult.Unexpected(200, "HTTP 200 with tokens that name no user id"));
        }
        return result;
    }

    /** The user id before the dot of the refresh token (Etsy's own tokens say whose they are). */
    private Optional<String> accountOf(TokenResult.Granted granted) {
        return granted.refreshToken().flatMap(token -> EtsyTokenAnswers.userIdOf(token, facts.account()));
    }

    /** {@code grant_type, client_id, refresh_token}; the answer's tokens must still be the connection's user's. */
    @Override
    public TokenResult refresh(String appName, String userId, Secret refreshToken, Instant deadline) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", app(appName).clientId());
        form.put("refresh_token", refreshToken.value());
        TokenResult result = token(form, deadline);
        if (result instanceof TokenResult.Granted granted && !accountOf(granted).equals(Optional.of(userId))) {
            LOG.errorf("Etsy answered a refresh of user %s with tokens of another user: not kept", userId);
            return new TokenResult.Unexpected(200, "HTTP 200 with tokens of another user id");
        }
        return result;
    }

    /** Etsy's shared secret is issued anew in Your Apps only; AuthKeeper's token calls do not use it. */
    @Override
    public RotationRequest requestNewClientSecret(String appName) {
        return new RotationRequest.Refused(0, "Etsy issues new shared secrets in Your Apps only");
    }

    @Override
    public Optional<Origin> defaultOrigin(String region) {
        return Optional.empty();
    }

    private TokenResult token(Map<String, String> form, Instant deadline) {
        var body = new MultivaluedHashMap<String, String>();
        form.forEach(body::add);
        return switch (BoundedCall.await(api.token(tokenEndpoint.toString(), body), left(deadline))) {
            case BoundedCall.Outcome.Answered answer -> answers.classify(answer.status(), answer.body(), answer.retryAfter());
            case BoundedCall.Outcome.NoAnswer none -> {
                LOG.warnf("Etsy's token endpoint gave no answer (%s)", none.cause());
                yield new TokenResult.Transient("no answer from Etsy (" + none.cause() + ")", Optional.empty());
            }
        };
    }

    private Duration left(Instant deadline) {
        Instant now = clock.instant();
        return deadline.isBefore(now.plus(config.callTimeout())) ? Duration.between(now, deadline) : config.callTimeout();
    }

    private App app(String name) {
        return apps.find(name).filter(a -> ID.equals(a.marketplace()))
                .orElseThrow(() -> new IllegalArgumentException("no Etsy app named " + name + " is configured"));
    }
}
