package dev.authkeeper.tiktok;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.app.App;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckStore;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.metrics.EmbeddedMetrics;
import dev.authkeeper.notification.Deliveries;
import dev.authkeeper.notification.NotificationReceiver;

/**
 * TikTok Shop's webhooks for an app: {@code SELLER_DEAUTHORIZATION} (type 6: the seller removed the
 * app, its tokens are dead) and {@code UPCOMING_AUTHORIZATION_EXPIRATION} (type 7: the exact end of
 * the authorization, daily from 30 days before). A delivery counts only when the
 * {@code Authorization} header is the app's HMAC of app key + raw body; it carries no timestamp and
 * TikTok retries for hours, so each notification id is acted on once. A deauthorization goes
 * through the same recorder and outbox as a check that found the authorization refused (history,
 * event, merchant alert; the cached access token belongs to the version it bumps). A refused or
 * malformed delivery changes nothing, is answered 401 or 400, and is counted
 * ({@code NotificationsRefused}, alarmed); log lines never repeat a value of the request.
 */
@ApplicationScoped
public class TikTokWebhooks implements NotificationReceiver {

    private static final Logger LOG = Logger.getLogger(TikTokWebhooks.class);
    private static final Pattern ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,30}");
    static final int SELLER_DEAUTHORIZATION = 6;
    static final int UPCOMING_AUTHORIZATION_EXPIRATION = 7;

    private final ClientSecrets secrets;
    private final Deliveries deliveries;
    private final TikTokShops shops;
    private final CheckStore store;
    private final CheckRecorder recorder;
    private final AlertDelivery delivery;
    private final EmbeddedMetrics metrics;
    private final MarketplaceFacts facts;
    private final ObjectMapper json;
    private final Clock clock;

    TikTokWebhooks(ClientSecrets secrets, Deliveries deliveries, TikTokShops shops, CheckStore store, CheckRecorder recorder,
            AlertDelivery delivery, EmbeddedMetrics metrics, MarketplaceFactsFiles files, ObjectMapper json, Clock clock) {
        this.secrets = secrets;
        this.deliveries = deliveries;
        this.shops = shops;
        this.store = store;
        this.recorder = recorder;
        this.delivery = delivery;
        this.metrics = metrics;
        this.facts = files.load(TikTokShopMarketplace.ID);
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String marketplace() {
        return TikTokShopMarketplace.ID;
    }

    /** One notification, its fields as read from the signed body. */
    private record Notification(int type, String id, String shopId, JsonNode data) {
    }

    @Override
    public ApiGatewayResponse receive(App app, ApiGatewayRequest request) {
        List<Secret> candidates;
        try {
            candidates = secrets.of(app).inOrder();
        } catch (ClientSecrets.Unavailable e) {
            LOG.errorf("OPERATOR: a TikTok Shop webhook for app %s could not be verified: its app secret could not be read", app.name());
            return answer(503, "unavailable", "Try again later.");
        }
        Optional<byte[]> body = request.rawBody();
        if (body.isEmpty() || !TikTokSignature.verifies(app.clientId(), body.get(), request.header(TikTokSignature.HEADER), candidates)) {
            return refused(app, 401, "its signature does not verify with this app's secret", "unauthorized",
                    "The Authorization header is not this app's signature of the body.");
        }
        Optional<Notification> notification = read(body.get());
        if (notification.isEmpty()) {
            return refused(app, 400, "its signed body is not a TikTok Shop notification", "malformed",
                    "The body is not a notification: type, tts_notification_id and shop_id are needed.");
        }
        Notification n = notification.get();
        if (deliveries.done(marketplace(), n.id())) {
            LOG.infof("A TikTok Shop notification (type %d) for app %s delivered again: already acted on", n.type(), app.name());
            return answer(200, "duplicate", "Already received.");
        }
        act(app, n);
        deliveries.markDone(marketplace(), n.id(), "type " + n.type(), clock.instant());
        return answer(200, "received", "Received.");
    }

    private void act(App app, Notification n) {
        if (n.type() != SELLER_DEAUTHORIZATION && n.type() != UPCOMING_AUTHORIZATION_EXPIRATION) {
            LOG.infof("TikTok Shop notification type %d for app %s is not one AuthKeeper acts on", n.type(), app.name());
            return;
        }
        Optional<CheckedConnection> connection = shops.of(app.name(), n.shopId()).flatMap(seller -> facts.regions().keySet().stream()
                .map(region -> store.read(TableLayout.connectionKey(new ConnectionId(marketplace(), region, seller.openId()))))
                .flatMap(Optional::stream).filter(c -> app.name().equals(c.app())).findFirst());
        if (connection.isEmpty()) {
            LOG.infof("A TikTok Shop notification (type %d) for app %s names a shop no connection of that app covers: "
                    + "recorded, nothing to change", n.type(), app.name());
            return;
        }
        if (n.type() == SELLER_DEAUTHORIZATION) {
            var recorded = recorder.record(connection.get(), new CheckOutcome.Revoked(ReauthorizationReason.APP_UNINSTALLED));
            LOG.infof("TikTok Shop: the seller of %s deauthorized app %s: %s", connection.get().id(), app.name(), recorded.result());
            delivery.deliverNow(recorded.entries());
            return;
        }
        Optional<Instant> expiresAt = Optional.ofNullable(n.data().path("expiration_time").asText(null))
                .filter(DIGITS.asMatchPredicate()).map(seconds -> Instant.ofEpochSecond(Long.parseLong(seconds)));
        if (expiresAt.isEmpty()) {
            LOG.warnf("OPERATOR: a signed TikTok Shop expiry notification for app %s has no usable expiration_time: ignored", app.name());
            return;
        }
        boolean learned = store.learnExpiry(connection.get(), expiresAt.get());
        LOG.infof("TikTok Shop: the authorization of %s ends %s%s", connection.get().id(), expiresAt.get(),
                learned ? "" : " (the connection changed meanwhile: the next notification tells again)");
    }

    private Optional<Notification> read(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject() || !node.path("type").isIntegralNumber()) {
            return Optional.empty();
        }
        String id = node.path("tts_notification_id").asText("");
        String shop = node.path("shop_id").asText("");
        if (!ID.matcher(id).matches() || !DIGITS.matcher(shop).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Notification(node.path("type").asInt(), id, shop, node.path("data")));
    }

    private ApiGatewayResponse refused(App app, int status, String why, String outcome, String message) {
        LOG.warnf("Refused a delivery to app %s's TikTok Shop webhook route: %s; nothing changed", app.name(), why);
        metrics.emit(Map.of("NotificationsRefused", 1), Map.of("Marketplace", marketplace()), Map.of("app", app.name()), clock.millis());
        return answer(status, outcome, message);
    }

    private static ApiGatewayResponse answer(int status, String outcome, String message) {
        return ApiGatewayResponse.json(status, "{\"outcome\":\"" + outcome + "\",\"message\":\"" + message + "\"}", Map.of());
    }
}
