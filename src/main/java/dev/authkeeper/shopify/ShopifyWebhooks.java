package dev.authkeeper.shopify;

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

import dev.authkeeper.api.Disconnections;
import dev.authkeeper.app.App;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.metrics.EmbeddedMetrics;
import dev.authkeeper.notification.Deliveries;
import dev.authkeeper.notification.NotificationReceiver;
import dev.authkeeper.table.ConnectionId;

/**
 * Shopify's webhooks for an app: {@code app/uninstalled} (the shop's tokens are dead at once) and
 * the mandatory compliance topics. A delivery counts only when its raw body carries the app's
 * HMAC; everything about the shop is read from that signed body, never from the unsigned
 * {@code X-Shopify-Shop-Domain} header. A refused delivery changes nothing, is answered 401 as
 * Shopify asks of compliance endpoints, and is counted ({@code NotificationsRefused}, alarmed).
 */
@ApplicationScoped
public class ShopifyWebhooks implements NotificationReceiver {

    private static final Logger LOG = Logger.getLogger(ShopifyWebhooks.class);
    private static final Pattern TOPIC = Pattern.compile("[a-z_]{1,40}/[a-z_]{1,40}");
    private static final Pattern WEBHOOK_ID = Pattern.compile("[A-Za-z0-9-]{1,80}");

    private final ShopifyHmac hmac;
    private final ClientSecrets secrets;
    private final Deliveries deliveries;
    private final ConnectionRepository connections;
    private final Disconnections disconnections;
    private final EmbeddedMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    ShopifyWebhooks(ClientSecrets secrets, Deliveries deliveries, ConnectionRepository connections, Disconnections disconnections,
            EmbeddedMetrics metrics, ShopifyConfig config, ObjectMapper json, Clock clock) {
        this.hmac = new ShopifyHmac(clock, config.hmacTolerance());
        this.secrets = secrets;
        this.deliveries = deliveries;
        this.connections = connections;
        this.disconnections = disconnections;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String marketplace() {
        return ShopifyMarketplace.ID;
    }

    @Override
    public ApiGatewayResponse receive(App app, ApiGatewayRequest request) {
        Optional<byte[]> body = request.rawBody();
        List<Secret> candidates;
        try {
            candidates = secrets.of(app).inOrder();
        } catch (ClientSecrets.Unavailable e) {
            LOG.errorf("OPERATOR: a Shopify webhook for app %s could not be verified: its client secret could not be read", app.name());
            return answer(503, "unavailable", "Try again later.");
        }
        var verdict = body.map(raw -> hmac.checkWebhook(raw, request.header(ShopifyHmac.WEBHOOK_HEADER), candidates))
                .orElse(new HmacCheck.Malformed("the body is not base64"));
        if (!(verdict instanceof HmacCheck.Verified)) {
            refused(app, verdict);
            return answer(401, "unauthorized", "The delivery's HMAC does not verify with this app's client secret.");
        }
        String topic = request.header("X-Shopify-Topic").filter(t -> TOPIC.matcher(t).matches()).orElse("");
        Optional<String> deliveryId = request.header("X-Shopify-Webhook-Id").filter(id -> WEBHOOK_ID.matcher(id).matches());
        if (deliveryId.isPresent() && deliveries.done(marketplace(), deliveryId.get())) {
            LOG.infof("Shopify webhook %s (%s) for app %s delivered again: already acted on", deliveryId.get(), topic, app.name());
            return answer(200, "duplicate", "Already received.");
        }
        Optional<JsonNode> payload = object(body.get());
        if (payload.isEmpty()) {
            LOG.warnf("OPERATOR: a signed Shopify webhook (%s) for app %s has a body that is not a JSON object: ignored", topic, app.name());
            return answer(200, "ignored", "The body is not a JSON object.");
        }
        act(app, topic, payload.get());
        deliveryId.ifPresent(id -> deliveries.markDone(marketplace(), id, topic, clock.instant()));
        return answer(200, "received", "Received.");
    }

    private void act(App app, String topic, JsonNode payload) {
        switch (topic) {
            case "app/uninstalled" -> shopOf(payload, "myshopify_domain").ifPresentOrElse(
                    shop -> end(app, shop, "APP_UNINSTALLED", false), () -> unreadable(app, topic));
            case "shop/redact" -> shopOf(payload, "shop_domain").ifPresentOrElse(
                    shop -> end(app, shop, "APP_UNINSTALLED", true), () -> unreadable(app, topic));
            // AuthKeeper keeps no customer data: nothing to return or erase.
            case "customers/data_request", "customers/redact" -> LOG.infof("Shopify %s for app %s: AuthKeeper holds no customer data",
                    topic, app.name());
            default -> LOG.infof("Shopify webhook topic %s for app %s is not one AuthKeeper acts on", topic.isEmpty() ? "(none)" : topic,
                    app.name());
        }
    }

    /** The shop's connection of this app ends: disconnected with its tokens destroyed and, for a redact, everything kept of it erased. */
    private void end(App app, ShopDomain shop, String reason, boolean erase) {
        var id = ConnectionId.of(ShopifyMarketplace.ID, shop.value());
        var connection = connections.find(id);
        if (connection.isEmpty() || !connections.appOf(id).map(app.name()::equals).orElse(false)) {
            LOG.infof("Shopify says the app %s left shop %s, which has no connection of that app here: recorded, nothing to change",
                    app.name(), shop);
            return;
        }
        var result = disconnections.disconnect(id, "shopify:" + app.name(), reason, !erase);
        LOG.infof("Shopify: app %s left shop %s: %s", app.name(), shop, result);
        if (erase) {
            int erased = connections.erase(id);
            LOG.infof("Shopify shop/redact for %s: %d item(s) kept of the shop erased", id, erased);
        }
    }

    private void unreadable(App app, String topic) {
        LOG.warnf("OPERATOR: a signed Shopify %s webhook for app %s names no shop domain: ignored", topic, app.name());
    }

    private void refused(App app, HmacCheck verdict) {
        String why = switch (verdict) {
            case HmacCheck.BadSignature bad -> "its HMAC does not verify";
            case HmacCheck.Malformed malformed -> malformed.reason();
            case HmacCheck.Stale stale -> "it is stale";
            case HmacCheck.Verified verified -> "verified";
        };
        LOG.warnf("Refused a delivery to app %s's Shopify webhook route: %s; nothing changed", app.name(), why);
        metrics.emit(Map.of("NotificationsRefused", 1), Map.of("Marketplace", marketplace()), Map.of("app", app.name()),
                clock.millis());
    }

    private static Optional<ShopDomain> shopOf(JsonNode payload, String field) {
        JsonNode value = payload.path(field);
        return value.isTextual() ? ShopDomain.parse(value.asText()) : Optional.empty();
    }

    private Optional<JsonNode> object(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static ApiGatewayResponse answer(int status, String outcome, String message) {
        return ApiGatewayResponse.json(status, "{\"outcome\":\"" + outcome + "\",\"message\":\"" + message + "\"}", Map.of());
    }
}
