package dev.authkeeper.ebay;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.App;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.JsonAnswer;
import dev.authkeeper.marketplace.TokenResult;

/**
 * The keys eBay signs notifications with, by {@code kid}: fetched from the Notification API with an
 * application token (a client-credentials grant, which eBay allows 1,000 a day per app, so the token
 * is kept until shortly before it ends) and kept an hour, as eBay suggests.
 */
@ApplicationScoped
public class EbayPublicKeys {

    private static final Logger LOG = Logger.getLogger(EbayPublicKeys.class);
    static final String APPLICATION_SCOPE = "https://api.ebay.com/oauth/api_scope";
    static final Duration KEPT = Duration.ofHours(1);
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);
    private static final String TOKEN_REFUSED = "application token refused (HTTP 401)";

    /** What a lookup found: the key, no such key (the delivery is refused), or no answer now (eBay retries). */
    sealed interface Lookup {
        record Found(PublicKey key) implements Lookup {
        }

        record Unknown() implements Lookup {
        }

        record Unavailable(String cause) implements Lookup {
        }
    }

    private record Kept<T>(T value, Instant until) {
    }

    private final EbayApi api;
    private final EbayEndpoints endpoints;
    private final ClientSecrets secrets;
    private final JsonAnswer json;
    private final EbayConfig config;
    private final Clock clock;
    private final Map<String, Kept<PublicKey>> keys = new ConcurrentHashMap<>();
    private final Map<String, Kept<Secret>> applicationTokens = new ConcurrentHashMap<>();

    public EbayPublicKeys(@RestClient EbayApi api, EbayEndpoints endpoints, ClientSecrets secrets, ObjectMapper json, EbayConfig config,
            Clock clock) {
        this.api = api;
        this.endpoints = endpoints;
        this.secrets = secrets;
        this.json = new JsonAnswer(json);
        this.config = config;
        this.clock = clock;
    }

    Lookup find(App app, String kid) {
        Instant now = clock.instant();
        var kept = keys.get(kid);
        if (kept != null && now.isBefore(kept.until())) {
            return new Lookup.Found(kept.value());
        }
        Lookup found = fetch(app, kid, now);
        // An application token eBay no longer accepts was dropped: one more try with a fresh one.
        return found instanceof Lookup.Unavailable unavailable && unavailable.cause().equals(TOKEN_REFUSED) ? fetch(app, kid, now) : found;
    }

    private Lookup fetch(App app, String kid, Instant now) {
        Optional<Secret> token = applicationToken(app, now);
        if (token.isEmpty()) {
            return new Lookup.Unavailable("no application token");
        }
        String uri = endpoints.hosts().resolve(EbayHosts.API, "/commerce/notification/v1/public_key/" + kid).toString();
        return switch (BoundedCall.await(api.get(uri, "Bearer " + token.get().value()), config.callTimeout())) {
            case BoundedCall.Outcome.NoAnswer none -> new Lookup.Unavailable("no answer (" + none.cause() + ")");
            case BoundedCall.Outcome.Answered answer when answer.status() == 429 || answer.status() >= 500 ->
                    new Lookup.Unavailable("HTTP " + answer.status());
            case BoundedCall.Outcome.Answered answer when answer.status() == 401 -> {
                applicationTokens.remove(app.name());
                yield new Lookup.Unavailable(TOKEN_REFUSED);
            }
            case BoundedCall.Outcome.Answered answer when answer.status() != 200 -> new Lookup.Unknown();
            case BoundedCall.Outcome.Answered answer -> json.object(answer.body())
                    .filter(key -> "ECDSA".equalsIgnoreCase(key.path("algorithm").asText()))
                    .flatMap(key -> JsonAnswer.text(key, "key")).flatMap(EbayPublicKeys::pem)
                    .<Lookup>map(key -> {
                        keys.put(kid, new Kept<>(key, now.plus(KEPT)));
                        return new Lookup.Found(key);
                    })
                    .orElseGet(Lookup.Unknown::new);
        };
    }

    private Optional<Secret> applicationToken(App app, Instant now) {
        var kept = applicationTokens.get(app.name());
        if (kept != null && now.isBefore(kept.until())) {
            return Optional.of(kept.value());
        }
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        form.put("scope", APPLICATION_SCOPE);
        TokenResult result = secrets.withEachSecret(app, (clientId, secret) -> endpoints.token(clientId, secret, form, now.plus(config.callTimeout())));
        if (result instanceof TokenResult.Granted granted) {
            applicationTokens.put(app.name(), new Kept<>(granted.accessToken(), now.plus(granted.expiresIn()).minus(TOKEN_MARGIN)));
            return Optional.of(granted.accessToken());
        }
        LOG.warnf("eBay refused or did not answer an application token for app %s (%s)", app.name(), result.getClass().getSimpleName());
        return Optional.empty();
    }

    /** A PEM public key as eBay sends it (its lines sometimes run together), as an EC key. */
    static Optional<PublicKey> pem(String text) {
        String base64 = text.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return Optional.of(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64))));
        } catch (IllegalArgumentException | InvalidKeySpecException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no EC keys", e);
        }
    }
}
