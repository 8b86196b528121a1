package dev.authkeeper.authorization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.Cookies;

/**
 * Binds an authorization to the browser that started it (RFC 6749 §10.12, RFC 9700 §4.7.1): 256
 * random bits in a host-only cookie, of which the state keeps only a SHA-256. Only the browser
 * holding the cookie can finish the flow, so a connect link or a callback address opened in
 * another browser never connects that browser's marketplace account to the merchant who started
 * it. A browser keeps its value while it has one, so two tabs can run two flows.
 */
@ApplicationScoped
public class BrowserBindings {

    /** {@code __Host-}: browsers accept it only Secure, from this host, with Path=/ and no Domain. */
    public static final String COOKIE = "__Host-authkeeper_binding";
    private static final int BYTES = 32;
    /** 132 bits of a SHA-256: the length of an OAuthStates flow id. */
    private static final int FLOW_ID_LENGTH = 22;
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final Duration lifetime;

    public BrowserBindings(AuthKeeperConfig config) {
        this.lifetime = config.state().lifetime();
    }

    /** One browser's binding value. */
    public record Binding(Secret value) {

        /** What a state stores. */
        public String hash() {
            return OAuthStates.digest("binding." + value.value());
        }

        /** Whether this browser is the one that started the flow whose state stored {@code hash}: in constant time. */
        public boolean matches(String hash) {
            return MessageDigest.isEqual(hash().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
        }

        /**
         * The same for every start of one flow (merchant, marketplace, app, origin, expected account) in
         * this browser, so a repeat replaces the state the previous one left; unrelated to the
         * binding's hash, and telling nothing about the binding.
         */
        public String flowId(PendingAuthorization pending) {
            String flow = String.join("\n", "flow", value.value(), pending.merchantId(), pending.flow().name(),
                    pending.marketplace(), pending.app(), pending.origin().toString(), pending.region().orElse(""),
                    pending.expectedAccountId().orElse(""));
            return OAuthStates.digest(flow).substring(0, FLOW_ID_LENGTH);
        }
    }

    /** The binding the request's browser holds, if it holds a well-formed one. */
    public Optional<Binding> presented(ApiGatewayRequest request) {
        return Cookies.find(request.cookieList(), COOKIE)
                .filter(value -> VALUE.matcher(value).matches())
                .map(value -> new Binding(new Secret(value)));
    }

    /** The browser's binding, or a new one when it has none. */
    public Binding presentedOrNew(ApiGatewayRequest request) {
        return presented(request).orElseGet(() -> {
            byte[] bytes = new byte[BYTES];
            random.nextBytes(bytes);
            return new Binding(new Secret(BASE64URL.encodeToString(bytes)));
        });
    }

    /** The response, also (re)setting the binding cookie for as long as a state lives. */
    public ApiGatewayResponse set(ApiGatewayResponse response, Binding binding) {
        return response.withCookie(Cookies.hostOnly(COOKIE, binding.value().value(), lifetime));
    }
}
