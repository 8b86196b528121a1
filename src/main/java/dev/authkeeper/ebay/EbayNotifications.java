package dev.authkeeper.ebay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.api.Disconnections;
import dev.authkeeper.app.App;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckStore;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.metrics.EmbeddedMetrics;
import dev.authkeeper.notification.Deliveries;
import dev.authkeeper.notification.NotificationReceiver;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * eBay's notifications for an app, at {@code /notifications/{app}}: the endpoint validation
 * ({@code GET ?challenge_code=…}, answered with SHA-256 of the code, the verification token and the
 * endpoint), {@code AUTHORIZATION_REVOCATION} (the connection needs reauthorization at once, with
 * eBay's reason, through the same recorder as a check: history, event, alert) and
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
    private static final Duration PUBLISH_BUDGET = Duration.ofSeconds(10);
    private static final Map<String, ReauthorizationReason> REASONS = Map.of(
            "REVOKED_BY_USER", ReauthorizationReason.REVOKED_BY_SELLER,
            "PASSWORD_CHANGE", ReauthorizationReason.PASSWORD_CHANGED,
            "REVOKED_BY_EBAY", ReauthorizationReason.REVOKED_BY_MARKETPLACE,
            "REVOKED_BY_APP", ReauthorizationReason.REVOKED_BY_APP);

    private final EbayMarketplace ebay;
    private final EbayPublicKeys keys;
    private final Deliveries deliveries;
    private final ConnectionRepository connections;
    private final CheckStore checks;
    private final CheckRecorder recorder;
    private final AlertDelivery delivery;
    private final Disconnections disconnections;
    private final EmbeddedMetrics metrics;
    private final EbayConfig config;
    private final AuthKeeperConfig authKeeper;
    private final ObjectMapper json;
    private final Clock clock;

    EbayNotifications(EbayMarketplace ebay, EbayPublicKeys keys, Deliveries deliveries, ConnectionRepository connections, CheckStore checks, CheckRecorder recorder,
            AlertDelivery delivery, Disconnections disconnections, EmbeddedMetrics metrics, EbayConfig config, AuthKeeperConfig authKeeper,
            ObjectMapper json, Clock clock) {
        this.ebay = ebay;
        this.keys = keys;
        this.deliveries = deliveries;
        this.connections = connections;
        this.checks = checks;
        this.recorder = recorder;
        this.delivery = delivery;
        this.disconnections = disconnections;
        this.metrics = metrics;
        this.config = config;
        this.authKeeper = authKeeper;
        this.json = json;
        this.clock = clock;
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
        Optional<byte[]> body = request.rawBody();
        var signature = EbaySignature.parse(request.header(EbaySignature.HEADER), json);
        if (body.isEmpty() || signature.isEmpty()) {
            return refused(app, "its signature header is missing or malformed");
        }
        return switch (keys.find(app, signature.get().kid())) {
            case EbayPublicKeys.Lookup.Unavailable unavailable -> {
                LOG.warnf("An eBay notification for app %s could not be verified now (eBay's key service: %s): eBay delivers it again",
                        app.name(), unavailable.cause());
                yield answer(503, "unavailable", "Try again later.");
            }
            case EbayPublicKeys.Lookup.Unknown unknown -> refused(app, "eBay has no key by its kid");
            case EbayPublicKeys.Lookup.Found found when !signature.get().verifies(found.key(), body.get()) ->
                    refused(app, "its signature does not verify");
            case EbayPublicKeys.Lookup.Found found -> verified(app, body.get());
        };
    }

    /** eBay's endpoint validation: {@code {"challengeResponse": hex(SHA-256(challengeCode + verificationToken + endpoint))}}. */
    private ApiGatewayResponse challenge(App app, ApiGatewayRequest request) {
        Optional<String> code = QueryString.parse(request.query()).get("challenge_code").filter(c -> CHALLENGE.matcher(c).matches());
        if (code.isEmpty()) {
            return answer(400, "bad_request", "challenge_code is missing or malformed.");
        }
        if (config.verificationToken().isEmpty()) {
            LOG.errorf("OPERATOR: eBay validated the notification endpoint of app %s, but authkeeper.ebay.verification-token is not set: "
                    + "refused. Set it to the token entered with the endpoint in eBay's developer portal.", app.name());
            return answer(503, "not_configured", "The endpoint's verification token is not configured.");
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
            return answer(204, "ignored", "");
        }
        if (deliveries.done(marketplace(), id.get())) {
            LOG.infof("eBay notification %s (%s) for app %s delivered again: already acted on", id.get(), topic, app.name());
            return answer(204, "duplicate", "");
        }
        var connection = ConnectionId.of(EbayMarketplace.ID, user.get());
        boolean ours = connections.find(connection).isPresent() && connections.appOf(connection).map(app.name()::equals).orElse(false);
        if (!ours) {
            LOG.infof("eBay %s for app %s is about an eBay user not connected here with that app: recorded, nothing to change", topic,
                    app.name());
        } else if (topic.equals(REVOCATION)) {
            String reason = message.get().path("notification").path("data").path("revokeReason").asText();
            revoked(connection, REASONS.getOrDefault(reason, ReauthorizationReason.REVOKED_OR_CHANGED));
        } else if (topic.equals(DELETION)) {
            var result = disconnections.disconnect(connection, "ebay:" + app.name(), "ACCOUNT_DELETED", false);
            int erased = connections.erase(connection);
            LOG.infof("eBay account deletion for %s: %s, %d item(s) kept of the user erased", connection, result, erased);
        } else {
            LOG.infof("eBay notification topic %s for app %s is not one AuthKeeper acts on", topic.isEmpty() ? "(none)" : topic, app.name());
        }
        deliveries.markDone(marketplace(), id.get(), topic, clock.instant());
        return answer(204, "received", "");
    }

    /** As a check that found the authorization refused, with eBay's reason: history, event, alert; its cached access token dies with the version. */
    private void revoked(ConnectionId id, ReauthorizationReason reason) {
        var connection = checks.read(TableLayout.connectionKey(id)).filter(c -> c.status() != ConnectionStatus.DISCONNECTED);
        if (connection.isEmpty()) {
            LOG.infof("eBay revoked %s, which is disconnected here: nothing to change", id);
            return;
        }
        var recorded = recorder.record(connection.get(), new CheckOutcome.Revoked(reason));
        delivery.deliverNow(recorded.entries(), clock.instant().plus(PUBLISH_BUDGET));
        LOG.infof("eBay revoked %s (%s): %s", id, reason, recorded.result());
    }

    private ApiGatewayResponse refused(App app, String why) {
        LOG.warnf("Refused a delivery to app %s's eBay notifications route: %s; nothing changed", app.name(), why);
        metrics.emit(Map.of("NotificationsRefused", 1), Map.of("Marketplace", marketplace()), Map.of("app", app.name()), clock.millis());
        return answer(412, "refused", "The delivery's X-EBAY-SIGNATURE does not verify with eBay's key.");
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

    private static ApiGatewayResponse answer(int status, String outcome, String message) {
        return status == 204 ? new ApiGatewayResponse(204, Map.of(), List.of(), "")
                : ApiGatewayResponse.json(status, "{\"outcome\":\"" + outcome + "\",\"message\":\"" + message + "\"}", Map.of());
    }
}
