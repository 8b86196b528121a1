package dev.authkeeper.ebay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.App;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.notification.Answer;
import dev.authkeeper.notification.NotificationReceiver;
import dev.authkeeper.notification.Received;
import dev.authkeeper.notification.Signal;
import dev.authkeeper.notification.Signals;
import dev.authkeeper.notification.Verdict;
import dev.authkeeper.table.ConnectionId;

/**
 * eBay's notifications for an app, at {@code /notifications/{app}}: the endpoint validation
 * ({@code GET ?challenge_code=…}, answered with SHA-256 of the code, the verification token and the
 * endpoint), {@code AUTHORIZATION_REVOCATION} (the connection needs reauthorization at once, with
 * eBay's reason, through the same recorder as a check: history, event, alert; the event published
 * within the delivery) and
 * {@code MARKETPLACE_ACCOUNT_DELETION} (everything kept of that eBay user is erased). A delivery
 * counts only when {@code X-EBAY-SIGNATURE} verifies with eBay's key; one that does not changes
 * nothing, is answered 412 as eBay's own SDK does, and is counted ({@code NotificationsRefused}, alarmed).
 * Each notification id is acted on once; a notification about an account not connected here is recorded and ignored.
 */
@ApplicationScoped
public class EbayNotifications implements NotificationReceiver {

    private static final Logger LOG = Logger.getLogger(EbayNotifications.class);
    static final String REVOCATION = "AUTHORIZATION_REVOCATION";
    static final String DELETION = "MARKETPLACE_ACCOUNT_DELETION";
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern NOTIFICATION_ID = Pattern.compile("[A-Za-z0-9-]{1,80}");
    private static final Pattern TOPIC = Pattern.compile("[A-Z_]{1,60}");
    private static final Map<String, ReauthorizationReason> REASONS = Map.of(
            "REVOKED_BY_USER", ReauthorizationReason.REVOKED_BY_SELLER,
            "PASSWORD_CHANGE", ReauthorizationReason.PASSWORD_CHANGED,
            "REVOKED_BY_EBAY", ReauthorizationReason.REVOKED_BY_MARKETPLACE,
            "REVOKED_BY_APP", ReauthorizationReason.REVOKED_BY_APP);
    private static final Answer UNAVAILABLE = new Answer(503, "unavailable", "Try again later.");
    private static final Answer REFUSED = new Answer(412, "refused", "The delivery's X-EBAY-SIGNATURE does not verify with eBay's key.");

    private final EbayMarketplace ebay;
    private final EbayPublicKeys keys;
    private final Signals signals;
    private final EbayConfig config;
    private final AuthKeeperConfig authKeeper;
    private final ObjectMapper json;

    EbayNotifications(EbayMarketplace ebay, EbayPublicKeys keys, Signals signals, EbayConfig config, AuthKeeperConfig authKeeper,
            ObjectMapper json) {
        this.ebay = ebay;
        this.keys = keys;
        this.signals = signals;
        this.config = config;
        this.authKeeper = authKeeper;
        this.json = json;
    }

    @Override
    public String marketplace() {
        return EbayMarketplace.ID;
    }

    @Override
    public ApiGatewayResponse receive(App app, ApiGatewayRequest request) {
        if ("GET".equals(request.method())) {
            return challenge(app, request);
        }
        return switch (verify(app, request)) {
            case Verdict.Unavailable unavailable -> UNAVAILABLE.response();
            case Verdict.Refused refused -> {
                LOG.warnf("Refused a delivery to app %s's eBay notifications route: %s; nothing changed", app.name(), refused.why());
                signals.refused(app);
                yield REFUSED.response();
            }
            case Verdict.Verified verified -> verified(app, verified.body());
        };
    }

    private Verdict verify(App app, ApiGatewayRequest request) {
        Optional<byte[]> body = request.rawBody();
        var signature = EbaySignature.parse(request.header(EbaySignature.HEADER), json);
        if (body.isEmpty() || signature.isEmpty()) {
            return new Verdict.Refused("its signature header is missing or malformed");
        }
        return switch (keys.find(app, signature.get().kid())) {
            case EbayPublicKeys.Lookup.Unavailable unavailable -> {
                LOG.warnf("An eBay notification for app %s could not be verified now (eBay's key service: %s): eBay delivers it again",
                        app.name(), unavailable.cause());
                yield new Verdict.Unavailable();
            }
            case EbayPublicKeys.Lookup.Unknown unknown -> new Verdict.Refused("eBay has no key by its kid");
            case EbayPublicKeys.Lookup.Found found when !signature.get().verifies(found.key(), body.get()) ->
                    new Verdict.Refused("its signature does not verify");
            case EbayPublicKeys.Lookup.Found found -> new Verdict.Verified(body.get());
        };
    }

    /** eBay's endpoint validation: {@code {"challengeResponse": hex(SHA-256(challengeCode + verificationToken + endpoint))}}. */
    private ApiGatewayResponse challenge(App app, ApiGatewayRequest request) {
        Optional<String> code = QueryString.parse(request.query()).get("challenge_code").filter(c -> CHALLENGE.matcher(c).matches());
        if (code.isEmpty()) {
            return new Answer(400, "bad_request", "challenge_code is missing or malformed.").response();
        }
        if (config.verificationToken().isEmpty()) {
            LOG.errorf("OPERATOR: eBay validated the notification endpoint of app %s, but authkeeper.ebay.verification-token is not set: "
                    + "refused. Set it to the token entered with the endpoint in eBay's developer portal.", app.name());
            return new Answer(503, "not_configured", "The endpoint's verification token is not configured.").response();
        }
        String endpoint = authKeeper.publicBaseUrl() + "/notifications/" + app.name();
        String response = sha256Hex(code.get() + config.verificationToken().get() + endpoint);
        LOG.infof("eBay validated the notification endpoint of app %s", app.name());
        return ApiGatewayResponse.json(200, "{\"challengeResponse\":\"" + response + "\"}", Map.of());
    }

    private ApiGatewayResponse verified(App app, byte[] body) {
        Optional<JsonNode> message = object(body);
        String topic = message.map(m -> m.path("metadata").path("topic").asText()).filter(t -> TOPIC.matcher(t).matches()).orElse("");
        Optional<String> id = message.map(m -> m.path("notification").path("notificationId").asText())
                .filter(i -> NOTIFICATION_ID.matcher(i).matches());
        Optional<String> user = message.map(m -> m.path("notification").path("data").path("userId").asText())
                .flatMap(ebay::canonicalAccount);
        if (id.isEmpty() || user.isEmpty()) {
            LOG.warnf("OPERATOR: a signed eBay notification (%s) for app %s names no notification id or user: ignored", topic, app.name());
            return new Answer(204, "ignored", "").response();
        }
        Signal.Change change = switch (topic) {
            case REVOCATION -> new Signal.Change.Revoke(REASONS.getOrDefault(
                    message.get().path("notification").path("data").path("revokeReason").asText(), ReauthorizationReason.REVOKED_OR_CHANGED));
            case DELETION -> new Signal.Change.Erase("ACCOUNT_DELETED");
            default -> new Signal.Change.None();
        };
        var connection = ConnectionId.of(EbayMarketplace.ID, user.get());
        var received = signals.receive(app, new Signal(id, topic, List.of(connection), change));
        report(app, id.get(), topic, received);
        return new Answer(204, received instanceof Received.Duplicate ? "duplicate" : "received", "").response();
    }

    private static void report(App app, String id, String topic, Received received) {
        switch (received) {
            case Received.Duplicate duplicate ->
                    LOG.infof("eBay notification %s (%s) for app %s delivered again: already acted on", id, topic, app.name());
            case Received.UnknownAccount unknown -> notConnected(app, topic);
            case Received.Noted noted -> notConnected(app, topic);
            case Received.Applied applied -> reportApplied(app, topic, applied);
        }
    }

    private static void notConnected(App app, String topic) {
        LOG.infof("eBay %s for app %s is about an eBay user not connected here with that app: recorded, nothing to change", topic, app.name());
    }

    private static void reportApplied(App app, String topic, Received.Applied applied) {
        ConnectionId connection = applied.connection().id();
        switch (applied.effect()) {
            case Received.Effect.Revoked revoked when applied.connection().status() == ConnectionStatus.DISCONNECTED ->
                    LOG.infof("eBay revoked %s, which is disconnected here: nothing to change", connection);
            case Received.Effect.Revoked revoked ->
                    LOG.infof("eBay revoked %s (%s): %s", connection, revoked.reason(), revoked.result());
            case Received.Effect.Ended ended ->
                    LOG.infof("eBay account deletion for %s: %s, %d item(s) kept of the user erased", connection, ended.result(), ended.erased());
            case Received.Effect.ExpiryLearned learned -> throw new IllegalStateException("no eBay notification tells an expiry");
            case Received.Effect.Unchanged unchanged -> notActedOn(app, topic);
        }
    }

    private static void notActedOn(App app, String topic) {
        LOG.infof("eBay notification topic %s for app %s is not one AuthKeeper acts on", topic.isEmpty() ? "(none)" : topic, app.name());
    }

    private Optional<JsonNode> object(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
