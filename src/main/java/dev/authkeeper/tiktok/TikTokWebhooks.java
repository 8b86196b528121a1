package dev.authkeeper.tiktok;

import java.io.IOException;
import java.time.Instant;
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
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.notification.Answer;
import dev.authkeeper.notification.NotificationReceiver;
import dev.authkeeper.notification.Received;
import dev.authkeeper.notification.Signal;
import dev.authkeeper.notification.Signals;
import dev.authkeeper.notification.Verdict;
import dev.authkeeper.table.ConnectionId;

/**
 * TikTok Shop's webhooks for an app: {@code SELLER_DEAUTHORIZATION} (type 6: the seller removed the
 * app, its tokens are dead) and {@code UPCOMING_AUTHORIZATION_EXPIRATION} (type 7: the exact end of
 * the authorization, daily from 30 days before). A delivery counts only when the
 * {@code Authorization} header is the app's HMAC of app key + raw body; it carries no timestamp and
 * TikTok retries for hours, so each notification id is acted on once. A deauthorization goes
 * through the same recorder and outbox as a check that found the authorization refused (history,
 * event, merchant alert; the cached access token belongs to the version it bumps; the event
 * published within the delivery). A refused or
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
    private static final Answer UNAVAILABLE = new Answer(503, "unavailable", "Try again later.");
    private static final Answer UNAUTHORIZED = new Answer(401, "unauthorized", "The Authorization header is not this app's signature of the body.");
    private static final Answer MALFORMED = new Answer(400, "malformed",
            "The body is not a notification: type, tts_notification_id and shop_id are needed.");

    private final ClientSecrets secrets;
    private final TikTokShops shops;
    private final Signals signals;
    private final MarketplaceFacts facts;
    private final ObjectMapper json;

    TikTokWebhooks(ClientSecrets secrets, TikTokShops shops, Signals signals, MarketplaceFactsFiles files, ObjectMapper json) {
        this.secrets = secrets;
        this.shops = shops;
        this.signals = signals;
        this.facts = files.load(TikTokShopMarketplace.ID);
        this.json = json;
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
        return switch (verify(app, request)) {
            case Verdict.Unavailable unavailable -> UNAVAILABLE.response();
            case Verdict.Refused refused -> refused(app, refused.why(), UNAUTHORIZED);
            case Verdict.Verified verified -> read(verified.body()).map(n -> signalled(app, n))
                    .orElseGet(() -> refused(app, "its signed body is not a TikTok Shop notification", MALFORMED));
        };
    }

    private Verdict verify(App app, ApiGatewayRequest request) {
        List<Secret> candidates;
        try {
            candidates = secrets.of(app).inOrder();
        } catch (ClientSecrets.Unavailable e) {
            LOG.errorf("OPERATOR: a TikTok Shop webhook for app %s could not be verified: its app secret could not be read", app.name());
            return new Verdict.Unavailable();
        }
        Optional<byte[]> body = request.rawBody();
        if (body.isEmpty() || !TikTokSignature.verifies(app.clientId(), body.get(), request.header(TikTokSignature.HEADER), candidates)) {
            return new Verdict.Refused("its signature does not verify with this app's secret");
        }
        return new Verdict.Verified(body.get());
    }

    private ApiGatewayResponse signalled(App app, Notification n) {
        boolean actedOn = n.type() == SELLER_DEAUTHORIZATION || n.type() == UPCOMING_AUTHORIZATION_EXPIRATION;
        List<ConnectionId> candidates = actedOn ? candidates(app, n) : List.of();
        var received = signals.receive(app, new Signal(Optional.of(n.id()), "type " + n.type(), candidates, change(n)));
        report(app, n, received);
        return received instanceof Received.Duplicate ? new Answer(200, "duplicate", "Already received.").response()
                : new Answer(200, "received", "Received.").response();
    }

    /** The connections of the app's seller that owns the shop, one per region it may be connected in. */
    private List<ConnectionId> candidates(App app, Notification n) {
        return shops.of(app.name(), n.shopId()).stream()
                .flatMap(seller -> facts.regions().keySet().stream().map(region -> new ConnectionId(marketplace(), region, seller.openId())))
                .toList();
    }

    private static Signal.Change change(Notification n) {
        return switch (n.type()) {
            case SELLER_DEAUTHORIZATION -> new Signal.Change.Revoke(ReauthorizationReason.APP_UNINSTALLED);
            case UPCOMING_AUTHORIZATION_EXPIRATION -> expiresAt(n).<Signal.Change>map(Signal.Change.LearnExpiry::new)
                    .orElseGet(Signal.Change.None::new);
            default -> new Signal.Change.None();
        };
    }

    private static Optional<Instant> expiresAt(Notification n) {
        return Optional.ofNullable(n.data().path("expiration_time").asText(null))
                .filter(DIGITS.asMatchPredicate()).map(seconds -> Instant.ofEpochSecond(Long.parseLong(seconds)));
    }

    private static void report(App app, Notification n, Received received) {
        switch (received) {
            case Received.Duplicate duplicate ->
                    LOG.infof("A TikTok Shop notification (type %d) for app %s delivered again: already acted on", n.type(), app.name());
            case Received.UnknownAccount unknown -> noConnection(app, n);
            case Received.Noted noted when n.type() == SELLER_DEAUTHORIZATION || n.type() == UPCOMING_AUTHORIZATION_EXPIRATION ->
                    noConnection(app, n);
            case Received.Noted noted ->
                    LOG.infof("TikTok Shop notification type %d for app %s is not one AuthKeeper acts on", n.type(), app.name());
            case Received.Applied applied -> reportApplied(app, applied);
        }
    }

    private static void noConnection(App app, Notification n) {
        LOG.infof("A TikTok Shop notification (type %d) for app %s names a shop no connection of that app covers: "
                + "recorded, nothing to change", n.type(), app.name());
    }

    private static void reportApplied(App app, Received.Applied applied) {
        ConnectionId connection = applied.connection().id();
        switch (applied.effect()) {
            case Received.Effect.Revoked revoked ->
                    LOG.infof("TikTok Shop: the seller of %s deauthorized app %s: %s", connection, app.name(), revoked.result());
            case Received.Effect.ExpiryLearned learned -> LOG.infof("TikTok Shop: the authorization of %s ends %s%s", connection,
                    learned.expiresAt(), learned.learned() ? "" : " (the connection changed meanwhile: the next notification tells again)");
            case Received.Effect.Unchanged unchanged ->
                    LOG.warnf("OPERATOR: a signed TikTok Shop expiry notification for app %s has no usable expiration_time: ignored", app.name());
            case Received.Effect.Ended ended -> throw new IllegalStateException("no TikTok Shop notification disconnects");
        }
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

    private ApiGatewayResponse refused(App app, String why, Answer answer) {
        LOG.warnf("Refused a delivery to app %s's TikTok Shop webhook route: %s; nothing changed", app.name(), why);
        signals.refused(app);
        return answer.response();
    }
}
