package dev.authkeeper.local.etsy;

import static dev.authkeeper.local.simulator.Html.escape;
import static dev.authkeeper.local.simulator.Html.hidden;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.simulator.Html;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;
import dev.authkeeper.local.simulator.Reply;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.marketplace.Pkce;

/**
 * Etsy's side of an Open API v3 app's authorization, simulated at the HTTP boundary for the tests
 * and the local run only: the consent page {@code GET|POST /oauth/connect} (PKCE S256 required,
 * the redirect URI matched exactly), and the token endpoint {@code POST /v3/public/oauth/token}
 * (form body, no client secret; the code checked against its challenge, single-use; refresh tokens
 * single-use and rotated, 90 days; every token {@code <user_id>.<random>}). A password change
 * ({@link #changePassword}) ends every token of the user, as Etsy does.
 *
 * <p>It never writes a token, code or verifier to a log or to the console.
 */
public final class SimulatedEtsy extends Simulator {

    public static final String DEFAULT_USER = "81234567";
    static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    static final Duration ACCESS_LIFETIME = Duration.ofHours(1);
    static final Duration REFRESH_LIFETIME = Duration.ofDays(90);
    static final Html.Brand BRAND = new Html.Brand("Simulated Etsy (local only)", "background:#f1641e;color:#fff",
            "background:#222;color:#fff;border:1px solid #000");
    private static final Pattern USER = Pattern.compile("[1-9][0-9]{0,11}");

    /**
     * One app registered with the simulated Etsy.
     *
     * @param keystring    its client id
     * @param sharedSecret the other half of its {@code x-api-key}; the token endpoint never asks for it
     * @param redirectUri  the only redirect URI registered for it
     */
    public record App(String name, String keystring, String sharedSecret, URI redirectUri) {
        public App {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(keystring, "keystring");
            Objects.requireNonNull(sharedSecret, "sharedSecret");
            if (!redirectUri.isAbsolute()) {
                throw new IllegalArgumentException("redirectUri must be absolute");
            }
        }
    }

    /** @param port 0 for a free port; @param apps the first is the one the single-app methods mean */
    public record Settings(int port, List<App> apps) {
        public Settings {
            if (apps.isEmpty()) {
                throw new IllegalArgumentException("the simulated Etsy needs at least one app");
            }
            apps = List.copyOf(apps);
        }

        public App defaultApp() {
            return apps.get(0);
        }
    }

    public record TokenPair(String accessToken, String refreshToken) {}

    private record Code(String keystring, String user, String redirectUri, String challenge, Instant expiresAt) {}

    private record Refresh(String keystring, String user, Instant expiresAt) {}

    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Code> usedCodes = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();

    private SimulatedEtsy(Settings settings) {
        super(settings.port(), BRAND);
        this.settings = settings;
        listen();
    }

    public static SimulatedEtsy start(Settings settings) {
        return new SimulatedEtsy(settings);
    }

    public Settings settings() {
        return settings;
    }

    // ---- Java API for tests ----

    /** A fresh pair for the user, as after a consent; earlier tokens live on until used or revoked. */
    public TokenPair issuePair(String app, String user) {
        return issue(app(app).keystring(), user);
    }

    /** The user changed the password: every token of the user, for every app, stops working. */
    public void changePassword(String user) {
        refreshTokens.values().removeIf(r -> r.user().equals(user));
        accessTokens.values().removeIf(user::equals);
    }

    /** Refresh tokens of the user a refresh would accept now. */
    public long liveRefreshTokens(String user) {
        Instant now = clock().instant();
        return refreshTokens.values().stream().filter(r -> r.user().equals(user) && r.expiresAt().isAfter(now)).count();
    }

    /** Whether an access token works now, as the API's {@code x-api-key} and bearer check would find it. */
    public boolean accessTokenWorks(String token) {
        return accessTokens.containsKey(token);
    }

    public void reset() {
        resetHarness();
        codes.clear();
        usedCodes.clear();
        refreshTokens.clear();
        accessTokens.clear();
    }

    // ---- HTTP ----

    @Override
    protected void handle(HttpExchange ex) throws IOException, InterruptedException {
        switch (ex.getRequestMethod() + " " + ex.getRequestURI().getPath()) {
            case "GET /" -> page(ex, 200, "Simulated Etsy (local only)", "<p>Apps: " + escape(String.join(", ",
                    settings.apps().stream().map(App::name).toList())) + ". Use the password form to end a user's tokens.</p>"
                    + "<form method=\"post\" action=\"/simulator/change-password\"><label>User id <input name=\"user_id\" value=\""
                    + DEFAULT_USER + "\"></label> <button>Change the password</button></form>");
            case "POST /simulator/change-password" -> {
                changePassword(user(Http.form(ex).get("user_id")));
                Http.seeOther(ex, "/");
            }
            case "GET /oauth/connect" -> consentPage(ex);
            case "POST /oauth/connect" -> decision(ex);
            case "POST /v3/public/oauth/token" -> {
                Map<String, String> p = Http.form(ex);
                tokenCall(ex, p.get("grant_type"), this::injected, () -> token(p));
            }
            default -> page(ex, 404, "Not found", "<p>There is no such page in the simulated Etsy.</p>");
        }
    }

    /** Etsy's consent: every parameter checked as Etsy documents, PKCE S256 required. */
    private void consentPage(HttpExchange ex) throws IOException {
        Map<String, String> q = Http.query(ex);
        App app = requireApp(q);
        if (!"code".equals(q.get("response_type"))) {
            throw new Rejected("response_type must be code.");
        }
        if (!"S256".equals(q.get("code_challenge_method")) || Http.nonBlank(q.get("code_challenge")) == null) {
            throw new Rejected("PKCE is required: code_challenge and code_challenge_method=S256.");
        }
        String scope = Http.required(q, "scope");
        String body = "<p>The app <b>" + escape(app.name()) + "</b> asks for <code>" + escape(scope) + "</code>.</p>"
                + "<form method=\"post\" action=\"/oauth/connect\">"
                + hidden("client_id", app.keystring()) + hidden("redirect_uri", app.redirectUri().toString())
                + hidden("state", Http.required(q, "state")) + hidden("code_challenge", q.get("code_challenge"))
                + "<label>Signed in as user id <input name=\"user_id\" value=\"" + DEFAULT_USER + "\"></label> "
                + "<button name=\"decision\" value=\"approve\">Allow access</button> "
                + "<button name=\"decision\" value=\"decline\">Deny</button></form>";
        page(ex, 200, "Allow access to " + app.name(), body);
    }

    /** Allow: to the redirect URI with {@code code} and {@code state}; deny: {@code error=access_denied}. */
    private void decision(HttpExchange ex) throws IOException {
        Map<String, String> f = Http.form(ex);
        App app = requireApp(f);
        String state = Http.required(f, "state");
        String user = user(f.get("user_id"));
        switch (Objects.requireNonNullElse(f.get("decision"), "")) {
            case "approve" -> {
                String code = randomToken(32);
                codes.put(code, new Code(app.keystring(), user, app.redirectUri().toString(), Http.required(f, "code_challenge"),
                        clock().instant().plus(CODE_LIFETIME)));
                Http.redirect(ex, Http.withQuery(app.redirectUri(), "code", code, "state", state));
            }
            case "decline" -> Http.redirect(ex, Http.withQuery(app.redirectUri(), "error", "access_denied",
                    "error_description", "The user denied the request", "state", state));
            default -> throw new Rejected("Choose Allow access or Deny.");
        }
    }

    private Reply token(Map<String, String> p) {
        Optional<App> app = settings.apps().stream().filter(a -> a.keystring().equals(p.get("client_id"))).findFirst();
        if (app.isEmpty()) {
            return error(401, "invalid_client", "client_id is not a known keystring");
        }
        return switch (Objects.requireNonNullElse(p.get("grant_type"), "")) {
            case "authorization_code" -> codeGrant(app.get(), p);
            case "refresh_token" -> refreshGrant(app.get(), p);
            default -> error(400, "unsupported_grant_type", "grant_type is not supported");
        };
    }

    private Reply codeGrant(App app, Map<String, String> p) {
        String given = Objects.requireNonNullElse(p.get("code"), "");
        if (usedCodes.containsKey(given)) {
            return error(400, "invalid_grant", "code has been used previously");
        }
        Code code = codes.remove(given);
        if (code == null || !code.keystring().equals(app.keystring()) || !clock().instant().isBefore(code.expiresAt())) {
            return error(400, "invalid_grant", "code is invalid or expired");
        }
        usedCodes.put(given, code);
        if (!code.redirectUri().equals(p.get("redirect_uri"))) {
            return error(400, "invalid_grant", "redirect_uri does not match");
        }
        String verifier = p.get("code_verifier");
        if (verifier == null || !Pkce.challengeOf(verifier).equals(code.challenge())) {
            return error(400, "invalid_grant", "code_verifier is invalid");
        }
        return granted(issue(app.keystring(), code.user()));
    }

    /** Single-use: the refresh token given dies as the new pair is issued. */
    private Reply refreshGrant(App app, Map<String, String> p) {
        Refresh refresh = refreshTokens.remove(Objects.requireNonNullElse(p.get("refresh_token"), ""));
        if (refresh == null || !refresh.keystring().equals(app.keystring())) {
            return error(400, "invalid_grant", "refresh_token is revoked");
        }
        if (!clock().instant().isBefore(refresh.expiresAt())) {
            return error(400, "invalid_grant", "refresh_token is expired");
        }
        return granted(issue(app.keystring(), refresh.user()));
    }

    private TokenPair issue(String keystring, String user) {
        var pair = new TokenPair(user + "." + randomToken(40), user + "." + randomToken(40));
        accessTokens.put(pair.accessToken(), user);
        refreshTokens.put(pair.refreshToken(), new Refresh(keystring, user, clock().instant().plus(REFRESH_LIFETIME)));
        return pair;
    }

    private Reply granted(TokenPair pair) {
        ObjectNode body = json.createObjectNode();
        body.put("access_token", pair.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", ACCESS_LIFETIME.toSeconds());
        body.put("refresh_token", pair.refreshToken());
        return Reply.json(200, body);
    }

    private Reply error(int status, String error, String description) {
        return Reply.json(status, json.createObjectNode().put("error", error).put("error_description", description));
    }

    /** Etsy's own answer to an outage ({@code {"error":"Server Error"}}) or throttling. */
    private Reply injected(int status) {
        return Reply.json(status, json.createObjectNode().put("error", status == 429 ? "Too Many Requests" : "Server Error"));
    }

    private App requireApp(Map<String, String> p) {
        App app = settings.apps().stream().filter(a -> a.keystring().equals(p.get("client_id"))).findFirst()
                .orElseThrow(() -> new Rejected("client_id is not a known app keystring."));
        if (!app.redirectUri().toString().equals(p.get("redirect_uri"))) {
            throw new Rejected("redirect_uri must match the app's registered URL exactly.");
        }
        return app;
    }

    private App app(String name) {
        return settings.apps().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no simulated Etsy app " + name));
    }

    private static String user(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new Rejected("A user id is a number such as " + DEFAULT_USER + ".");
        }
        return user;
    }
}
