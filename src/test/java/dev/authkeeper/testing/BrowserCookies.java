package dev.authkeeper.testing;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.authkeeper.authorization.BrowserBindings;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.session.MerchantSessions;

/** The cookies a browser sends to the functions: its binding and, once signed in, a merchant session. */
public final class BrowserCookies {

    private static final SecureRandom RANDOM = new SecureRandom();

    private BrowserCookies() {
    }

    /** A binding value as a browser would hold it after a first flow. */
    public static String newBinding() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String binding(String value) {
        return BrowserBindings.COOKIE + "=" + value;
    }

    public static String session(MerchantSessions sessions, String merchant) {
        return sessions.cookieName() + "=" + sessions.sessionToken(merchant, Instant.now().plusSeconds(3600));
    }

    /** The binding value a response sets, if it sets one. */
    public static Optional<String> bindingSet(ApiGatewayResponse response) {
        return setCookies(response).stream()
                .filter(c -> c.startsWith(BrowserBindings.COOKIE + "="))
                .map(c -> c.substring(BrowserBindings.COOKIE.length() + 1, c.indexOf(';')))
                .findFirst();
    }

    public static List<String> setCookies(ApiGatewayResponse response) {
        return response.cookies();
    }
}
