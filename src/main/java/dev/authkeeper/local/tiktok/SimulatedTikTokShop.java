package dev.authkeeper.local.tiktok;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;
import dev.authkeeper.local.simulator.Reply;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.tiktok.TikTokSignature;

/**
 * TikTok Shop's side of an app's authorization, simulated at the HTTP boundary for the tests and
 * the local run only, with its quirks: the authorize page by service id
 * ({@code GET|POST /open/authorize}) redirecting to the app's fixed redirect URL with only
 * {@code code} and {@code state} ({@code code=null&error=auth_denied} when declined); token calls
 * that are GETs with the app secret in the query ({@code GET /api/v2/token/get},
 * {@code GET /api/v2/token/refresh}; a POST is answered 404), answered HTTP 200 with a numeric
 * {@code code} whatever happened, expiry fields in absolute epoch seconds; and webhooks
 * ({@code SELLER_DEAUTHORIZATION}, {@code UPCOMING_AUTHORIZATION_EXPIRATION}) signed with the hex
 * HMAC-SHA256 of app key + body, resent with the same notification id as TikTok's retries are.
 *
 * <p>It never writes a token, code or secret to a log or to the console.
 */
public final class SimulatedTikTokShop extends Simulator {

    public static final String DEFAULT_SELLER = "acme-seller-7f3a";
    public static final int SELLER_DEAUTHORIZATION = 6;
    public static final int UPCOMING_AUTHORIZATION_EXPIRATION = 7;
    static final Duration DEFAULT_PERIOD = Duration.ofDays(365);
    private static final Html.Brand BRAND = new Html.Brand("Simulated TikTok Shop Seller Center (local only)",
            "background:#000;color:#fff", "background:#fe2c55;color:#fff;border:1px solid #d61f45");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One app registered in the simulated Partner Center: its service id, app key and secret, fixed redirect and webhook URLs. */
    public record App(String name, String serviceId, String appKey, String appSecret, URI redirectUri, URI webhookUrl) {
        public App {
            Objects.requireNonNull(serviceId, "serviceId");
            Objects.requireNonNull(appKey, "appKey");
            Objects.requireNonNull(appSecret, "appSecret");
        }
    }

    /** @param port 0 for a free port; @param apps the first is the one the single-app methods mean */
    public record Settings(int port, List<App> apps) {
        public Settings {
            if (apps.isEmpty()) {
                throw new IllegalArgumentException("the simulated TikTok Shop needs at least one app");
            }
            apps = List.copyOf(apps);
        }

        public App app(String name) {
            return apps.stream().filter(a -> a.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no simulated app " + name));
        }
    }

    public record TokenPair(String accessToken, String refreshToken) {}

    /** One webhook delivery; {@code status} is the app's HTTP answer, 0 when none came. */
    public record Delivery(String notificationId, int type, String shopId, String body, boolean forged, int status) {}

    private record Notification(App app, String notificationId, int type, String shopId, byte[] body) {}

    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final TikTokGrants grants = new TikTokGrants(() -> clock().instant(), this::randomToken);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Notification> notifications = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();

    private SimulatedTikTokShop(Settings settings) {
        super(settings.port(), BRAND);
        this.settings = settings;
        listen();
    }

    public static SimulatedTikTokShop start(Settings settings) {
        return new SimulatedTikTokShop(settings);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        http.close();
        super.close();
    }

    // ---- Java API for tests ----

    /** The seller's one shop's id (as in webhooks' {@code shop_id}), fixed per seller. */
    public static String shopId(String openId) {
        return Long.toString(7_494_105_515_000_000_000L + Math.floorMod(openId.hashCode(), 1_000_000));
    }

    /** A fresh pair of the app for the seller, as after an authorization for {@code period}; any other dies. */
    public TokenPair issuePair(String app, String openId, Duration period) {
        var pair = grants.issue(settings.app(app).name(), openId, clock().instant().plus(period));
        return new TokenPair(pair.accessToken(), pair.refreshToken());
    }

    public Optional<TokenPair> currentPair(String app, String openId) {
        return grants.current(app, openId).map(p -> new TokenPair(p.accessToken(), p.refreshToken()));
    }

    /** When the app's authorization by the seller ends, if it has one. */
    public Optional<Instant> authorizedUntil(String app, String openId) {
        return grants.authorizedUntil(app, openId);
    }

    /** The seller's authorization of the app ends without a webhook (removed while the webhook URL was down). */
    public void revoke(String app, String openId) {
        grants.revoke(settings.app(app).name(), openId);
    }

    /** The seller removes the app in Seller Center: its tokens die, then SELLER_DEAUTHORIZATION is delivered. */
    public Delivery deauthorize(String app, String openId) {
        revoke(app, openId);
        String shop = shopId(openId);
        return send(settings.app(app), SELLER_DEAUTHORIZATION, shop,
                data -> data.put("message", "Shop_id " + shop + " is deauthorized from your APP by merchant."), false);
    }

    /** The daily warning of the last 30 days, with the authorization's exact end. */
    public Delivery warnOfExpiry(String app, String openId) {
        return warnOfExpiry(app, openId, grants.authorizedUntil(app, openId)
                .orElseThrow(() -> new Rejected("That seller has not authorized the app.")));
    }

    /** The daily warning, naming {@code until} as the end. */
    public Delivery warnOfExpiry(String app, String openId, Instant until) {
        long days = Math.max(0, Duration.between(clock().instant(), until).toDays());
        String shop = shopId(openId);
        return send(settings.app(app), UPCOMING_AUTHORIZATION_EXPIRATION, shop,
                data -> data.put("message", "Authorization of shop_id " + shop + " is expiring in " + days + " days.")
                        .put("expiration_time", Long.toString(until.getEpochSecond())), false);
    }

    /** A SELLER_DEAUTHORIZATION signed with a wrong secret; no token changes. */
    public Delivery forgedDeauthorization(String app, String openId) {
        String shop = shopId(openId);
        return send(settings.app(app), SELLER_DEAUTHORIZATION, shop,
                data -> data.put("message", "Shop_id " + shop + " is deauthorized from your APP by merchant."), true);
    }

    /** Delivers a notification again with the same id and body, as TikTok's retries (2 min, 30 min, 3 h, 12 h) do. */
    public Delivery resend(String notificationId) {
        return deliver(Optional.ofNullable(notifications.get(notificationId))
                .orElseThrow(() -> new Rejected("No notification has that id.")), false);
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public void reset() {
        resetHarness();
        grants.reset();
        notifications.clear();
        synchronized (this) {
            deliveries.clear();
        }
    }

    // ---- HTTP ----

    @Override
    protected void handle(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        switch (ex.getRequestMethod() + " " + path) {
            case "GET /open/authorize" -> authorizePage(ex);
            case "POST /open/authorize" -> authorizeDecision(ex);
            case "GET /api/v2/token/get" -> {
                Map<String, String> p = Http.query(ex);
                tokenCall(ex, "authorized_code", this::injected, () -> token(p, "authorized_code"));
            }
            case "GET /api/v2/token/refresh" -> {
                Map<String, String> p = Http.query(ex);
                tokenCall(ex, "refresh_token", this::injected, () -> token(p, "refresh_token"));
            }
            case "GET /authorization/202309/shops" -> shops(ex);
            case "GET /" -> page(ex, 200, "Simulated TikTok Shop", "<p>Apps: " + settings.apps().size()
                    + ". Sellers authorize at /open/authorize?service_id=…&amp;state=….</p>");
            default -> Http.send(ex, 404, "application/json", "{\"code\":40400,\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The shops a grant covers: signed with the app secret, the seller's access token in {@code x-tts-access-token}. */
    private void shops(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        Optional<App> app = settings.apps().stream().filter(a -> a.appKey().equals(q.get("app_key"))).findFirst();
        if (app.isEmpty()) {
            Http.send(ex, envelope(36009004, "Invalid app_key", null));
            return;
        }
        String sign = TikTokSignature.signRequest(ex.getRequestURI().getPath(), q, "", new Secret(app.get().appSecret()));
        if (!sign.equals(q.get("sign"))) {
            Http.send(ex, envelope(106001, "Invalid sign", null));
            return;
        }
        Optional<TikTokGrants.Pair> pair = grants.byAccessToken(app.get().name(), ex.getRequestHeaders().getFirst("x-tts-access-token"));
        if (pair.isEmpty()) {
            Http.send(ex, envelope(105002, "Expired credentials", null));
            return;
        }
        ObjectNode data = json.createObjectNode();
        String shop = shopId(pair.get().openId());
        data.putArray("shops").addObject().put("id", shop).put("name", "Acme Goods UK").put("region", "GB")
                .put("seller_type", "LOCAL").put("cipher", "GCP_" + shop).put("code", "GBLC" + shop.substring(shop.length() - 6));
        Http.send(ex, envelope(0, "success", data));
    }

    private void authorizePage(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        App app = byServiceId(Http.required(q, "service_id"));
        String state = Http.nonBlank(q.get("state")) == null ? "" : q.get("state");
        page(ex, 200, "Authorize " + app.name(), "<p>The app <b>" + Html.escape(app.name()) + "</b> asks to manage your shop.</p>"
                + "<form method=\"post\" action=\"/open/authorize\">" + Html.hidden("service_id", app.serviceId()) + Html.hidden("state", state)
                + "<p><label>Seller <input name=\"seller\" value=\"" + DEFAULT_SELLER + "\"></label></p>"
                + "<p><label>Authorize for <select name=\"days\"><option value=\"365\">1 year</option><option value=\"180\">6 months</option>"
                + "<option value=\"30\">30 days</option></select></label></p>"
                + "<p><button name=\"decision\" value=\"approve\">Authorize</button> "
                + "<button name=\"decision\" value=\"deny\">Cancel</button></p></form>");
    }

    private void authorizeDecision(HttpExchange ex) throws IOException {
        Map<String, String> f = Http.form(ex);
        App app = byServiceId(Http.required(f, "service_id"));
        String state = Optional.ofNullable(f.get("state")).orElse("");
        if (!"approve".equals(f.get("decision"))) {
            Http.redirect(ex, Http.withQuery(app.redirectUri(), "code", "null", "error", "auth_denied", "state", state));
            return;
        }
        String seller = Optional.ofNullable(Http.nonBlank(f.get("seller"))).orElse(DEFAULT_SELLER);
        int days = Integer.parseInt(Optional.ofNullable(f.get("days")).filter(d -> d.matches("\\d{1,3}")).orElse("365"));
        String code = grants.code(app.name(), seller, Duration.ofDays(days));
        Http.redirect(ex, Http.withQuery(app.redirectUri(), "code", code, "state", state));
    }

    private App byServiceId(String serviceId) {
        return settings.apps().stream().filter(a -> a.serviceId().equals(serviceId)).findFirst()
                .orElseThrow(() -> new Rejected("There is no app with that service id."));
    }

    /** Every answer is HTTP 200 with a numeric code; app credentials are checked first, as on every TikTok call. */
    private Reply token(Map<String, String> p, String grantType) {
        Optional<App> app = settings.apps().stream()
                .filter(a -> a.appKey().equals(p.get("app_key")) && a.appSecret().equals(p.get("app_secret"))).findFirst();
        if (app.isEmpty()) {
            return envelope(36009004, "Invalid app_key or app_secret", null);
        }
        if (!grantType.equals(p.get("grant_type"))) {
            return envelope(36009004, "invalid param: grant_type", null);
        }
        String grant = Http.nonBlank(p.get("authorized_code".equals(grantType) ? "auth_code" : "refresh_token"));
        if (grant == null) {
            return envelope(36009004, "invalid param: missing " + ("authorized_code".equals(grantType) ? "auth_code" : "refresh_token"), null);
        }
        var outcome = "authorized_code".equals(grantType) ? grants.exchange(app.get().name(), grant) : grants.refresh(app.get().name(), grant);
        return switch (outcome) {
            case TikTokGrants.Outcome.Refused refused -> envelope(refused.code(), refused.message(), null);
            case TikTokGrants.Outcome.Granted granted -> {
                var pair = granted.pair();
                ObjectNode data = json.createObjectNode()
                        .put("access_token", pair.accessToken())
                        .put("access_token_expire_in", pair.accessExpiresAt().getEpochSecond())
                        .put("refresh_token", pair.refreshToken())
                        .put("refresh_token_expire_in", pair.refreshExpiresAt().getEpochSecond())
                        .put("open_id", pair.openId())
                        .put("seller_name", "Acme Goods")
                        .put("seller_base_region", "GB")
                        .put("user_type", 0);
                data.putArray("granted_scopes").add("seller.authorization.info").add("seller.order.info");
                yield envelope(0, "success", data);
            }
        };
    }

    /** TikTok's answer to an injected status: 429 with its rate-limit code, a gateway's text for 5xx. */
    private Reply injected(int status) {
        if (status == 429) {
            return Reply.json(429, json.createObjectNode().put("code", 36009002).put("message", "Too many requests")
                    .put("request_id", UUID.randomUUID().toString()));
        }
        if (status >= 500) {
            return new Reply(status, "text/plain;charset=UTF-8", ("upstream error " + status).getBytes(StandardCharsets.UTF_8),
                    Optional.empty());
        }
        return envelope(36009003, "Internal error, please try again", null);
    }

    private Reply envelope(long code, String message, ObjectNode data) {
        ObjectNode body = json.createObjectNode().put("code", code).put("message", message).put("request_id", UUID.randomUUID().toString());
        if (data != null) {
            body.set("data", data);
        } else {
            body.putObject("data");
        }
        return Reply.json(200, body);
    }

    // ---- webhooks ----

    private Delivery send(App app, int type, String shopId, java.util.function.Consumer<ObjectNode> data, boolean forged) {
        String id = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()));
        ObjectNode body = json.createObjectNode().put("type", type).put("tts_notification_id", id).put("shop_id", shopId)
                .put("timestamp", clock().instant().getEpochSecond());
        data.accept(body.putObject("data"));
        var notification = new Notification(app, id, type, shopId, body.toString().getBytes(StandardCharsets.UTF_8));
        notifications.put(id, notification);
        return deliver(notification, forged);
    }

    private Delivery deliver(Notification n, boolean forged) {
        String secret = forged ? "not-" + n.app().appSecret() : n.app().appSecret();
        HttpRequest request = HttpRequest.newBuilder(n.app().webhookUrl()).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header(TikTokSignature.HEADER, TikTokSignature.sign(n.app().appKey(), n.body(), new Secret(secret)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(n.body()))
                .build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        var delivery = new Delivery(n.notificationId(), n.type(), n.shopId(), new String(n.body(), StandardCharsets.UTF_8), forged, status);
        synchronized (this) {
            deliveries.add(delivery);
        }
        return delivery;
    }
}
