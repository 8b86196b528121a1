package dev.authkeeper.app;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.aws.FailedCall;
import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.SingleFlight;
import dev.authkeeper.marketplace.TokenResult;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The apps' LWA client secrets, read from Secrets Manager through a cache with a bounded lifetime
 * ({@code authkeeper.app-credentials.cache-ttl}), so that a rotation reaches every instance within
 * minutes and never needs a redeploy. While a rotation is in flight (the old secret still valid,
 * the new one not yet seen working), the previous version ({@code AWSPREVIOUS}) is offered too;
 * once the new secret has worked, it no longer is. A secret is {@code {"clientSecret":"…"}} (other
 * fields, such as those of the AuthKeeper secret, are kept as they are) or the bare value.
 */
@ApplicationScoped
public class ClientSecrets {

    private static final Logger LOG = Logger.getLogger(ClientSecrets.class);
    static final String FIELD = "clientSecret";
    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";
    private static final String PLACEHOLDER = "REPLACE_ME";

    /**
     * An app's client id and the secrets it may authenticate with, as this instance last read them.
     *
     * @param currentVersion the Secrets Manager version of {@code current} ({@code configured} for a fixed secret)
     * @param currentSince   since when {@code current} is in use, as far as AuthKeeper knows
     * @param preferPrevious the previous secret worked here after the current one was refused: try it first
     */
    public record Credentials(String clientId, Secret current, Optional<Secret> previous, String currentVersion,
            Optional<Instant> currentSince, boolean preferPrevious) {

        /** The secrets to try, in order. */
        public List<Secret> inOrder() {
            var order = new ArrayList<Secret>();
            previous.filter(p -> preferPrevious).ifPresent(order::add);
            order.add(current);
            previous.filter(p -> !preferPrevious).ifPresent(order::add);
            return order;
        }

        Credentials settled() {
            return new Credentials(clientId, current, Optional.empty(), currentVersion, currentSince, false);
        }

        Credentials preferringPrevious() {
            return new Credentials(clientId, current, previous, currentVersion, currentSince, true);
        }
    }

    /** The secret could not be read, or holds no real value. The message names the app, never a value. */
    public static final class Unavailable extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }

        /** Keeps the SDK's failure as the cause: it names the call that failed ({@code dev.authkeeper.aws.FailedCall}). */
        Unavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** @param afterRefusal read because the marketplace refused a secret: the next refusal reads again only after {@code reread-after-rejection} */
    private record Loaded(Credentials credentials, Instant readAt, boolean afterRefusal) {
    }

    private final SecretsManagerClient secretsManager;
    private final AppStates states;
    private final AppCredentialsConfig config;
    /** The AuthKeeper secret, where the default app's client secret lived before it had a secret of its own. */
    private final Optional<String> legacySecret;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();
    /** One Secrets Manager read per app at a time, with no lock held across it. */
    private final SingleFlight<String, Credentials> reads = new SingleFlight<>();
    /** Apps whose secret this instance has told operators it reads from the AuthKeeper secret: once per cold start, not per read. */
    private final Set<String> legacyWarned = ConcurrentHashMap.newKeySet();

    @Inject
    public ClientSecrets(SecretsManagerClient secretsManager, AppStates states, AppCredentialsConfig config, AuthKeeperConfig authKeeper,
            ObjectMapper json, Clock clock) {
        this(secretsManager, states, config, authKeeper.secretsArn(), json, clock);
    }

    /** @param legacySecret the AuthKeeper secret, where the default app's client secret lived before it had a secret of its own */
    ClientSecrets(SecretsManagerClient secretsManager, AppStates states, AppCredentialsConfig config, Optional<String> legacySecret,
            ObjectMapper json, Clock clock) {
        this.legacySecret = legacySecret;
        this.secretsManager = secretsManager;
        this.states = states;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /**
     * One call to the marketplace's token endpoint with the app's client id and a client secret. A
     * refusal of the client ({@code invalid_client}) is tried again with each other secret the app
     * may hold (the previous one while a rotation is in flight, or a new one stored since this
     * instance last read it) before it counts; an answer about the grant itself (granted or not)
     * means the marketplace accepted that secret.
     */
    public TokenResult withEachSecret(App app, BiFunction<String, Secret, TokenResult> call) {
        Credentials credentials;
        try {
            credentials = of(app);
        } catch (Unavailable e) {
            if (FailedCall.of(e).isPresent()) {
                throw e; // Secrets Manager failed, not the marketplace: a sweep makes it one incident (dev.authkeeper.alert.DependencyFailures)
            }
            LOG.warnf("No client secret for app %s: %s", app.name(), e.getMessage());
            return new TokenResult.Transient("the client secret of app " + app.name() + " could not be read", Optional.empty());
        }
        Secret first = credentials.inOrder().get(0);
        TokenResult result = call.apply(credentials.clientId(), first);
        if (!(result instanceof TokenResult.ApplicationRejected)) {
            accepted(app, first, result);
            return result;
        }
        List<Secret> others;
        try {
            others = others(app, first);
        } catch (Unavailable e) {
            return result;
        }
        for (Secret other : others) {
            TokenResult retried = call.apply(credentials.clientId(), other);
            if (!(retried instanceof TokenResult.ApplicationRejected)) {
                LOG.infof("The marketplace refused one client secret of app %s and accepted its other one", app.name());
                accepted(app, other, retried);
                return retried;
            }
            result = retried;
        }
        return result;
    }

    private void accepted(App app, Secret secret, TokenResult result) {
        if (result instanceof TokenResult.Granted || result instanceof TokenResult.AuthorizationRejected) {
            worked(app, secret);
        }
    }

    /** The app's credentials, read at most {@code cache-ttl} ago. */
    public Credentials of(App app) {
        return load(app, config.cacheTtl(), false);
    }

    /**
     * The marketplace refused {@code refused}: the app's other secrets to try, from a fresh read (a
     * rotation may have stored a new one since this instance last looked, however recently), unless
     * a refusal made it read them moments ago: a secret that stays refused costs one read per
     * {@code reread-after-rejection}, not one per check.
     */
    public List<Secret> others(App app, Secret refused) {
        Loaded loaded = cache.get(app.name());
        Duration maxAge = loaded != null && loaded.afterRefusal() ? config.rereadAfterRejection() : Duration.ZERO;
        return load(app, maxAge, true).inOrder().stream().filter(s -> !s.equals(refused)).toList();
    }

    /**
     * LWA accepted {@code secret}. The new secret of a rotation in flight is confirmed, so the
     * previous one is not tried any more, here or (through the app's state) anywhere; the previous
     * one, still valid, is tried first from now on here.
     */
    public void worked(App app, Secret secret) {
        Loaded loaded = cache.get(app.name());
        if (loaded == null || loaded.credentials().previous().isEmpty()) {
            return;
        }
        Credentials credentials = loaded.credentials();
        if (secret.equals(credentials.current())) {
            // Of the checks that see it work at once, one records it.
            var settled = new AtomicBoolean();
            cache.computeIfPresent(app.name(), (name, l) -> {
                settled.set(l.credentials().previous().isPresent());
                return settled.get() ? new Loaded(l.credentials().settled(), l.readAt(), l.afterRefusal()) : l;
            });
            if (settled.get()) {
                states.confirm(app.name(), credentials.currentVersion(), clock.instant());
                LOG.infof("The new client secret of app %s works: the previous one is no longer used", app.name());
            }
        } else if (credentials.previous().filter(secret::equals).isPresent() && !credentials.preferPrevious()) {
            cache.computeIfPresent(app.name(), (name, l) -> new Loaded(l.credentials().preferringPrevious(), l.readAt(), l.afterRefusal()));
        }
    }

    /**
     * Stores {@code secret} as the app's current client secret, as version {@code versionId}; the
     * current one becomes the previous version. A version that exists already (a notification
     * delivered twice) is left as it is. Secrets Manager failures are thrown.
     */
    public void store(App app, Secret secret, String versionId) {
        String id = app.secretId().orElseThrow(() -> new Unavailable("app " + app.name()
                + " has a fixed client secret in its configuration, not a Secrets Manager secret AuthKeeper can update"));
        if (versionExists(id, versionId)) {
            LOG.infof("The client secret of app %s is stored already (version %s)", app.name(), versionId);
            return;
        }
        String current = secretsManager.getSecretValue(r -> r.secretId(id).versionStage(CURRENT)).secretString();
        String updated = replaced(current, secret, app);
        secretsManager.putSecretValue(r -> r.secretId(id).clientRequestToken(versionId).secretString(updated));
        cache.remove(app.name());
        LOG.infof("Stored a new client secret for app %s (version %s); the one before stays as the previous version", app.name(),
                versionId);
    }

    /**
     * Makes version {@code versionId} of the app's secret the current one, unless it is already (the
     * one it replaces becomes the previous version): two rotations stored at once leave the newer one
     * current whichever was stored last.
     */
    public void makeCurrent(App app, String versionId) {
        String id = app.secretId().orElseThrow(() -> new Unavailable("app " + app.name() + " has a fixed client secret"));
        String current = secretsManager.getSecretValue(r -> r.secretId(id).versionStage(CURRENT)).versionId();
        if (current.equals(versionId)) {
            return;
        }
        secretsManager.updateSecretVersionStage(r -> r.secretId(id).versionStage(CURRENT).moveToVersionId(versionId)
                .removeFromVersionId(current));
        cache.remove(app.name());
        LOG.infof("The client secret of app %s: version %s, of the newest rotation, is current again (an older one was stored after it)",
                app.name(), versionId);
    }

    /** Forgets what this instance read of the app's secret. */
    public void forget(App app) {
        cache.remove(app.name());
    }

    private Credentials load(App app, Duration maxAge, boolean afterRefusal) {
        Loaded loaded = cache.get(app.name());
        if (fresh(loaded, maxAge, clock.instant())) {
            return loaded.credentials();
        }
        // Callers arriving while one reads share its answer or its failure: a hanging Secrets Manager
        // costs them one wait together, not one call's deadline each in turn.
        return reads.load(app.name(), () -> reload(app, maxAge, afterRefusal));
    }

    private Credentials reload(App app, Duration maxAge, boolean afterRefusal) {
        Instant now = clock.instant();
        Loaded loaded = cache.get(app.name());
        if (fresh(loaded, maxAge, now)) {
            return loaded.credentials();
        }
        try {
            Credentials credentials = read(app, now);
            cache.put(app.name(), new Loaded(credentials, clock.instant(), afterRefusal));
            return credentials;
        } catch (SdkException e) {
            if (loaded == null) {
                throw new Unavailable("the client secret of app " + app.name() + " could not be read from Secrets Manager ("
                        + e.getClass().getSimpleName() + ")", e);
            }
            // Keep using what was read before, and try again shortly.
            LOG.warnf("Reading the client secret of app %s failed (%s): the one read at %s stays in use", app.name(),
                    FailedCall.of(e).orElseThrow(), loaded.readAt());
            cache.put(app.name(), new Loaded(loaded.credentials(), now.minus(config.cacheTtl()).plus(config.rereadAfterRejection()),
                    afterRefusal));
            return loaded.credentials();
        }
    }

    private static boolean fresh(Loaded loaded, Duration maxAge, Instant now) {
        return loaded != null && loaded.readAt().plus(maxAge).isAfter(now);
    }

    private Credentials read(App app, Instant now) {
        if (app.secretId().isEmpty()) {
            Secret configured = app.configuredSecret().orElseThrow(() -> new Unavailable("app " + app.name()
                    + " has no client secret: set authkeeper.secrets-arn or authkeeper.amazon.client-secret-id"));
            return new Credentials(app.clientId(), configured, Optional.empty(), "configured", Optional.empty(), false);
        }
        String own = app.secretId().get();
        GetSecretValueResponse ownCurrent = secretsManager.getSecretValue(r -> r.secretId(own).versionStage(CURRENT));
        String id = legacyLocation(app, ownCurrent.secretString()).orElse(own);
        var state = states.read(app.name());
        GetSecretValueResponse current = id.equals(own) ? ownCurrent
                : secretsManager.getSecretValue(r -> r.secretId(id).versionStage(CURRENT));
        Secret secret = value(current.secretString(), app);
        var rotation = state.rotation().filter(r -> r.versionId().equals(current.versionId()));
        Optional<Secret> previous = Optional.empty();
        if (rotation.filter(r -> r.inFlight(now)).isPresent()) {
            previous = Optional.of(value(secretsManager.getSecretValue(r -> r.secretId(id).versionStage(PREVIOUS)).secretString(), app))
                    .filter(p -> !p.equals(secret));
        }
        Optional<Instant> since = rotation.map(AppStates.Rotation::issuedAt).or(() -> Optional.ofNullable(current.createdDate()));
        return new Credentials(app.clientId(), secret, previous, current.versionId(), since, false);
    }

    private boolean versionExists(String id, String versionId) {
        try {
            secretsManager.getSecretValue(r -> r.secretId(id).versionId(versionId));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    /**
     * A deployment from before the default app's client secret had a secret of its own keeps it in
     * the AuthKeeper secret: while the own secret still holds its placeholder, that is where it is
     * read, so an upgrade keeps working until the operator moves it (as the warning says).
     */
    private Optional<String> legacyLocation(App app, String ownText) {
        Optional<String> legacy = legacySecret.filter(arn -> app.isDefault() && !arn.equals(app.secretId().orElse(arn)));
        if (legacy.isEmpty() || (ownText != null && !ownText.contains(PLACEHOLDER))) {
            return Optional.empty();
        }
        if (legacyWarned.add(app.name())) {
            LOG.warnf("OPERATOR: the client secret of app %s is still read from the AuthKeeper secret, where every function can read it: "
                    + "put it into the stack's DefaultAppSecretArn secret and remove clientSecret from the AuthKeeper secret", app.name());
        }
        return legacy;
    }

    /** The client secret a secret string holds; refuses one without a real value, naming the app only. */
    private Secret value(String text, App app) {
        String value = text;
        if (text != null && text.stripLeading().startsWith("{")) {
            value = object(text, app).path(FIELD).asText(null);
        }
        if (value == null || value.isBlank() || value.contains(PLACEHOLDER)) {
            throw new Unavailable("the Secrets Manager secret of app " + app.name() + " has no client secret yet: put it there "
                    + "(docs/integrating/several-apps.md)");
        }
        return new Secret(value);
    }

    /** The secret string with its client secret replaced, every other field as it was. */
    private String replaced(String text, Secret secret, App app) {
        if (text == null || !text.stripLeading().startsWith("{")) {
            return secret.value();
        }
        ObjectNode object = object(text, app);
        object.put(FIELD, secret.value());
        return object.toString();
    }

    private ObjectNode object(String text, App app) {
        try {
            JsonNode node = json.readTree(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // reported below, without the text
        }
        throw new Unavailable("the Secrets Manager secret of app " + app.name() + " is not a JSON object");
    }
}
