package dev.authkeeper.session;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.http.Cookies;
import dev.authkeeper.marketplace.Uris;

/**
 * The integrator's site vouches for a signed-in merchant with a cookie holding
 * {@code {"merchant": "...", "exp": epochSeconds}} sealed by {@link SignedPayloads} under the
 * purpose {@code session} and the shared session secret. When it is missing or stale, the seller
 * is sent to the integrator's sign-in page with a return address signed under the purpose
 * {@code return}, so that page can check where it sends the seller back to.
 */
@ApplicationScoped
public class MerchantSessions {

    static final String SESSION = "session";
    static final String RETURN = "return";
    public static final Pattern MERCHANT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private final SignedPayloads signer;
    private final String cookieName;
    private final URI signInUrl;
    private final URI publicBaseUrl;

    /** Read and written by Jackson, also in a native image. */
    @RegisterForReflection
    record Claims(String merchant, long exp) {
    }

    public MerchantSessions(AuthKeeperConfig config, ObjectMapper json) {
        this.signer = new SignedPayloads(config.session().secret(), json);
        this.cookieName = config.session().cookieName();
        this.signInUrl = config.session().signInUrl();
        this.publicBaseUrl = config.publicBaseUrl();
    }

    /** The merchant a valid, unexpired session cookie names. */
    public Optional<String> signedInMerchant(List<String> cookies, Instant now) {
        return Cookies.find(cookies, cookieName)
                .flatMap(token -> signer.openJson(SESSION, token, Claims.class))
                .filter(c -> c.merchant() != null && MERCHANT_ID.matcher(c.merchant()).matches())
                .filter(c -> Instant.ofEpochSecond(c.exp()).isAfter(now))
                .map(Claims::merchant);
    }

    /** What the integrator's site sets after sign-in; used by the local run's stand-in site. */
    public String sessionToken(String merchant, Instant expires) {
        return signer.sealJson(SESSION, new Claims(merchant, expires.getEpochSecond()));
    }

    public String cookieName() {
        return cookieName;
    }

    /**
     * The integrator's sign-in page, told where to send the seller back (AuthKeeper's
     * {@code route} with {@code query}, encoded afresh) and how to check that address, with a hint
     * of the account to sign in as ({@code login_hint}) so the site can say "sign in as …"; the
     * hint is advice, the session decides.
     */
    public URI signIn(String route, Map<String, String> query, Optional<String> loginHint) {
        String returnTo = Uris.withQuery(URI.create(publicBaseUrl + route), query).toString();
        var parameters = new LinkedHashMap<String, String>();
        parameters.put("return_to", returnTo);
        parameters.put("return_sig", signer.signature(RETURN, returnTo));
        loginHint.ifPresent(merchant -> parameters.put("login_hint", merchant));
        return Uris.withQuery(signInUrl, parameters);
    }

    public boolean isSignedReturn(String returnTo, String signature) {
        return signer.verify(RETURN, returnTo, signature);
    }
}
