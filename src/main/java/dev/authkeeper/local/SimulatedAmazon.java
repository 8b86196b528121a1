package dev.authkeeper.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Amazon's side of SP-API authorization, simulated at the HTTP boundary for the tests and the local
 * run only: Seller Central's home, confirm and consent pages and the Login with Amazon token
 * endpoint. AuthKeeper talks to it over real HTTP exactly as it talks to Amazon, so it answers with
 * the parameters, redirects and error bodies Amazon uses (DESIGN.md, "Amazon facts").
 *
 * <p>Plain Java so that a JUnit test resource and the local-run startup bean can both start it. It
 * never writes a token, code, secret or state to a log or to the console.
 */
public final class SimulatedAmazon implements AutoCloseable {

    public static final String DEFAULT_SELLER = "A1SIMULATEDSELLER";

    private static final String CONFIRM_PATH = "/apps/authorize/confirm/";
    private static final Duration LAUNCH_TTL = Duration.ofMinutes(10);
    private static final Duration CODE_TTL = Duration.ofMinutes(5);
    private static final int ACCESS_TOKEN_SECONDS = 3600;
    // Several hundred clients may connect at once; the default backlog (50) would refuse some.
    private static final int BACKLOG = 1024;

    /**
     * @param port        0 for a free port
     * @param loginUri    AuthKeeper's Login URI, where "Authorize app" in Seller Central goes
     * @param redirectUri AuthKeeper's OAuth redirect URI, the only one registered for the app
     */
    public record Settings(int port, String clientId, String clientSecret, String applicationId,
            URI loginUri, URI redirectUri) {

        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(applicationId, "applicationId");
            if (!loginUri.isAbsolute() || !redirectUri.isAbsolute()) {
                throw new IllegalArgumentException("loginUri and redirectUri must be absolute");
            }
        }

        /** A free port and fixed simulated credentials: what tests and the local run need. */
        public static Settings of(URI loginUri, URI redirectUri) {
            return new Settings(0, "amzn1.application-oa2-client.simulated", "simulated-client-secret",
                    "amzn1.sp.solution.simulated", loginUri, redirectUri);
        }

        public Settings withPort(int port) {
            return new Settings(port, clientId, clientSecret, applicationId, loginUri, redirectUri);
        }
    }

    /** How one of the next token calls misbehaves. */
    public sealed interface Fault {

        /** Answers this status with a JSON error body, and Retry-After (whole seconds) when given. */
        record Status(int status, Optional<Duration> retryAfter) implements Fault {
            public Status {
                if (status < 400 || status > 599) {
                    throw new IllegalArgumentException("not an error status: " + status);
                }
                Objects.requireNonNull(retryAfter, "retryAfter");
            }

            public Status(int status) {
                this(status, Optional.empty());
            }
        }

        /** Waits this long and then answers normally, to provoke client timeouts. */
        record Hang(Duration duration) implements Fault {
            public Hang {
                Objects.requireNonNull(duration, "duration");
            }
        }

        /**
         * Answers exactly this instead of looking at the request: a proxy's HTML page, a success
         * without a refresh token, an error code LWA has never sent.
         */
        record Answer(int status, String contentType, String body) implements Fault {
            public Answer {
                if (status < 200 || status > 599) {
                    throw new IllegalArgumentException("not a final HTTP status: " + status);
                }
                Objects.requireNonNull(contentType, "contentType");
                Objects.requireNonNull(body, "body");
            }
        }

        /**
         * Answers normally, but sends the body {@code bytes} at a time, one portion per
         * {@code interval}, after the headers: an answer that is never silent and yet never done in time.
         */
        record Trickle(Duration interval, int bytes) implements Fault {
            public Trickle {
                if (!interval.isPositive() || bytes < 1) {
                    throw new IllegalArgumentException("a trickle needs a positive interval and at least one byte");
                }
            }
        }
    }

    private record Launch(String sellingPartnerId, Instant expiresAt) {}

    private record Code(String sellingPartnerId, URI redirectUri, Instant expiresAt) {}

    private record Authorization(String sellingPartnerId, String refreshToken, Instant issuedAt, boolean revoked) {}

    private final Settings settings;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();

    // Launches, codes and authorizations change together (a code becomes an authorization that
    // supersedes another), so one lock guards all three; no I/O or sleep happens while holding it.
    private final Object lock = new Object();
    private final Map<String, Launch> launches = new HashMap<>();
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, Authorization> authorizations = new LinkedHashMap<>();
    /** Refresh token → selling partner, so a refresh costs one look-up even with 100,000 sellers. */
    private final Map<String, String> sellerByRefreshToken = new HashMap<>();

    private volatile boolean clientSecretExpired;
    private volatile boolean outage;
    private volatile boolean rotateRefreshTokens;
    private volatile boolean grantsOfAnotherClient;
    private volatile Duration latency = Duration.ZERO;
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> tokenCallsByGrant = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refreshGrantsBySeller = new ConcurrentHashMap<>();
    private final AtomicInteger codesExchanged = new AtomicInteger();
    private final AtomicInteger tricklesCut = new AtomicInteger();

    private SimulatedAmazon(Settings settings) throws IOException {
        this.settings = settings;
        server = HttpServer.create(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), settings.port()), BACKLOG);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        baseUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public static SimulatedAmazon start(Settings settings) {
        try {
            return new SimulatedAmazon(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the simulated Amazon on port " + settings.port(), e);
        }
    }

    /** Where Seller Central and LWA live, e.g. {@code http://127.0.0.1:PORT}; the token endpoint is {@code /auth/o2/token}. */
    public URI baseUri() {
        return baseUri;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // interrupts exchanges still sleeping in a Hang or latency
    }

    // ---- Java API for tests ----

    /** Issues a code as if the seller had approved, bound to the registered redirect URI. */
    public String authorizationCode(String sellingPartnerId) {
        Objects.requireNonNull(sellingPartnerId, "sellingPartnerId");
        String code = "ANsim" + randomToken(24);
        Instant now = Instant.now();
        synchronized (lock) {
            codes.values().removeIf(c -> c.expiresAt().isBefore(now));
            codes.put(code, new Code(sellingPartnerId, settings.redirectUri(), now.plus(CODE_TTL)));
        }
        return code;
    }

    /** A working refresh token for the seller, as if they had authorized and the code was exchanged. */
    public String issueRefreshToken(String sellingPartnerId) {
        Objects.requireNonNull(sellingPartnerId, "sellingPartnerId");
        synchronized (lock) {
            return authorize(sellingPartnerId, Instant.now());
        }
    }

    /** The seller removes the app in Seller Central: its refresh token stops working. */
    public void revoke(String sellingPartnerId) {
        synchronized (lock) {
            authorizations.computeIfPresent(sellingPartnerId,
                    (id, a) -> new Authorization(id, a.refreshToken(), a.issuedAt(), true));
        }
    }

    public void expireClientSecret(boolean expired) {
        clientSecretExpired = expired;
    }

    public void outage(boolean on) {
        outage = on;
    }

    /**
     * When on, LWA sees every refresh token as issued to another client and answers
     * {@code invalid_grant}: what a client id in the secret that belongs to another app looks like.
     */
    public void grantsOfAnotherClient(boolean on) {
        grantsOfAnotherClient = on;
    }

    /** The seller authorizes again in Seller Central: the revoked authorization works again. */
    public void restore(String sellingPartnerId) {
        synchronized (lock) {
            authorizations.computeIfPresent(sellingPartnerId,
                    (id, a) -> new Authorization(id, a.refreshToken(), a.issuedAt(), false));
        }
    }

    /** When on, every refresh answers a new refresh token and the one presented stops working. */
    public void rotateRefreshTokens(boolean on) {
        rotateRefreshTokens = on;
    }

    public void latency(Duration perTokenCall) {
        latency = Objects.requireNonNull(perTokenCall, "perTokenCall");
    }

    /** The next {@code count} token calls suffer this fault, after any faults already queued. */
    public void failNext(int count, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < count; i++) {
            faults.add(fault);
        }
    }

    /** Every POST to the token endpoint, including faulted and rejected ones. */
    public int tokenCalls() {
        return tokenCalls.get();
    }

    public int tokenCalls(String grantType) {
        AtomicInteger count = tokenCallsByGrant.get(grantType);
        return count == null ? 0 : count.get();
    }

    /**
     * Refresh grants presented with a refresh token issued to this seller, answered or refused: how
     * often the seller's authorization was checked. {@code GET /simulator/refresh-grants} answers all
     * of them as a JSON object.
     */
    public int refreshGrants(String sellingPartnerId) {
        AtomicInteger count = refreshGrantsBySeller.get(sellingPartnerId);
        return count == null ? 0 : count.get();
    }

    public int codesExchanged() {
        return codesExchanged.get();
    }

    /** Trickled answers whose client hung up before they were complete. */
    public int tricklesCut() {
        return tricklesCut.get();
    }

    /** The seller's refresh token that works right now, if any. */
    public Optional<String> refreshTokenOf(String sellingPartnerId) {
        synchronized (lock) {
            return Optional.ofNullable(authorizations.get(sellingPartnerId))
                    .filter(a -> !a.revoked())
                    .map(Authorization::refreshToken);
        }
    }

    public void reset() {
        synchronized (lock) {
            launches.clear();
            codes.clear();
            authorizations.clear();
            sellerByRefreshToken.clear();
        }
        clientSecretExpired = false;
        outage = false;
        rotateRefreshTokens = false;
        grantsOfAnotherClient = false;
        latency = Duration.ZERO;
        faults.clear();
        tokenCalls.set(0);
        tokenCallsByGrant.clear();
        refreshGrantsBySeller.clear();
        codesExchanged.set(0);
        tricklesCut.set(0);
    }

    // ---- state transitions ----

    private String launch(String sellingPartnerId) {
        String amazonState = randomToken(24);
        Instant now = Instant.now();
        synchronized (lock) {
            launches.values().removeIf(l -> l.expiresAt().isBefore(now));
            launches.put(amazonState, new Launch(sellingPartnerId, now.plus(LAUNCH_TTL)));
        }
        return amazonState;
    }

    private Optional<Launch> launchOf(String amazonState) {
        Instant now = Instant.now();
        synchronized (lock) {
            return Optional.ofNullable(amazonState == null ? null : launches.get(amazonState))
                    .filter(l -> l.expiresAt().isAfter(now));
        }
    }

    private Optional<Launch> consumeLaunch(String amazonState) {
        Instant now = Instant.now();
        synchronized (lock) {
            return Optional.ofNullable(amazonState == null ? null : launches.remove(amazonState))
                    .filter(l -> l.expiresAt().isAfter(now));
        }
    }

    /** The new refresh token, which supersedes the seller's previous authorization. */
    private Optional<String> redeem(String code, String redirectUri) {
        Instant now = Instant.now();
        synchronized (lock) {
            Code issued = codes.get(code);
            if (issued == null || !issued.expiresAt().isAfter(now)
                    || !issued.redirectUri().toString().equals(redirectUri)) {
                return Optional.empty();
            }
            codes.remove(code);
            codesExchanged.incrementAndGet();
            return Optional.of(authorize(issued.sellingPartnerId(), now));
        }
    }

    /** A new authorization that supersedes the seller's previous one; call with the lock held. */
    private String authorize(String sellingPartnerId, Instant now) {
        String refreshToken = "Atzr|" + randomToken(48);
        // Remove first so the table lists authorizations in the order they were last issued.
        Authorization previous = authorizations.remove(sellingPartnerId);
        if (previous != null) {
            sellerByRefreshToken.remove(previous.refreshToken());
        }
        authorizations.put(sellingPartnerId, new Authorization(sellingPartnerId, refreshToken, now, false));
        sellerByRefreshToken.put(refreshToken, sellingPartnerId);
        return refreshToken;
    }

    /** The refresh token to answer: the same one, or its replacement while rotation is on. */
    private Optional<String> refresh(String refreshToken) {
        synchronized (lock) {
            String seller = sellerByRefreshToken.get(refreshToken);
            if (seller != null) {
                refreshGrantsBySeller.computeIfAbsent(seller, s -> new AtomicInteger()).incrementAndGet();
            }
            Authorization a = seller == null ? null : authorizations.get(seller);
            if (a == null || a.revoked() || !a.refreshToken().equals(refreshToken)) {
                return Optional.empty();
            }
            if (!rotateRefreshTokens) {
                return Optional.of(refreshToken);
            }
            String next = "Atzr|" + randomToken(48);
            sellerByRefreshToken.remove(refreshToken);
            sellerByRefreshToken.put(next, seller);
            authorizations.put(seller, new Authorization(seller, next, a.issuedAt(), false));
            return Optional.of(next);
        }
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ---- HTTP ----

    /** A request Amazon would refuse with an error page; the message never echoes a value. */
    private static final class Rejected extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String route = path.startsWith(CONFIRM_PATH) ? CONFIRM_PATH + "{applicationId}" : path;
            switch (ex.getRequestMethod() + " " + route) {
                case "GET /" -> home(ex);
                case "GET /simulator/launch" -> launch(ex);
                case "GET " + CONFIRM_PATH + "{applicationId}" -> confirmPage(ex, path.substring(CONFIRM_PATH.length()));
                case "POST " + CONFIRM_PATH + "{applicationId}" -> confirmDecision(ex, path.substring(CONFIRM_PATH.length()));
                case "GET /apps/authorize/consent" -> consentPage(ex);
                case "POST /apps/authorize/consent" -> consentDecision(ex);
                case "POST /auth/o2/token" -> token(ex);
                case "GET /simulator/refresh-grants" ->
                        send(ex, 200, "application/json;charset=UTF-8", json.writeValueAsBytes(refreshGrantsBySeller));
                case "POST /simulator/revoke" -> {
                    revoke(required(form(ex), "selling_partner_id"));
                    seeOther(ex, "/");
                }
                case "POST /simulator/client-secret-expired" -> {
                    expireClientSecret(Boolean.parseBoolean(form(ex).get("on")));
                    seeOther(ex, "/");
                }
                case "POST /simulator/outage" -> {
                    outage(Boolean.parseBoolean(form(ex).get("on")));
                    seeOther(ex, "/");
                }
                default -> html(ex, 404, "Not found", "<p>There is no such page in the simulated Seller Central.</p>");
            }
        } catch (Rejected e) {
            html(ex, 400, "Request refused", "<p>" + escape(e.getMessage()) + "</p>");
        } catch (IllegalArgumentException e) { // malformed percent-encoding
            html(ex, 400, "Request refused", "<p>The request is malformed.</p>");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the simulator is closing
        } finally {
            ex.close();
        }
    }

    private void home(HttpExchange ex) throws IOException {
        List<Authorization> issued;
        synchronized (lock) {
            issued = new ArrayList<>(authorizations.values());
        }
        StringBuilder rows = new StringBuilder();
        for (Authorization a : issued) {
            rows.append("<tr><td>").append(escape(a.sellingPartnerId()))
                    .append("</td><td>").append(a.issuedAt().truncatedTo(ChronoUnit.SECONDS))
                    .append("</td><td>").append(a.revoked() ? "revoked" : "active").append("</td><td>");
            if (!a.revoked()) {
                rows.append("<form method=\"post\" action=\"/simulator/revoke\">")
                        .append(hidden("selling_partner_id", a.sellingPartnerId()))
                        .append("<button>Revoke</button></form>");
            }
            rows.append("</td></tr>");
        }
        String body = "<p>App <b>AuthKeeper</b>, application id <code>" + escape(settings.applicationId())
                + "</code>, Login URI <code>" + escape(settings.loginUri().toString()) + "</code>.</p>"
                + "<h2>Authorize an app</h2>"
                + "<form method=\"get\" action=\"/simulator/launch\">"
                + "<label>Selling partner id <input name=\"selling_partner_id\" value=\"" + DEFAULT_SELLER + "\"></label> "
                + "<button>Authorize AuthKeeper</button></form>"
                + "<h2>Authorizations</h2>"
                + (issued.isEmpty() ? "<p>None yet.</p>"
                        : "<table><tr><th>Selling partner id</th><th>Issued at</th><th>Status</th><th></th></tr>"
                                + rows + "</table>")
                + "<h2>Login with Amazon</h2>"
                + toggle("Client secret expired", "/simulator/client-secret-expired", clientSecretExpired)
                + toggle("LWA outage", "/simulator/outage", outage);
        html(ex, 200, "Simulated Seller Central (local only)", body);
    }

    private static String toggle(String label, String action, boolean on) {
        return "<form method=\"post\" action=\"" + action + "\">" + label + ": <b>" + (on ? "on" : "off") + "</b> "
                + hidden("on", Boolean.toString(!on)) + "<button>Turn " + (on ? "off" : "on") + "</button></form>";
    }

    /** Seller Central calls the app's Login URI exactly like this when the seller clicks "Authorize app". */
    private void launch(HttpExchange ex) throws IOException {
        String seller = required(query(ex), "selling_partner_id");
        String callback = baseUri + CONFIRM_PATH + settings.applicationId();
        redirect(ex, withQuery(settings.loginUri(),
                "amazon_callback_uri", callback,
                "amazon_state", launch(seller),
                "selling_partner_id", seller,
                "version", "beta"));
    }

    private void confirmPage(HttpExchange ex, String applicationId) throws IOException {
        Map<String, String> q = query(ex);
        requireApp(applicationId, q.get("redirect_uri"));
        Launch launch = launchOf(q.get("amazon_state"))
                .orElseThrow(() -> new Rejected("amazon_state is unknown or expired: start again from Seller Central."));
        String state = required(q, "state");
        String body = "<p>AuthKeeper wants access to selling partner account <b>" + escape(launch.sellingPartnerId())
                + "</b>.</p>"
                + "<form method=\"post\" action=\"" + escape(CONFIRM_PATH + applicationId) + "\">"
                + hidden("state", state) + hidden("amazon_state", q.get("amazon_state"))
                + signedInAs(launch.sellingPartnerId()) + decisionButtons() + "</form>";
        html(ex, 200, "Confirm authorization", body);
    }

    private void confirmDecision(HttpExchange ex, String applicationId) throws IOException {
        Map<String, String> f = form(ex);
        requireApp(applicationId, null);
        String state = required(f, "state");
        String decision = decision(f);
        Launch launch = consumeLaunch(f.get("amazon_state"))
                .orElseThrow(() -> new Rejected("amazon_state is unknown, expired or already used: start again from Seller Central."));
        String seller = Optional.ofNullable(nonBlank(f.get("selling_partner_id"))).orElse(launch.sellingPartnerId());
        decide(ex, decision, state, seller);
    }

    private void consentPage(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        requireApp(required(q, "application_id"), q.get("redirect_uri"));
        String state = required(q, "state");
        String body = "<p>AuthKeeper wants access to your selling partner account.</p>"
                + "<form method=\"post\" action=\"/apps/authorize/consent\">"
                + hidden("application_id", settings.applicationId()) + hidden("state", state)
                + signedInAs(DEFAULT_SELLER) + decisionButtons() + "</form>";
        html(ex, 200, "Authorize AuthKeeper", body);
    }

    private void consentDecision(HttpExchange ex) throws IOException {
        Map<String, String> f = form(ex);
        requireApp(required(f, "application_id"), null);
        decide(ex, decision(f), required(f, "state"), required(f, "selling_partner_id"));
    }

    private void requireApp(String applicationId, String redirectUri) {
        if (!settings.applicationId().equals(applicationId)) {
            throw new Rejected("This application id is not known to Seller Central.");
        }
        if (redirectUri != null && !settings.redirectUri().toString().equals(redirectUri)) {
            throw new Rejected("redirect_uri is not registered for this app");
        }
    }

    private static String signedInAs(String sellingPartnerId) {
        return "<p><label>Signed in to Amazon as <input name=\"selling_partner_id\" value=\""
                + escape(sellingPartnerId) + "\"></label></p>";
    }

    private static String decisionButtons() {
        return "<button name=\"decision\" value=\"approve\">Approve</button> "
                + "<button name=\"decision\" value=\"deny\">Deny</button>";
    }

    private static String decision(Map<String, String> form) {
        String decision = form.get("decision");
        if (!"approve".equals(decision) && !"deny".equals(decision)) {
            throw new Rejected("Choose Approve or Deny.");
        }
        return decision;
    }

    private void decide(HttpExchange ex, String decision, String state, String seller) throws IOException {
        if (decision.equals("approve")) {
            redirect(ex, withQuery(settings.redirectUri(),
                    "state", state, "selling_partner_id", seller, "spapi_oauth_code", authorizationCode(seller)));
        } else {
            redirect(ex, withQuery(settings.redirectUri(),
                    "state", state, "error", "access_denied",
                    "error_description", "The seller declined the authorization"));
        }
    }

    // ---- LWA token endpoint ----

    /** One answer of the token endpoint, built first and then sent at once or trickled. */
    private record Reply(int status, String contentType, byte[] body, Optional<String> retryAfter) {
    }

    private void token(HttpExchange ex) throws IOException, InterruptedException {
        tokenCalls.incrementAndGet();
        Map<String, String> p = tokenParameters(ex);
        String grantType = p == null ? null : nonBlank(p.get("grant_type"));
        if (grantType != null) {
            tokenCallsByGrant.computeIfAbsent(grantType, g -> new AtomicInteger()).incrementAndGet();
        }
        Fault fault = faults.poll();
        if (fault instanceof Fault.Hang hang) {
            Thread.sleep(hang.duration());
        }
        Thread.sleep(latency);
        Reply reply = switch (fault) {
            case Fault.Status status -> injected(status);
            case Fault.Answer canned -> new Reply(canned.status(), canned.contentType(),
                    canned.body().getBytes(StandardCharsets.UTF_8), Optional.empty());
            case null, default -> answer(p, grantType);
        };
        if (fault instanceof Fault.Trickle trickle) {
            trickle(ex, reply, trickle);
        } else {
            reply.retryAfter().ifPresent(seconds -> ex.getResponseHeaders().set("Retry-After", seconds));
            send(ex, reply.status(), reply.contentType(), reply.body());
        }
    }

    private Reply answer(Map<String, String> p, String grantType) throws IOException {
        if (outage) {
            return tokenError(500, "server_error", "Internal server error");
        } else if (p == null) {
            return tokenError(400, "invalid_request", "The request is malformed");
        } else if (clientSecretExpired || !settings.clientId().equals(p.get("client_id"))
                || !settings.clientSecret().equals(p.get("client_secret"))) {
            return tokenError(401, "invalid_client", "Client authentication failed");
        } else if (grantType == null) {
            return missing("grant_type");
        } else if (grantType.equals("refresh_token") && grantsOfAnotherClient) {
            return tokenError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
        }
        return switch (grantType) {
            case "authorization_code" -> exchangeCode(p);
            case "refresh_token" -> refreshGrant(p);
            default -> tokenError(400, "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server");
        };
    }

    /** An error body in LWA's shape for the injected status; 401 is LWA's exact invalid_client. */
    private Reply injected(Fault.Status fault) throws IOException {
        int status = fault.status();
        Reply reply = switch (status) {
            case 401 -> tokenError(status, "invalid_client", "Client authentication failed");
            case 429 -> tokenError(status, "too_many_requests", "Rate exceeded");
            case 503 -> tokenError(status, "temporarily_unavailable", "Service unavailable");
            default -> status >= 500
                    ? tokenError(status, "server_error", "Internal server error")
                    : tokenError(status, "invalid_request", "Simulated failure");
        };
        // Whole seconds, rounded up.
        Optional<String> retryAfter = fault.retryAfter().map(d -> Long.toString(d.plusMillis(999).toSeconds()));
        return new Reply(reply.status(), reply.contentType(), reply.body(), retryAfter);
    }

    private Reply exchangeCode(Map<String, String> p) throws IOException {
        String code = nonBlank(p.get("code"));
        String redirectUri = nonBlank(p.get("redirect_uri"));
        if (code == null) {
            return missing("code");
        } else if (redirectUri == null) {
            return missing("redirect_uri");
        }
        Optional<String> refreshToken = redeem(code, redirectUri);
        if (refreshToken.isPresent()) {
            return tokens(refreshToken.get());
        }
        return tokenError(400, "invalid_grant", "The request has an invalid grant parameter : code");
    }

    private Reply refreshGrant(Map<String, String> p) throws IOException {
        String presented = nonBlank(p.get("refresh_token"));
        if (presented == null) {
            return missing("refresh_token");
        }
        Optional<String> refreshToken = refresh(presented);
        if (refreshToken.isPresent()) {
            return tokens(refreshToken.get());
        }
        return tokenError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
    }

    /** The body's parameters, or null when it is neither a form nor a JSON object. */
    private Map<String, String> tokenParameters(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String type = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("Content-Type"), "");
        try {
            if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                return parameters(new String(body, StandardCharsets.UTF_8));
            }
            if (!(json.readTree(body) instanceof ObjectNode object)) {
                return null;
            }
            Map<String, String> p = new HashMap<>();
            object.fieldNames().forEachRemaining(name -> {
                JsonNode value = object.get(name);
                if (value.isValueNode() && !value.isNull()) {
                    p.put(name, value.asText());
                }
            });
            return p;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    private Reply tokens(String refreshToken) throws IOException {
        ObjectNode body = json.createObjectNode()
                .put("access_token", "Atza|" + randomToken(48))
                .put("refresh_token", refreshToken)
                .put("token_type", "bearer")
                .put("expires_in", ACCESS_TOKEN_SECONDS);
        return jsonReply(200, body);
    }

    private Reply missing(String parameter) throws IOException {
        return tokenError(400, "invalid_request", "The request is missing a required parameter : " + parameter);
    }

    /** LWA's error body: error_description first, then error. */
    private Reply tokenError(int status, String error, String description) throws IOException {
        return jsonReply(status, json.createObjectNode().put("error_description", description).put("error", error));
    }

    private Reply jsonReply(int status, ObjectNode body) throws IOException {
        return new Reply(status, "application/json;charset=UTF-8", json.writeValueAsBytes(body), Optional.empty());
    }

    /** The headers at once, then the body a few bytes per interval, until it is complete or the client hangs up. */
    private void trickle(HttpExchange ex, Reply reply, Fault.Trickle trickle) throws IOException, InterruptedException {
        byte[] body = reply.body();
        sendHeaders(ex, reply.status(), reply.contentType(), body.length);
        OutputStream out = ex.getResponseBody();
        try {
            for (int at = 0; at < body.length; at += trickle.bytes()) {
                Thread.sleep(trickle.interval());
                out.write(body, at, Math.min(trickle.bytes(), body.length - at));
                out.flush();
            }
        } catch (IOException e) {
            tricklesCut.incrementAndGet();
        }
    }

    // ---- HTTP helpers ----

    private static Map<String, String> query(HttpExchange ex) {
        return parameters(ex.getRequestURI().getRawQuery());
    }

    private static Map<String, String> form(HttpExchange ex) throws IOException {
        return parameters(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Percent-decodes a query string or form body; the first of duplicate parameters wins. */
    static Map<String, String> parameters(String raw) {
        Map<String, String> p = new LinkedHashMap<>();
        if (raw == null) {
            return p;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            p.putIfAbsent(name, value);
        }
        return p;
    }

    private static String required(Map<String, String> parameters, String name) {
        String value = nonBlank(parameters.get(name));
        if (value == null) {
            throw new Rejected(name + " is missing.");
        }
        return value;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String withQuery(URI base, String... namesAndValues) {
        StringBuilder uri = new StringBuilder(base.toString());
        char separator = base.getRawQuery() == null ? '?' : '&';
        for (int i = 0; i < namesAndValues.length; i += 2) {
            uri.append(separator)
                    .append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
            separator = '&';
        }
        return uri.toString();
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        send(ex, 302, null, new byte[0]);
    }

    private static void seeOther(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        send(ex, 303, null, new byte[0]);
    }

    private static void html(HttpExchange ex, int status, String title, String body) throws IOException {
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>"
                + "body{font-family:system-ui,sans-serif;margin:0;color:#111}"
                + "header{background:#232f3e;color:#fff;padding:.8em 1.5em;font-weight:600}"
                + "main{max-width:46em;padding:1em 1.5em}"
                + "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left}"
                + "form{margin:.5em 0}button{background:#ffd814;border:1px solid #fcd200;border-radius:6px;padding:.3em 1em}"
                + "</style></head><body><header>Simulated Seller Central (local only)</header><main><h1>"
                + escape(title) + "</h1>" + body + "</main></body></html>";
        send(ex, status, "text/html;charset=UTF-8", page.getBytes(StandardCharsets.UTF_8));
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        sendHeaders(ex, status, contentType, body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private static void sendHeaders(HttpExchange ex, int status, String contentType, int contentLength) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store"); // tokens and one-time codes must not be cached
        ex.sendResponseHeaders(status, contentLength == 0 ? -1 : contentLength);
    }
}
