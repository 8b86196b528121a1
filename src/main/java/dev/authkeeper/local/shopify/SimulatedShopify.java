package dev.authkeeper.local.shopify;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.shopify.ShopifyHmac;

/**
 * Shopify's side of a public app's authorization, simulated at the HTTP boundary for the tests and
 * the local run only: a shop's admin (opening an app with a signed launch), the OAuth consent and
 * its signed callback, the token endpoint with expiring offline tokens (rotation with Shopify's
 * grace rule, migration of non-expiring tokens), a one-query Admin GraphQL API and webhooks to the
 * app. A shop host {@code https://{shop}} is served at {@code {baseUri}/{shop}} ({@link #shopBase}):
 * {@code GET /{shop}/admin}, {@code GET|POST /{shop}/admin/oauth/authorize},
 * {@code POST /{shop}/admin/oauth/access_token}, {@code POST /{shop}/admin/api/{version}/graphql.json}
 * and the admin page's buttons {@code POST /{shop}/admin/simulator/{uninstall|revoke|reinstall-elsewhere|shop-redact}}.
 * Webhooks go to the app's webhook URL over real HTTP.
 *
 * <p>It never writes a token, code, secret or hmac to a log or to the console.
 */
public final class SimulatedShopify extends Simulator {

    public static final String DEFAULT_SHOP = "acme-store.myshopify.com";
    /** From this instant (on the simulator's clock) the Admin API refuses non-expiring tokens. */
    public static final Instant LEGACY_CUTOFF = Instant.parse("2027-01-01T00:00:00Z");
    public static final String UNINSTALLED = "app/uninstalled";

    static final Html.Brand BRAND = new Html.Brand("Simulated Shopify admin (local only)", "background:#1a1a1a;color:#fff",
            "background:#008060;color:#fff;border:1px solid #006e52");
    // The shop hosts shopify-app-js's shop validator accepts.
    private static final Pattern SHOP = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9-_]*\\.(myshopify\\.com|shopify\\.com|myshopify\\.io|shop\\.dev)");
    private static final Pattern GRAPHQL = Pattern.compile("/admin/api/[0-9]{4}-[0-9]{2}/graphql\\.json");

    /**
     * One app registered with the simulated Shopify.
     *
     * @param appUrl      where "Open/Install app" sends the merchant, with a signed {@code shop, timestamp, host}
     * @param redirectUri the only OAuth redirect URI allowed for the app
     * @param webhookUrl  where every webhook of the app is delivered
     * @param scopes      the access scopes the app asks for
     */
    public record App(String name, String clientId, String clientSecret, URI appUrl, URI redirectUri, URI webhookUrl, List<String> scopes) {

        public App {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            if (!appUrl.isAbsolute() || !redirectUri.isAbsolute() || !webhookUrl.isAbsolute()) {
                throw new IllegalArgumentException("appUrl, redirectUri and webhookUrl must be absolute");
            }
            scopes = List.copyOf(scopes);
        }

        String scope() {
            return String.join(",", scopes);
        }
    }

    /** @param port 0 for a free port; @param apps the first is the one the single-app methods mean */
    public record Settings(int port, List<App> apps) {

        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (apps.isEmpty()) {
                throw new IllegalArgumentException("the simulated Shopify needs at least one app");
            }
            apps = List.copyOf(apps);
        }

        /** A free port and one app with fixed simulated credentials and the scope read_products. */
        public static Settings of(URI appUrl, URI redirectUri, URI webhookUrl) {
            return new Settings(0, List.of(new App("default", "simulated-shopify-client-id", "simulated-shopify-client-secret",
                    appUrl, redirectUri, webhookUrl, List.of("read_products"))));
        }

        public Settings withPort(int port) {
            return new Settings(port, apps);
        }

        public Settings withApp(App app) {
            var more = new ArrayList<>(apps);
            more.add(app);
            return new Settings(port, more);
        }

        public App defaultApp() {
            return apps.get(0);
        }

        public App app(String name) {
            return apps.stream().filter(a -> a.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no simulated app " + name));
        }
    }

    public record TokenPair(String accessToken, String refreshToken) {}

    /** One webhook delivery; {@code status} is the app's HTTP answer, 0 when none came. */
    public record Delivery(String webhookId, String topic, String shop, String body, boolean forged, int status) {}

    public record Customer(long id, String email, String phone) {}

    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final ShopifyGrants grants = new ShopifyGrants(this::now, bytes -> HexFormat.of().formatHex(randomBytes(bytes)));
    private final ShopifyTokens tokens;
    private final ShopifyWebhooks webhooks = new ShopifyWebhooks(this::now);
    private final ShopifyAdmin admin = new ShopifyAdmin(this);
    private final Map<String, Long> shopIds = new ConcurrentHashMap<>();
    private final AtomicLong lastShopId = new AtomicLong(60_000_000_000L);
    private final AtomicLong lastDataRequestId = new AtomicLong(9_000_000L);
    private final AtomicInteger graphqlCalls = new AtomicInteger();

    private SimulatedShopify(Settings settings) {
        super(settings.port(), BRAND);
        this.settings = settings;
        this.tokens = new ShopifyTokens(this::settings, grants, this::now);
        listen();
    }

    public static SimulatedShopify start(Settings settings) {
        return new SimulatedShopify(settings);
    }

    public Settings settings() {
        return settings;
    }

    /** What AuthKeeper uses instead of {@code https://{shop}}: e.g. {@code http://127.0.0.1:PORT/acme-store.myshopify.com}. */
    public URI shopBase(String shop) {
        return URI.create(baseUri() + "/" + shop);
    }

    @Override
    public void close() {
        webhooks.close();
        super.close();
    }

    // ---- Java API for tests ----

    /** The app URL with the signed {@code hmac, host, shop, timestamp} Shopify opens (installs) the app with. */
    public URI launchUri(String app, String shop) {
        App registered = settings.app(app);
        return URI.create(Http.withQuery(registered.appUrl(), signedParameters(registered, shop)));
    }

    /** A code as if the merchant had approved the app's scopes on the consent page. */
    public String authorizationCode(String app, String shop) {
        return authorizationCode(app, shop, settings.app(app).scope());
    }

    public String issueLegacyToken(String app, String shop) {
        return grants.issueLegacy(settings.app(app).name(), shop, settings.app(app).scope());
    }

    /** A fresh expiring pair of the app for the shop, as after an install; the previous tokens die. */
    public TokenPair issueExpiringPair(String app, String shop) {
        return grants.issueExpiring(settings.app(app).name(), shop, settings.app(app).scope()).tokens();
    }

    /** The app's current expiring pair for the shop, if it has one (even expired). */
    public Optional<TokenPair> currentPair(String app, String shop) {
        return grants.current(app, shop);
    }

    /** Refresh tokens of the app and shop a refresh would accept now (at most two: one in grace). */
    public int liveRefreshTokenCount(String app, String shop) {
        return grants.liveRefreshTokens(app, shop);
    }

    /** Every token of the first app for the shop stops working; no webhook. */
    public void revoke(String shop) {
        revoke(settings.defaultApp().name(), shop);
    }

    public void revoke(String app, String shop) {
        grants.revokeAll(settings.app(app).name(), shop);
    }

    /** Somebody else installed the first app on the shop again: our tokens are revoked, a pair we never see lives; no webhook. */
    public void reinstallElsewhere(String shop) {
        reinstallElsewhere(settings.defaultApp().name(), shop);
    }

    public void reinstallElsewhere(String app, String shop) {
        issueExpiringPair(app, shop);
    }

    /** The merchant uninstalls the first app: all its tokens die at once, then app/uninstalled is delivered. */
    public Delivery uninstall(String shop) {
        return uninstall(settings.defaultApp().name(), shop);
    }

    public Delivery uninstall(String app, String shop) {
        revoke(app, shop);
        return webhooks.send(settings.app(app), shop, UNINSTALLED, ShopifyPayloads.shop(shopId(shop), shop), false);
    }

    /** An app/uninstalled delivery signed with the wrong key; no token changes. */
    public Delivery forgedUninstall(String app, String shop) {
        return webhooks.send(settings.app(app), shop, UNINSTALLED, ShopifyPayloads.shop(shopId(shop), shop), true);
    }

    public Delivery shopRedact(String app, String shop) {
        return webhooks.send(settings.app(app), shop, "shop/redact", ShopifyPayloads.shopRedact(shopId(shop), shop), false);
    }

    public Delivery customersRedact(String app, String shop, Customer customer, List<Long> orders) {
        return webhooks.send(settings.app(app), shop, "customers/redact",
                ShopifyPayloads.customersRedact(shopId(shop), shop, customer, orders), false);
    }

    public Delivery customersDataRequest(String app, String shop, Customer customer, List<Long> orders) {
        return webhooks.send(settings.app(app), shop, "customers/data_request",
                ShopifyPayloads.customersDataRequest(shopId(shop), shop, customer, orders, lastDataRequestId.incrementAndGet()), false);
    }

    /** Delivers a webhook again with the same webhook id and body, as Shopify's retries do. */
    public Delivery resend(String webhookId) {
        return webhooks.resend(webhookId);
    }

    /** Every delivery so far, oldest first. */
    public List<Delivery> deliveries() {
        return webhooks.deliveries();
    }

    /** Every Admin GraphQL call, answered or refused. */
    public int graphqlCalls() {
        return graphqlCalls.get();
    }

    /** The shop's numeric id (as in {@code gid://shopify/Shop/<id>} and {@code shop_id}), fixed on first use. */
    public long shopId(String shop) {
        return shopIds.computeIfAbsent(shop, s -> lastShopId.incrementAndGet());
    }

    public void reset() {
        resetHarness();
        grants.reset();
        webhooks.reset();
        shopIds.clear();
        graphqlCalls.set(0);
    }

    // ---- package API ----

    String authorizationCode(String app, String shop, String scope) {
        App registered = settings.app(app);
        return grants.code(registered.name(), shop, scope, registered.redirectUri());
    }

    /** {@code host}, {@code shop}, {@code timestamp} and these parameters, with their {@code hmac}, in name order. */
    Map<String, String> signedParameters(App app, String shop, String... namesAndValues) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            p.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        p.put("host", Base64.getEncoder().withoutPadding().encodeToString((shop + "/admin").getBytes(StandardCharsets.UTF_8)));
        p.put("shop", shop);
        p.put("timestamp", Long.toString(now().getEpochSecond()));
        // Signed by the same signer AuthKeeper verifies with; its tests pin it to independent vectors.
        Map<String, String> signed = new TreeMap<>(p);
        signed.put("hmac", ShopifyHmac.signQuery(p, new Secret(app.clientSecret())));
        return signed;
    }

    private Instant now() {
        return clock().instant();
    }

    // ---- HTTP ----

    @Override
    protected void handle(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/")) {
            admin.index(ex);
            return;
        } else if (path.equals("/simulator/open")) {
            Http.seeOther(ex, "/" + shop(Http.required(Http.query(ex), "shop")) + "/admin");
            return;
        }
        int slash = path.indexOf('/', 1);
        String shop = shop(slash < 0 ? path.substring(1) : path.substring(1, slash));
        String rest = slash < 0 ? "" : path.substring(slash);
        String route = GRAPHQL.matcher(rest).matches() ? "/admin/api/{version}/graphql.json" : rest;
        switch (ex.getRequestMethod() + " " + route) {
            case "GET /admin" -> admin.admin(ex, shop);
            case "GET /admin/oauth/authorize" -> admin.authorizePage(ex, shop);
            case "POST /admin/oauth/authorize" -> admin.authorizeDecision(ex, shop);
            case "POST /admin/oauth/access_token" -> {
                Map<String, String> p = Http.bodyParameters(ex);
                tokenCall(ex, ShopifyTokens.grantOf(p), tokens::injected, () -> tokens.answer(shop, p));
            }
            case "POST /admin/api/{version}/graphql.json" -> graphql(ex, shop);
            default -> control(ex, shop, rest);
        }
    }

    private static String shop(String shop) {
        if (!SHOP.matcher(shop).matches()) {
            throw new Rejected("That is not a shop domain such as " + DEFAULT_SHOP + ".");
        }
        return shop;
    }

    /** The admin page's buttons for the local run; each answers with the admin page again. */
    private void control(HttpExchange ex, String shop, String route) throws IOException {
        if (!ex.getRequestMethod().equals("POST") || !route.startsWith("/admin/simulator/")) {
            page(ex, 404, "Not found", "<p>There is no such page in the simulated Shopify.</p>");
            return;
        }
        String app = Optional.ofNullable(Http.nonBlank(Http.form(ex).get("app"))).orElse(settings.defaultApp().name());
        if (settings.apps().stream().noneMatch(a -> a.name().equals(app))) {
            throw new Rejected("There is no such app in the simulated Shopify.");
        }
        switch (route.substring("/admin/simulator/".length())) {
            case "uninstall" -> uninstall(app, shop);
            case "revoke" -> revoke(app, shop);
            case "reinstall-elsewhere" -> reinstallElsewhere(app, shop);
            case "shop-redact" -> shopRedact(app, shop);
            default -> throw new Rejected("There is no such action in the simulated Shopify.");
        }
        Http.seeOther(ex, "/" + shop + "/admin");
    }

    /** The Admin API: only {@code shop { id myshopifyDomain }}, behind Shopify's token checks. */
    private void graphql(HttpExchange ex, String shop) throws IOException {
        graphqlCalls.incrementAndGet();
        String token = ex.getRequestHeaders().getFirst("X-Shopify-Access-Token");
        byte[] request = ex.getRequestBody().readAllBytes();
        ShopifyGrants.Access access = token == null ? ShopifyGrants.Access.INVALID : grants.access(shop, token);
        ObjectNode answer = json.createObjectNode();
        int status = 200;
        String query;
        try {
            query = json.readTree(request).path("query").asText();
        } catch (JsonProcessingException e) {
            query = "";
        }
        if (access == ShopifyGrants.Access.INVALID) {
            status = 401;
            answer.put("errors", "[API] Invalid API key or access token (unrecognized login or wrong password)");
        } else if (access == ShopifyGrants.Access.LEGACY && !now().isBefore(LEGACY_CUTOFF)) {
            status = 403;
            answer.put("errors", "[API] Non-expiring access tokens are no longer accepted for the Admin API. "
                    + "Start using expiring offline tokens.");
        } else if (!query.contains("shop")) {
            answer.putArray("errors").addObject().put("message", "The simulated Admin API answers only { shop { id myshopifyDomain } }.");
        } else {
            answer.putObject("data").putObject("shop").put("id", "gid://shopify/Shop/" + shopId(shop)).put("myshopifyDomain", shop);
        }
        Http.send(ex, status, "application/json; charset=utf-8", json.writeValueAsBytes(answer));
    }
}
