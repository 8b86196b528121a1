package dev.authkeeper.shopify;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.App;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.notification.Answer;
import dev.authkeeper.notification.NotificationReceiver;
import dev.authkeeper.notification.Received;
import dev.authkeeper.notification.Signal;
import dev.authkeeper.notification.Signals;
import dev.authkeeper.notification.Verdict;
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
    private static final String UNINSTALLED = "app/uninstalled";
    private static final String REDACT = "shop/redact";

    private final ShopifyHmac hmac;
    private final ClientSecrets secrets;
    private final Signals signals;
    private final ObjectMapper json;

    ShopifyWebhooks(ClientSecrets secrets, Signals signals, ShopifyConfig config, ObjectMapper json, Clock clock) {
        this.hmac = new ShopifyHmac(clock, config.hmacTolerance());
        this.secrets = secrets;
        this.signals = signals;
        this.json = json;
    }

    @Override
    public String marketplace() {
        return ShopifyMarketplace.ID;
    }

    @Override
    public ApiGatewayResponse receive(App app, ApiGatewayRequest request) {
        return switch (verify(app, request)) {
            case Verdict.Unavailable unavailable -> new Answer(503, "unavailable", "Try again later.").response();
            case Verdict.Refused refused -> {
                LOG.warnf("Refused a delivery to app %s's Shopify webhook route: %s; nothing changed", app.name(), refused.why());
                signals.refused(app);
                yield new Answer(401, "unauthorized", "The delivery's HMAC does not verify with this app's client secret.").response();
            }
            case Verdict.Verified verified -> verified(app, request, verified.body());
        };
    }

    private Verdict verify(App app, ApiGatewayRequest request) {
        List<Secret> candidates;
        try {
            candidates = secrets.of(app).inOrder();
        } catch (ClientSecrets.Unavailable e) {
            LOG.errorf("OPERATOR: a Shopify webhook for app %s could not be verified: its client secret could not be read", app.name());
            return new Verdict.Unavailable();
        }
        Optional<byte[]> body = request.rawBody();
        var verdict = body.map(raw -> hmac.checkWebhook(raw, request.header(ShopifyHmac.WEBHOOK_HEADER), candidates))
                .orElse(new HmacCheck.Malformed("the body is not base64"));
        return switch (verdict) {
            case HmacCheck.BadSignature bad -> new Verdict.Refused("its HMAC does not verify");
            case HmacCheck.Malformed malformed -> new Verdict.Refused(malformed.reason());
            case HmacCheck.Stale stale -> new Verdict.Refused("it is stale");
            case HmacCheck.Verified verified -> new Verdict.Verified(body.get());
        };
    }

    private ApiGatewayResponse verified(App app, ApiGatewayRequest request, byte[] body) {
        String topic = request.header("X-Shopify-Topic").filter(t -> TOPIC.matcher(t).matches()).orElse("");
        Optional<String> deliveryId = request.header("X-Shopify-Webhook-Id").filter(id -> WEBHOOK_ID.matcher(id).matches());
        Optional<JsonNode> payload = object(body);
        if (payload.isEmpty()) {
            LOG.warnf("OPERATOR: a signed Shopify webhook (%s) for app %s has a body that is not a JSON object: ignored", topic, app.name());
            return new Answer(200, "ignored", "The body is not a JSON object.").response();
        }
        Optional<ShopDomain> shop = switch (topic) {
            case UNINSTALLED -> shopOf(payload.get(), "myshopify_domain");
            case REDACT -> shopOf(payload.get(), "shop_domain");
            default -> Optional.empty();
        };
        Signal.Change change = switch (topic) {
            case UNINSTALLED -> shop.<Signal.Change>map(s -> new Signal.Change.Disconnect("APP_UNINSTALLED")).orElseGet(Signal.Change.None::new);
            case REDACT -> shop.<Signal.Change>map(s -> new Signal.Change.Erase("APP_UNINSTALLED")).orElseGet(Signal.Change.None::new);
            default -> new Signal.Change.None();
        };
        var candidates = shop.map(s -> List.of(ConnectionId.of(ShopifyMarketplace.ID, s.value()))).orElse(List.of());
        var received = signals.receive(app, new Signal(deliveryId, topic, candidates, change));
        report(app, deliveryId, topic, shop, received);
        return received instanceof Received.Duplicate ? new Answer(200, "duplicate", "Already received.").response()
                : new Answer(200, "received", "Received.").response();
    }

    private static void report(App app, Optional<String> deliveryId, String topic, Optional<ShopDomain> shop, Received received) {
        switch (received) {
            case Received.Duplicate duplicate -> LOG.infof("Shopify webhook %s (%s) for app %s delivered again: already acted on",
                    deliveryId.orElse(""), topic, app.name());
            case Received.UnknownAccount unknown -> LOG.infof(
                    "Shopify says the app %s left shop %s, which has no connection of that app here: recorded, nothing to change",
                    app.name(), shop.orElseThrow());
            case Received.Noted noted -> noted(app, topic);
            case Received.Applied applied -> reportApplied(app, topic, shop.orElseThrow(), applied);
        }
    }

    private static void noted(App app, String topic) {
        switch (topic) {
            case UNINSTALLED, REDACT -> LOG.warnf("OPERATOR: a signed Shopify %s webhook for app %s names no shop domain: ignored", topic,
                    app.name());
            // AuthKeeper keeps no customer data: nothing to return or erase.
            case "customers/data_request", "customers/redact" -> LOG.infof("Shopify %s for app %s: AuthKeeper holds no customer data",
                    topic, app.name());
            default -> LOG.infof("Shopify webhook topic %s for app %s is not one AuthKeeper acts on", topic.isEmpty() ? "(none)" : topic,
                    app.name());
        }
    }

    /** The shop's connection of this app ended: disconnected with its tokens destroyed and, for a redact, everything kept of it erased. */
    private static void reportApplied(App app, String topic, ShopDomain shop, Received.Applied applied) {
        switch (applied.effect()) {
            case Received.Effect.Ended ended -> {
                LOG.infof("Shopify: app %s left shop %s: %s", app.name(), shop, ended.result());
                if (topic.equals(REDACT)) {
                    LOG.infof("Shopify shop/redact for %s: %d item(s) kept of the shop erased", applied.connection().id(), ended.erased());
                }
            }
            case Received.Effect.Revoked revoked -> throw new IllegalStateException("no Shopify webhook revokes");
            case Received.Effect.ExpiryLearned learned -> throw new IllegalStateException("no Shopify webhook tells an expiry");
            case Received.Effect.Unchanged unchanged -> throw new IllegalStateException("a Shopify webhook about a shop changes it");
        }
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
}
