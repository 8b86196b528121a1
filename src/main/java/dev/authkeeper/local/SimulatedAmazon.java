package dev.authkeeper.local;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;
import dev.authkeeper.local.simulator.Simulator;

/**
 * Amazon's side of SP-API authorization, simulated at the HTTP boundary for the tests and the local
 * run only: Seller Central's home, confirm and consent pages, the Login with Amazon token endpoint
 * and SP-API's rotateApplicationClientSecret, for several apps. AuthKeeper talks to it over real
 * HTTP exactly as it talks to Amazon, so it answers with the parameters, redirects and error bodies
 * Amazon uses (docs/marketplaces/amazon.md). A rotation sends Amazon's NEW_SECRET notification to the
 * configured sink (the local notifications queue) and keeps the old secret valid for seven days on
 * a clock tests can move.
 *
 * <p>Seller Central and LWA live at {@link #baseUri()}; the token endpoint is {@code /auth/o2/token}.
 * The clock tests can move ({@link #clock}) dates client secrets and notifications.
 *
 * <p>Plain Java so that a JUnit test resource and the local-run startup bean can both start it. It
 * never writes a token, code, secret or state to a log or to the console.
 */
public final class SimulatedAmazon extends Simulator {

    public static final String DEFAULT_SELLER = "A1SIMULATEDSELLER";
    /** After a rotation the old client secret keeps working this long. */
    public static final Duration OLD_SECRET_GRACE = Duration.ofDays(7);

    static final Html.Brand BRAND = new Html.Brand("Simulated Seller Central (local only)", "background:#232f3e;color:#fff",
            "background:#ffd814;border:1px solid #fcd200");
    private static final String ROTATE_PATH = "/applications/2023-11-30/clientSecret";
    private static final String CONFIRM_PATH = AmazonPages.CONFIRM_PATH;

    /**
     * One app registered with the simulated Amazon.
     *
     * @param name         how the tests and the simulator's pages call it (AuthKeeper's name for it)
     * @param clientSecret its first client secret; a rotation replaces it
     * @param loginUri     AuthKeeper's Login URI of this app, where "Authorize app" in Seller Central goes
     * @param redirectUri  AuthKeeper's OAuth redirect URI of this app, the only one registered for it
     * @param draft        a draft app: Seller Central adds version=beta
     */
    public record App(String name, String applicationId, String clientId, String clientSecret, URI loginUri, URI redirectUri,
            boolean draft) {

        public App {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(applicationId, "applicationId");
            if (!loginUri.isAbsolute() || !redirectUri.isAbsolute()) {
                throw new IllegalArgumentException("loginUri and redirectUri must be absolute");
            }
        }
    }

    /** @param port 0 for a free port; @param apps the first is the one the single-app methods mean */
    public record Settings(int port, List<App> apps) {

        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (apps.isEmpty()) {
                throw new IllegalArgumentException("the simulated Amazon needs at least one app");
            }
            apps = List.copyOf(apps);
        }

        /** A free port and one draft app with fixed simulated credentials: what most tests need. */
        public static Settings of(URI loginUri, URI redirectUri) {
            return new Settings(0, List.of(new App("default", "amzn1.sp.solution.simulated", "amzn1.application-oa2-client.simulated",
                    "simulated-client-secret", loginUri, redirectUri, true)));
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

        public String clientId() {
            return defaultApp().clientId();
        }

        public String clientSecret() {
            return defaultApp().clientSecret();
        }

        public String applicationId() {
            return defaultApp().applicationId();
        }
    }

    /** Replaced, never changed, when an app is registered while running. */
    private volatile Settings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final AmazonAuthorizations authorizations = new AmazonAuthorizations(this::randomToken);
    private final AmazonSecrets secrets = new AmazonSecrets(this);
    private final AmazonTokens tokens = new AmazonTokens(this, authorizations, secrets);
    private final AmazonPages pages = new AmazonPages(this, authorizations, secrets, tokens);

    private SimulatedAmazon(Settings settings) {
        super(settings.port(), BRAND);
        this.settings = settings;
        secrets.reset();
        listen();
    }

    public static SimulatedAmazon start(Settings settings) {
        return new SimulatedAmazon(settings);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        secrets.close();
        super.close();
    }

    // ---- Java API for tests ----

    /** Issues a code as if the seller had approved the first app, bound to its registered redirect URI. */
    public String authorizationCode(String sellingPartnerId) {
        return authorizationCode(settings.defaultApp().name(), sellingPartnerId);
    }

    /** Issues a code as if the seller had approved {@code app}, bound to that app's registered redirect URI. */
    public String authorizationCode(String app, String sellingPartnerId) {
        Objects.requireNonNull(sellingPartnerId, "sellingPartnerId");
        App registered = settings.app(app);
        return authorizations.code(registered.name(), registered.redirectUri(), sellingPartnerId);
    }

    /** A working refresh token of the first app for the seller, as if they had authorized and the code was exchanged. */
    public String issueRefreshToken(String sellingPartnerId) {
        return issueRefreshToken(settings.defaultApp().name(), sellingPartnerId);
    }

    /** A working refresh token of {@code app} for the seller. */
    public String issueRefreshToken(String app, String sellingPartnerId) {
        Objects.requireNonNull(sellingPartnerId, "sellingPartnerId");
        return authorizations.authorize(settings.app(app).name(), sellingPartnerId);
    }

    /** The seller removes the (first) app in Seller Central: its refresh token stops working. */
    public void revoke(String sellingPartnerId) {
        revoke(settings.defaultApp().name(), sellingPartnerId);
    }

    public void revoke(String app, String sellingPartnerId) {
        authorizations.revoked(app, sellingPartnerId, true);
    }

    /** The seller authorizes again in Seller Central: the revoked authorization (of the first app) works again. */
    public void restore(String sellingPartnerId) {
        authorizations.revoked(settings.defaultApp().name(), sellingPartnerId, false);
    }

    /** Every app's client secret is refused (or accepted again). */
    public void expireClientSecret(boolean expired) {
        secrets.expireAll(expired);
    }

    /** One app's client secret is refused (or accepted again). */
    public void expireClientSecret(String app, boolean expired) {
        secrets.expire(settings.app(app).name(), expired);
    }

    /** Where notifications go (Amazon delivers them to the SQS queue registered for the app). */
    public void notifications(Consumer<String> sink) {
        secrets.notifications(Optional.of(sink));
    }

    /** No queue registered: rotateApplicationClientSecret answers "not enrolled for rotation notification". */
    public void notEnrolled() {
        secrets.notifications(Optional.empty());
    }

    /** Registers another app while running, as a new app registration in the Developer Console. */
    public synchronized void register(App app) {
        if (settings.apps().stream().anyMatch(a -> a.name().equals(app.name()) || a.applicationId().equals(app.applicationId()))) {
            throw new Rejected("An app of that name or application id is registered already.");
        }
        settings = settings.withApp(app);
        secrets.register(app);
    }

    /** The app's previous client secret stops working now, as it does seven days after a rotation. */
    public void expirePreviousClientSecret(String app) {
        secrets.expirePrevious(settings.app(app).name());
    }

    /** The app's client secret that works now (the newest one). */
    public String clientSecret(String app) {
        return secrets.of(settings.app(app).name()).current();
    }

    /**
     * What rotateApplicationClientSecret does: a new client secret, the old one valid seven more days,
     * and the NEW_SECRET notification, with Amazon's payload, sent to the sink.
     */
    public void rotateClientSecret(String app) {
        secrets.rotate(settings.app(app));
    }

    /** Amazon's APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notice for the app's current secret, expiring at {@code expiresAt}. */
    public void sendExpiryNotice(String app, Instant expiresAt) {
        secrets.sendExpiryNotice(settings.app(app), expiresAt);
    }

    public void outage(boolean on) {
        tokens.outage(on);
    }

    /**
     * When on, LWA sees every refresh token as issued to another client and answers
     * {@code invalid_grant}: what a client id in the secret that belongs to another app looks like.
     */
    public void grantsOfAnotherClient(boolean on) {
        tokens.grantsOfAnotherClient(on);
    }

    /** When on, every refresh answers a new refresh token and the one presented stops working. */
    public void rotateRefreshTokens(boolean on) {
        authorizations.rotateRefreshTokens(on);
    }

    /**
     * Refresh grants presented with a refresh token issued to this seller, answered or refused: how
     * often the seller's authorization was checked. {@code GET /simulator/refresh-grants} answers all
     * of them as a JSON object.
     */
    public int refreshGrants(String sellingPartnerId) {
        return authorizations.refreshGrants(sellingPartnerId);
    }

    public int codesExchanged() {
        return authorizations.codesExchanged();
    }

    /** The seller's refresh token of the first app that works right now, if any. */
    public Optional<String> refreshTokenOf(String sellingPartnerId) {
        return authorizations.refreshTokenOf(settings.defaultApp().name(), sellingPartnerId);
    }

    public void reset() {
        resetHarness();
        authorizations.reset();
        secrets.reset();
        tokens.reset();
    }

    Instant now() {
        return clock().instant();
    }

    String newToken(int bytes) {
        return randomToken(bytes);
    }

    /** The app a simulator form names; the first one when it names none. */
    App appNamed(String name) {
        if (name == null || name.isBlank()) {
            return settings.defaultApp();
        }
        return settings.apps().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new Rejected("There is no such app in the simulated Seller Central."));
    }

    // ---- HTTP ----

    @Override
    protected void handle(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        String route = path.startsWith(CONFIRM_PATH) ? CONFIRM_PATH + "{applicationId}" : path;
        switch (ex.getRequestMethod() + " " + route) {
            case "GET /" -> pages.home(ex);
            case "GET /simulator/launch" -> pages.launch(ex);
            case "GET " + CONFIRM_PATH + "{applicationId}" -> pages.confirmPage(ex, path.substring(CONFIRM_PATH.length()));
            case "POST " + CONFIRM_PATH + "{applicationId}" -> pages.confirmDecision(ex, path.substring(CONFIRM_PATH.length()));
            case "GET /apps/authorize/consent" -> pages.consentPage(ex);
            case "POST /apps/authorize/consent" -> pages.consentDecision(ex);
            case "POST /auth/o2/token" -> {
                Map<String, String> p = Http.bodyParameters(ex);
                String grantType = p == null ? null : Http.nonBlank(p.get("grant_type"));
                tokenCall(ex, grantType, tokens::injected, () -> tokens.answer(p, grantType));
            }
            case "POST " + ROTATE_PATH -> secrets.rotateCall(ex);
            case "GET /simulator/refresh-grants" ->
                    Http.send(ex, 200, "application/json;charset=UTF-8", json.writeValueAsBytes(authorizations.refreshGrantsBySeller()));
            default -> control(ex);
        }
    }

    /** The home page's controls for the local run; each answers with the home page again. */
    private void control(HttpExchange ex) throws IOException {
        switch (ex.getRequestMethod() + " " + ex.getRequestURI().getPath()) {
            case "POST /simulator/revoke" -> {
                Map<String, String> f = Http.form(ex);
                revoke(appNamed(f.get("app")).name(), Http.required(f, "selling_partner_id"));
            }
            case "POST /simulator/rotate" -> rotateClientSecret(appNamed(Http.form(ex).get("app")).name());
            case "POST /simulator/apps" -> {
                Map<String, String> f = Http.form(ex);
                register(new App(Http.required(f, "name"), Http.required(f, "application_id"), Http.required(f, "client_id"),
                        Http.required(f, "client_secret"), URI.create(Http.required(f, "login_uri")),
                        URI.create(Http.required(f, "redirect_uri")), Boolean.parseBoolean(f.get("draft"))));
            }
            case "POST /simulator/notifications" -> secrets.enroll(URI.create(Http.required(Http.form(ex), "queue_url")));
            case "POST /simulator/expire-previous" -> expirePreviousClientSecret(appNamed(Http.form(ex).get("app")).name());
            case "POST /simulator/expiry-notice" -> {
                App app = appNamed(Http.form(ex).get("app"));
                sendExpiryNotice(app.name(), secrets.of(app.name()).issuedAt().plus(AmazonSecrets.SECRET_LIFETIME));
            }
            case "POST /simulator/client-secret-expired" -> expireClientSecret(Boolean.parseBoolean(Http.form(ex).get("on")));
            case "POST /simulator/outage" -> outage(Boolean.parseBoolean(Http.form(ex).get("on")));
            default -> {
                page(ex, 404, "Not found", "<p>There is no such page in the simulated Seller Central.</p>");
                return;
            }
        }
        Http.seeOther(ex, "/");
    }
}
