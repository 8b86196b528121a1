package dev.authkeeper.local.ebay;

import static dev.authkeeper.local.simulator.Html.escape;
import static dev.authkeeper.local.simulator.Html.hidden;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;
import dev.authkeeper.local.simulator.Reply;
import dev.authkeeper.local.simulator.Simulator;

/**
 * eBay's side of an app's authorization, simulated at the HTTP boundary for the tests and the local
 * run only. Each eBay host is served under its name ({@code {baseUri}/{host}/...}):
 * {@code GET|POST /auth.ebay.com/oauth2/authorize} (sign-in and consent, then a redirect to the
 * RuName's accepted URL with {@code code, state, expires_in=299}),
 * {@code POST /api.ebay.com/identity/v1/oauth2/token} (HTTP Basic client authentication; the
 * authorization_code, refresh_token and client_credentials grants; a refresh must name scopes of
 * the consent and answers no new refresh token) and
 * {@code GET /apiz.ebay.com/commerce/identity/v1/user/} (the user's immutable {@code userId}).
 *
 * <p>It never writes a token, code or secret to a log or to the console.
 */
public final class SimulatedEbay extends Simulator {

    public static final String DEFAULT_USERNAME = "acme_seller";
    public static final String DEFAULT_USER_ID = "eXk7Qm2vRz";
    public static final String OTHER_USERNAME = "second_seller";
    public static final String OTHER_USER_ID = "pT4nWc8sLb";
    public static final String IDENTITY_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";
    public static final String APPLICATION_SCOPE = "https://api.ebay.com/oauth/api_scope";
    public static final String REVOCATION = "AUTHORIZATION_REVOCATION";
    public static final String DELETION = "MARKETPLACE_ACCOUNT_DELETION";
    private static final String PUBLIC_KEY_PATH = "/api.ebay.com/commerce/notification/v1/public_key/";
    static final String INVALID_GRANT = "the provided authorization refresh token is invalid or was issued to another client";

    static final Html.Brand BRAND = new Html.Brand("Simulated eBay (local only)", "background:#fff;color:#191919;border-bottom:4px solid #0064d2",
            "background:#3665f3;color:#fff;border:1px solid #0654ba");
    private static final Map<String, String> USERS = Map.of(DEFAULT_USERNAME, DEFAULT_USER_ID, OTHER_USERNAME, OTHER_USER_ID);

    /**
     * One app registered with the simulated eBay.
     *
     * @param ruName      the RuName its consent names as {@code redirect_uri}
     * @param acceptedUrl the RuName's "auth accepted" URL: AuthKeeper's callback route
     * @param scopes      the scopes the app may ask for
     * @param notificationUrl   where its notifications are delivered
     * @param verificationToken the token its notification endpoint was registered with
     */
    public record App(String name, String clientId, String clientSecret, String ruName, URI acceptedUrl, List<String> scopes,
            URI notificationUrl, String verificationToken) {

        public App {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(ruName, "ruName");
            if (!acceptedUrl.isAbsolute() || !notificationUrl.isAbsolute()) {
                throw new IllegalArgumentException("acceptedUrl and notificationUrl must be absolute");
            }
            scopes = List.copyOf(scopes);
        }
    }

    /** @param port 0 for a free port; @param apps the first is the one the single-app methods mean */
    public record Settings(int port, List<App> apps) {

        public Settings {
            if (apps.isEmpty()) {
                throw new IllegalArgumentException("the simulated eBay needs at least one app");
            }
            apps = List.copyOf(apps);
        }

        public App defaultApp() {
            return apps.get(0);
        }

        public App app(String name) {
            return apps.stream().filter(a -> a.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no simulated eBay app " + name));
        }
    }

    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final EbayGrants grants = new EbayGrants(this::now, () -> HexFormat.of().formatHex(randomBytes(24)));
    private final EbayNotifier notifier = new EbayNotifier(this::now);
    private final AtomicInteger publicKeyCalls = new AtomicInteger();

    /** A notification delivery; {@code status} is the app's HTTP answer, 0 when none came. */
    public record Delivery(String notificationId, String body, int status) {}

    private SimulatedEbay(Settings settings) {
        super(settings.port(), BRAND);
        this.settings = settings;
        listen();
    }

    public static SimulatedEbay start(Settings settings) {
        return new SimulatedEbay(settings);
    }

    public Settings settings() {
        return settings;
    }

    // ---- Java API for tests ----

    /** The user's tokens for the app die, as when the seller removes the app in My eBay or changes the password. */
    public void revoke(String app, String userId) {
        grants.revoke(settings.app(app).name(), userId);
    }

    /** Refresh tokens of the app for the user that still work. */
    public int liveRefreshTokens(String app, String userId) {
        return grants.liveRefreshTokens(app, userId);
    }

    /** A refresh token of the app for the user, as after a consent made elsewhere (for seeding connections). */
    public String issueRefreshToken(String app, String userId) {
        App registered = settings.app(app);
        return grants.refreshToken(new EbayGrants.Grant(registered.name(), userId, registered.scopes(), now()));
    }

    /** The seller revokes the app (or changes the password, or eBay does): the tokens die, then AUTHORIZATION_REVOCATION is delivered. */
    public Delivery revokeAuthorization(String app, String userId, String revokeReason) {
        revoke(app, userId);
        return notify(app, REVOCATION, userData(userId).put("revokeReason", revokeReason).put("revocationDate", now().toString()), false);
    }

    /** The seller's eBay account is deleted: its tokens die, then MARKETPLACE_ACCOUNT_DELETION is delivered. */
    public Delivery deleteAccount(String app, String userId) {
        revoke(app, userId);
        return notify(app, DELETION, userData(userId), false);
    }

    /** An AUTHORIZATION_REVOCATION signed with another key under the real kid; no token changes. */
    public Delivery forgedRevocation(String app, String userId) {
        return notify(app, REVOCATION, userData(userId).put("revokeReason", "REVOKED_BY_USER").put("revocationDate", now().toString()), true);
    }

    /** Delivers a notification again, same id, body and signature, as eBay's retries do. */
    public Delivery resend(String app, String notificationId) {
        return delivery(notifier.resend(settings.app(app).notificationUrl(), notificationId));
    }

    /** Any body with any signature header (none when null), for tests of what the app refuses. */
    public Delivery deliverRaw(String app, String body, String signatureHeader) {
        return delivery(notifier.deliver(settings.app(app).notificationUrl(), "raw", body, signatureHeader));
    }

    /** A validly signed delivery of exactly {@code body}. */
    public Delivery deliverSigned(String app, String body) {
        return delivery(notifier.deliver(settings.app(app).notificationUrl(), "signed", body, notifier.sign(body)));
    }

    /** eBay's endpoint validation of the app's notification URL: true when it answered the challenge correctly. */
    public boolean validateEndpoint(String app) {
        App registered = settings.app(app);
        return notifier.validate(registered.notificationUrl(), registered.verificationToken());
    }

    /** Calls to the Notification API's public key resource, answered or refused. */
    public int publicKeyCalls() {
        return publicKeyCalls.get();
    }

    public void reset() {
        resetHarness();
        grants.reset();
        notifier.reset();
        publicKeyCalls.set(0);
    }

    @Override
    public void close() {
        notifier.close();
        super.close();
    }

    private ObjectNode userData(String userId) {
        String username = USERS.entrySet().stream().filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey).findFirst().orElse(userId);
        return json.createObjectNode().put("username", username).put("userId", userId).put("eiasToken", "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6w" + userId);
    }

    private Delivery notify(String app, String topic, ObjectNode data, boolean forged) {
        return delivery(notifier.send(settings.app(app).notificationUrl(), topic, data, forged));
    }

    private static Delivery delivery(EbayNotifier.Delivery sent) {
        return new Delivery(sent.notificationId(), sent.body(), sent.status());
    }

    private Instant now() {
        return clock().instant();
    }

    // ---- HTTP ----

    @Override
    protected void handle(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        if (ex.getRequestMethod().equals("GET") && path.startsWith(PUBLIC_KEY_PATH)) {
            publicKey(ex, path.substring(PUBLIC_KEY_PATH.length()));
            return;
        }
        switch (ex.getRequestMethod() + " " + path) {
            case "GET /" -> index(ex);
            case "GET /auth.ebay.com/oauth2/authorize" -> consentPage(ex);
            case "POST /auth.ebay.com/oauth2/authorize" -> consentDecision(ex);
            case "POST /api.ebay.com/identity/v1/oauth2/token" -> token(ex);
            case "GET /apiz.ebay.com/commerce/identity/v1/user/" -> identity(ex);
            case "POST /simulator/revoke" -> {
                var form = Http.form(ex);
                revoke(app(form.get("app")).name(), userId(form.get("user")));
                Http.seeOther(ex, "/");
            }
            default -> page(ex, 404, "Not found", "<p>There is no such page in the simulated eBay.</p>");
        }
    }

    private void index(HttpExchange ex) throws IOException {
        var body = new StringBuilder("<p>Users: ");
        USERS.forEach((name, id) -> body.append("<b>").append(escape(name)).append("</b> (user id ").append(escape(id)).append(") "));
        body.append("</p>");
        for (App app : settings.apps()) {
            body.append("<h2>App <b>").append(escape(app.name())).append("</b></h2>");
            for (var user : USERS.entrySet()) {
                body.append("<p>").append(escape(user.getKey())).append(": live refresh tokens ")
                        .append(grants.liveRefreshTokens(app.name(), user.getValue())).append("</p>")
                        .append(Html.button("/simulator/revoke", "Revoke " + user.getKey() + "'s authorization", "app", app.name(),
                                "user", user.getKey()));
            }
        }
        page(ex, 200, "eBay", body.toString());
    }

    private void consentPage(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        App app = requireApp(q);
        if (!"code".equals(q.get("response_type"))) {
            throw new Rejected("Oauth error unsupported_response_type: response_type must be code.");
        }
        String scope = scopeOf(app, Http.required(q, "scope"));
        String state = Http.required(q, "state");
        String body = "<p>The app <b>" + escape(app.name()) + "</b> asks for <code>" + escape(scope) + "</code>.</p>"
                + "<form method=\"post\" action=\"/auth.ebay.com/oauth2/authorize\">"
                + hidden("client_id", app.clientId()) + hidden("redirect_uri", app.ruName()) + hidden("scope", scope) + hidden("state", state)
                + "<label>Signed in to eBay as <input name=\"user\" value=\"" + escape(DEFAULT_USERNAME) + "\"></label> "
                + "(" + escape(String.join(" or ", USERS.keySet())) + ")<br>"
                + "<button name=\"decision\" value=\"approve\">Agree</button> "
                + "<button name=\"decision\" value=\"decline\">Not now</button></form>";
        page(ex, 200, "Grant application access", body);
    }

    /**
     * Agree: to the RuName's accepted URL with {@code code} (URL-encoded), {@code state} and
     * {@code expires_in=299}. Not now: eBay sends the seller to the RuName's declined URL, which is
     * simulated as the same route with {@code error=access_denied}.
     */
    private void consentDecision(HttpExchange ex) throws IOException {
        Map<String, String> f = Http.form(ex);
        App app = requireApp(f);
        String scope = scopeOf(app, Http.required(f, "scope"));
        String state = Http.required(f, "state");
        String decision = f.get("decision");
        if ("decline".equals(decision)) {
            Http.redirect(ex, Http.withQuery(app.acceptedUrl(), "error", "access_denied", "state", state));
            return;
        }
        if (!"approve".equals(decision)) {
            throw new Rejected("Choose Agree or Not now.");
        }
        String code = grants.code(app.name(), userId(f.get("user")), Arrays.asList(scope.split(" ")));
        Http.redirect(ex, Http.withQuery(app.acceptedUrl(), "code", code, "state", state, "expires_in", "299"));
    }

    private void token(HttpExchange ex) throws IOException, InterruptedException {
        Map<String, String> form = Http.form(ex);
        String grantType = form.get("grant_type");
        tokenCall(ex, grantType, this::injected, () -> answer(client(ex.getRequestHeaders().getFirst("Authorization")), form));
    }

    private Reply answer(Optional<App> client, Map<String, String> form) {
        if (client.isEmpty()) {
            return error(401, "invalid_client", "client authentication failed");
        }
        App app = client.get();
        String grantType = Optional.ofNullable(form.get("grant_type")).orElse("");
        return switch (grantType) {
            case "authorization_code" -> {
                if (!app.ruName().equals(form.get("redirect_uri"))) {
                    yield error(400, "invalid_request", "redirect_uri is not the app's RuName");
                }
                var grant = Optional.ofNullable(form.get("code")).flatMap(code -> grants.redeem(app.name(), code));
                if (grant.isEmpty()) {
                    yield error(400, "invalid_grant", "the provided authorization grant code is invalid or was issued to another client");
                }
                ObjectNode body = accessAnswer(app, grant.get().userId(), grant.get().scopes());
                body.put("refresh_token", grants.refreshToken(grant.get()));
                body.put("refresh_token_expires_in", EbayGrants.REFRESH_LIFE.toSeconds());
                yield Reply.json(200, body);
            }
            case "refresh_token" -> {
                var grant = Optional.ofNullable(form.get("refresh_token")).flatMap(token -> grants.refresh(app.name(), token));
                if (grant.isEmpty()) {
                    yield error(400, "invalid_grant", INVALID_GRANT);
                }
                // Without scope eBay hands out a token missing permissions; the simulator refuses it outright, so a client that forgets shows.
                String scope = Optional.ofNullable(form.get("scope")).orElse("");
                List<String> asked = Arrays.asList(scope.split(" "));
                if (scope.isBlank() || !grant.get().scopes().containsAll(asked)) {
                    yield error(400, "invalid_scope",
                            "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client");
                }
                yield Reply.json(200, accessAnswer(app, grant.get().userId(), asked));
            }
            case "client_credentials" -> {
                if (!APPLICATION_SCOPE.equals(form.get("scope"))) {
                    yield error(400, "invalid_scope",
                            "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client");
                }
                ObjectNode body = json.createObjectNode();
                body.put("access_token", grants.applicationToken(app.name()));
                body.put("expires_in", EbayGrants.ACCESS_LIFE.toSeconds());
                body.put("token_type", "Application Access Token");
                yield Reply.json(200, body);
            }
            default -> error(400, "unsupported_grant_type", "grant type in request is not supported by the authorization server");
        };
    }

    private ObjectNode accessAnswer(App app, String userId, List<String> scopes) {
        ObjectNode body = json.createObjectNode();
        body.put("access_token", grants.accessToken(app.name(), userId, scopes));
        body.put("expires_in", EbayGrants.ACCESS_LIFE.toSeconds());
        body.put("token_type", "User Access Token");
        return body;
    }

    private Reply injected(int status) {
        return status == 401 ? error(401, "invalid_client", "client authentication failed")
                : error(status, "server_error", "There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.");
    }

    private Reply error(int status, String error, String description) {
        ObjectNode body = json.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        return Reply.json(status, body);
    }

    /** The Identity API: the signed-in user, for a user token with the identity scope. */
    private void identity(HttpExchange ex) throws IOException {
        var grant = bearer(ex).flatMap(grants::access).filter(g -> g.scopes().contains(IDENTITY_SCOPE));
        if (grant.isEmpty()) {
            ObjectNode body = json.createObjectNode();
            body.putArray("errors").addObject().put("errorId", 1001).put("domain", "OAuth").put("category", "REQUEST")
                    .put("message", "Invalid access token").put("longMessage", "Invalid access token. Check the value of the Authorization HTTP request header.");
            Http.send(ex, Reply.json(401, body));
            return;
        }
        String userId = grant.get().userId();
        String username = USERS.entrySet().stream().filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey).findFirst().orElse(userId);
        ObjectNode body = json.createObjectNode();
        body.put("userId", userId);
        body.put("username", username);
        body.put("accountType", "BUSINESS");
        Http.send(ex, Reply.json(200, body));
    }

    /** The Notification API's getPublicKey: for an application token, the key of {@code kid}; 404 for any other kid. */
    private void publicKey(HttpExchange ex, String kid) throws IOException {
        publicKeyCalls.incrementAndGet();
        boolean application = bearer(ex).filter(token -> settings.apps().stream().anyMatch(a -> grants.applicationToken(a.name(), token))).isPresent();
        if (!application) {
            ObjectNode body = json.createObjectNode();
            body.putArray("errors").addObject().put("errorId", 1001).put("domain", "OAuth").put("category", "REQUEST")
                    .put("message", "Invalid access token");
            Http.send(ex, Reply.json(401, body));
            return;
        }
        if (!kid.equals(notifier.kid())) {
            ObjectNode body = json.createObjectNode();
            body.putArray("errors").addObject().put("errorId", 195001).put("domain", "API_NOTIFICATION").put("category", "REQUEST")
                    .put("message", "The specified key id is invalid.");
            Http.send(ex, Reply.json(404, body));
            return;
        }
        ObjectNode body = json.createObjectNode().put("key", notifier.publicKeyPem()).put("algorithm", "ECDSA").put("digest", "SHA1");
        Http.send(ex, Reply.json(200, body));
    }

    private static Optional<String> bearer(HttpExchange ex) {
        return Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")).filter(h -> h.startsWith("Bearer "))
                .map(h -> h.substring("Bearer ".length()));
    }

    /** The app whose client id and secret the Basic header names; empty for anything else. */
    private Optional<App> client(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return settings.apps().stream().filter(a -> decoded.equals(a.clientId() + ":" + a.clientSecret())).findFirst();
    }

    private App requireApp(Map<String, String> p) {
        App app = settings.apps().stream().filter(a -> a.clientId().equals(p.get("client_id"))).findFirst()
                .orElseThrow(() -> new Rejected("Oauth error invalid_client: the client_id is not a known app."));
        if (!app.ruName().equals(p.get("redirect_uri"))) {
            throw new Rejected("Oauth error invalid_request: redirect_uri must be the app's RuName.");
        }
        return app;
    }

    private App app(String name) {
        return settings.apps().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new Rejected("There is no such app in the simulated eBay."));
    }

    private static String scopeOf(App app, String scope) {
        if (!app.scopes().containsAll(Arrays.asList(scope.split(" ")))) {
            throw new Rejected("Oauth error invalid_scope: the app may not ask for these scopes.");
        }
        return scope;
    }

    private static String userId(String username) {
        String id = USERS.get(Optional.ofNullable(username).orElse(DEFAULT_USERNAME).strip());
        if (id == null) {
            throw new Rejected("There is no such eBay user: sign in as " + String.join(" or ", USERS.keySet()) + ".");
        }
        return id;
    }
}
