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
import java.time.Clock;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Amazon's side of SP-API authorization, simulated at the HTTP boundary for the tests and the local
 * run only: Seller Central's home, confirm and consent pages, the Login with Amazon token endpoint
 * and SP-API's rotateApplicationClientSecret, for several apps. AuthKeeper talks to it over real
 * HTTP exactly as it talks to Amazon, so it answers with the parameters, redirects and error bodies
 * Amazon uses (DESIGN.md, "Amazon facts"). A rotation sends Amazon's NEW_SECRET notification to the
 * configured sink (the local notifications queue) and keeps the old secret valid for seven days on
 * a clock tests can move.
 *
 * <p>Plain Java so that a JUnit test resource and the local-run startup bean can both start it. It
 * never writes a token, code, secret or state to a log or to the console.
 */
public final class SimulatedAmazon implements AutoCloseable {

    public static final String DEFAULT_SELLER = "A1SIMULATEDSELLER";

    private static final String CONFIRM_PATH = "/apps/authorize/confirm/";
    private static final String ROTATE_PATH = "/applications/2023-11-30/clientSecret";
    private static final String ROTATION_SCOPE = "sellingpartnerapi::client_credential:rotation";
    /** After a rotation the old client secret keeps working this long. */
    public static final Duration OLD_SECRET_GRACE = Duration.ofDays(7);
    private static final Duration SECRET_LIFETIME = Duration.ofDays(180);
    /** rotateApplicationClientSecret's rate: 0.0167 calls a second, burst 1. */
    private static final Duration ROTATE_INTERVAL = Duration.ofSeconds(60);
    private static final Duration LAUNCH_TTL = Duration.ofMinutes(10);
    private static final Duration CODE_TTL = Duration.ofMinutes(5);
    private static final int ACCESS_TOKEN_SECONDS = 3600;
    // Several hundred clients may connect at once; the default backlog (50) would refuse some.
    private static final int BACKLOG = 1024;

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

    private record Launch(String app, String sellingPartnerId, Instant expiresAt) {}

    private record Code(String app, String sellingPartnerId, URI redirectUri, Instant expiresAt) {}

    private record Authorization(String app, String sellingPartnerId, String refreshToken, Instant issuedAt, boolean revoked) {
        String key() {
            return authorizationKey(app, sellingPartnerId);
        }
    }

    /** An app's client secrets: the current one, and the one before while it still works. */
    private record ClientSecrets(String current, Instant issuedAt, Optional<String> previous, Instant previousValidUntil,
            Optional<Instant> lastRotateCall) {
        boolean accepts(String secret, Instant now) {
            return current.equals(secret) || previous.filter(secret::equals).isPresent() && now.isBefore(previousValidUntil);
        }
    }

    /** A grantless token of the rotation scope. */
    private record Grantless(String app, Instant expiresAt) {}

    /** Replaced, never changed, when an app is registered while running. */
    private volatile Settings settings;
    private volatile Optional<SqsClient> notificationsClient = Optional.empty();
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
    /** By app and selling partner ({@link #authorizationKey}). */
    private final Map<String, Authorization> authorizations = new LinkedHashMap<>();
    /** Refresh token → authorization key, so a refresh costs one look-up even with 100,000 sellers. */
    private final Map<String, String> authorizationByRefreshToken = new HashMap<>();
    /** By app name; guarded by {@link #lock}. */
    private final Map<String, ClientSecrets> clientSecrets = new HashMap<>();
    private final Map<String, Grantless> grantlessTokens = new ConcurrentHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    private volatile Optional<Consumer<String>> notifications = Optional.empty();

    private volatile boolean clientSecretExpired;
    private final java.util.Set<String> expiredApps = ConcurrentHashMap.newKeySet();
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
        resetClientSecrets();
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
        notificationsClient.ifPresent(SqsClient::close);
        server.stop(0);
        executor.shutdownNow(); // interrupts exchanges still sleeping in a Hang or latency
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
        String code = "ANsim" + randomToken(24);
        Instant now = Instant.now();
        synchronized (lock) {
            codes.values().removeIf(c -> c.expiresAt().isBefore(now));
            codes.put(code, new Code(registered.name(), sellingPartnerId, registered.redirectUri(), now.plus(CODE_TTL)));
        }
        return code;
    }

    /** A working refresh token of the first app for the seller, as if they had authorized and the code was exchanged. */
    public String issueRefreshToken(String sellingPartnerId) {
        return issueRefreshToken(settings.defaultApp().name(), sellingPartnerId);
    }

    /** A working refresh token of {@code app} for the seller. */
    public String issueRefreshToken(String app, String sellingPartnerId) {
        Objects.requireNonNull(sellingPartnerId, "sellingPartnerId");
        synchronized (lock) {
            return authorize(settings.app(app).name(), sellingPartnerId, Instant.now());
        }
    }

    /** The seller removes the (first) app in Seller Central: its refresh token stops working. */
    public void revoke(String sellingPartnerId) {
        revoke(settings.defaultApp().name(), sellingPartnerId);
    }

    public void revoke(String app, String sellingPartnerId) {
        synchronized (lock) {
            authorizations.computeIfPresent(authorizationKey(app, sellingPartnerId),
                    (key, a) -> new Authorization(a.app(), a.sellingPartnerId(), a.refreshToken(), a.issuedAt(), true));
        }
    }

    /** Every app's client secret is refused (or accepted again). */
    public void expireClientSecret(boolean expired) {
        clientSecretExpired = expired;
    }

    /** One app's client secret is refused (or accepted again). */
    public void expireClientSecret(String app, boolean expired) {
        if (expired) {
            expiredApps.add(settings.app(app).name());
        } else {
            expiredApps.remove(app);
        }
    }

    /** The clock that client secrets expire by and notifications are dated with; a test's clock can move it. */
    public void clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Where notifications go (Amazon delivers them to the SQS queue registered for the app). */
    public void notifications(Consumer<String> sink) {
        this.notifications = Optional.of(sink);
    }

    /** Registers another app while running, as a new app registration in the Developer Console. */
    public void register(App app) {
        synchronized (lock) {
            if (settings.apps().stream().anyMatch(a -> a.name().equals(app.name()) || a.applicationId().equals(app.applicationId()))) {
                throw new Rejected("An app of that name or application id is registered already.");
            }
            settings = settings.withApp(app);
            clientSecrets.put(app.name(), new ClientSecrets(app.clientSecret(), clock.instant(), Optional.empty(), Instant.EPOCH,
                    Optional.empty()));
        }
    }

    /** The app's previous client secret stops working now, as it does seven days after a rotation. */
    public void expirePreviousClientSecret(String app) {
        synchronized (lock) {
            ClientSecrets secrets = clientSecrets.get(settings.app(app).name());
            clientSecrets.put(settings.app(app).name(), new ClientSecrets(secrets.current(), secrets.issuedAt(), secrets.previous(),
                    clock.instant(), secrets.lastRotateCall()));
        }
    }

    /** No queue registered: rotateApplicationClientSecret answers "not enrolled for rotation notification". */
    public void notEnrolled() {
        this.notifications = Optional.empty();
    }

    /** The app's client secret that works now (the newest one). */
    public String clientSecret(String app) {
        synchronized (lock) {
            return clientSecrets.get(settings.app(app).name()).current();
        }
    }

    /**
     * What rotateApplicationClientSecret does: a new client secret, the old one valid seven more days,
     * and the NEW_SECRET notification, with Amazon's payload, sent to the sink.
     */
    public void rotateClientSecret(String app) {
        String name = settings.app(app).name();
        Instant now = clock.instant();
        String secret = "amzn1.oa2-cs.v1." + randomToken(32);
        ClientSecrets before;
        synchronized (lock) {
            before = clientSecrets.get(name);
            clientSecrets.put(name, new ClientSecrets(secret, now, Optional.of(before.current()), now.plus(OLD_SECRET_GRACE),
                    before.lastRotateCall()));
        }
        notify(newSecretNotification(settings.app(name), secret, now));
    }

    /** Amazon's APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notice for the app's current secret, expiring at {@code expiresAt}. */
    public void sendExpiryNotice(String app, Instant expiresAt) {
        App registered = settings.app(app);
        ObjectNode expiry = json.createObjectNode()
                .put("clientId", registered.clientId())
                .put("clientSecretExpiryTime", expiresAt.toString())
                .put("clientSecretExpiryReason", "PERIODIC_ROTATION");
        notify(notification(registered, "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY", "applicationOAuthClientSecretExpiry", expiry,
                clock.instant()));
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

    /** The seller authorizes again in Seller Central: the revoked authorization (of the first app) works again. */
    public void restore(String sellingPartnerId) {
        synchronized (lock) {
            authorizations.computeIfPresent(authorizationKey(settings.defaultApp().name(), sellingPartnerId),
                    (key, a) -> new Authorization(a.app(), a.sellingPartnerId(), a.refreshToken(), a.issuedAt(), false));
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

    /** The seller's refresh token of the first app that works right now, if any. */
    public Optional<String> refreshTokenOf(String sellingPartnerId) {
        synchronized (lock) {
            return Optional.ofNullable(authorizations.get(authorizationKey(settings.defaultApp().name(), sellingPartnerId)))
                    .filter(a -> !a.revoked())
                    .map(Authorization::refreshToken);
        }
    }

    public void reset() {
        synchronized (lock) {
            launches.clear();
            codes.clear();
            authorizations.clear();
            authorizationByRefreshToken.clear();
        }
        resetClientSecrets();
        grantlessTokens.clear();
        expiredApps.clear();
        clock = Clock.systemUTC();
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

    private void resetClientSecrets() {
        synchronized (lock) {
            clientSecrets.clear();
            for (App app : settings.apps()) {
                clientSecrets.put(app.name(), new ClientSecrets(app.clientSecret(), Instant.now(), Optional.empty(), Instant.EPOCH,
                        Optional.empty()));
            }
        }
    }

    static String authorizationKey(String app, String sellingPartnerId) {
        return app + "|" + sellingPartnerId;
    }

    private String launch(String app, String sellingPartnerId) {
        String amazonState = randomToken(24);
        Instant now = Instant.now();
        synchronized (lock) {
            launches.values().removeIf(l -> l.expiresAt().isBefore(now));
            launches.put(amazonState, new Launch(app, sellingPartnerId, now.plus(LAUNCH_TTL)));
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

    /** The new refresh token, which supersedes the seller's previous authorization of the app; only the app's own codes. */
    private Optional<String> redeem(String app, String code, String redirectUri) {
        Instant now = Instant.now();
        synchronized (lock) {
            Code issued = codes.get(code);
            if (issued == null || !issued.expiresAt().isAfter(now) || !issued.app().equals(app)
                    || !issued.redirectUri().toString().equals(redirectUri)) {
                return Optional.empty();
            }
            codes.remove(code);
            codesExchanged.incrementAndGet();
            return Optional.of(authorize(app, issued.sellingPartnerId(), now));
        }
    }

    /** A new authorization that supersedes the seller's previous one of the app; call with the lock held. */
    private String authorize(String app, String sellingPartnerId, Instant now) {
        String refreshToken = "Atzr|" + randomToken(48);
        String key = authorizationKey(app, sellingPartnerId);
        // Remove first so the table lists authorizations in the order they were last issued.
        Authorization previous = authorizations.remove(key);
        if (previous != null) {
            authorizationByRefreshToken.remove(previous.refreshToken());
        }
        authorizations.put(key, new Authorization(app, sellingPartnerId, refreshToken, now, false));
        authorizationByRefreshToken.put(refreshToken, key);
        return refreshToken;
    }

    /** The refresh token to answer: the same one, or its replacement while rotation is on; only the app's own tokens. */
    private Optional<String> refresh(String app, String refreshToken) {
        synchronized (lock) {
            String key = authorizationByRefreshToken.get(refreshToken);
            Authorization a = key == null ? null : authorizations.get(key);
            if (a != null) {
                refreshGrantsBySeller.computeIfAbsent(a.sellingPartnerId(), s -> new AtomicInteger()).incrementAndGet();
            }
            if (a == null || a.revoked() || !a.app().equals(app) || !a.refreshToken().equals(refreshToken)) {
                return Optional.empty();
            }
            if (!rotateRefreshTokens) {
                return Optional.of(refreshToken);
            }
            String next = "Atzr|" + randomToken(48);
            authorizationByRefreshToken.remove(refreshToken);
            authorizationByRefreshToken.put(next, key);
            authorizations.put(key, new Authorization(a.app(), a.sellingPartnerId(), next, a.issuedAt(), false));
            return Optional.of(next);
        }
    }

    /** The app whose credentials these are, if the client id is known and the secret works now. */
    private Optional<App> client(Map<String, String> p) {
        Instant now = clock.instant();
        return settings.apps().stream().filter(a -> a.clientId().equals(p.get("client_id"))).findFirst()
                .filter(a -> !clientSecretExpired && !expiredApps.contains(a.name()))
                .filter(a -> {
                    synchronized (lock) {
                        return clientSecrets.get(a.name()).accepts(String.valueOf(p.get("client_secret")), now);
                    }
                });
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
                case "POST " + ROTATE_PATH -> rotateCall(ex);
                case "GET /simulator/refresh-grants" ->
                        send(ex, 200, "application/json;charset=UTF-8", json.writeValueAsBytes(refreshGrantsBySeller));
                case "POST /simulator/revoke" -> {
                    Map<String, String> f = form(ex);
                    revoke(appNamed(f.get("app")).name(), required(f, "selling_partner_id"));
                    seeOther(ex, "/");
                }
                case "POST /simulator/rotate" -> {
                    rotateClientSecret(appNamed(form(ex).get("app")).name());
                    seeOther(ex, "/");
                }
                case "POST /simulator/apps" -> {
                    Map<String, String> f = form(ex);
                    register(new App(required(f, "name"), required(f, "application_id"), required(f, "client_id"),
                            required(f, "client_secret"), URI.create(required(f, "login_uri")), URI.create(required(f, "redirect_uri")),
                            Boolean.parseBoolean(f.get("draft"))));
                    seeOther(ex, "/");
                }
                case "POST /simulator/notifications" -> {
                    enroll(URI.create(required(form(ex), "queue_url")));
                    seeOther(ex, "/");
                }
                case "POST /simulator/expire-previous" -> {
                    expirePreviousClientSecret(appNamed(form(ex).get("app")).name());
                    seeOther(ex, "/");
                }
                case "POST /simulator/expiry-notice" -> {
                    App app = appNamed(form(ex).get("app"));
                    Instant issued;
                    synchronized (lock) {
                        issued = clientSecrets.get(app.name()).issuedAt();
                    }
                    sendExpiryNotice(app.name(), issued.plus(SECRET_LIFETIME));
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
        Map<String, ClientSecrets> secrets;
        synchronized (lock) {
            issued = new ArrayList<>(authorizations.values());
            secrets = new HashMap<>(clientSecrets);
        }
        StringBuilder rows = new StringBuilder();
        for (Authorization a : issued) {
            rows.append("<tr><td>").append(escape(a.app())).append("</td><td>").append(escape(a.sellingPartnerId()))
                    .append("</td><td>").append(a.issuedAt().truncatedTo(ChronoUnit.SECONDS))
                    .append("</td><td>").append(a.revoked() ? "revoked" : "active").append("</td><td>");
            if (!a.revoked()) {
                rows.append("<form method=\"post\" action=\"/simulator/revoke\">")
                        .append(hidden("app", a.app())).append(hidden("selling_partner_id", a.sellingPartnerId()))
                        .append("<button>Revoke</button></form>");
            }
            rows.append("</td></tr>");
        }
        StringBuilder apps = new StringBuilder();
        Instant now = clock.instant();
        for (App app : settings.apps()) {
            ClientSecrets secret = secrets.get(app.name());
            apps.append("<h2>App <b>").append(escape(app.name())).append("</b>").append(app.draft() ? " (draft)" : "").append("</h2>")
                    .append("<p>Application id <code>").append(escape(app.applicationId())).append("</code>, Login URI <code>")
                    .append(escape(app.loginUri().toString())).append("</code>, redirect URI <code>")
                    .append(escape(app.redirectUri().toString())).append("</code>.</p>")
                    .append("<form method=\"get\" action=\"/simulator/launch\">").append(hidden("app", app.name()))
                    .append("<label>Selling partner id <input name=\"selling_partner_id\" value=\"").append(DEFAULT_SELLER)
                    .append("\"></label> <button>Authorize ").append(escape(app.name())).append("</button></form>")
                    .append("<p>Client secret issued ").append(secret.issuedAt().truncatedTo(ChronoUnit.SECONDS))
                    .append(secret.previous().isPresent() && now.isBefore(secret.previousValidUntil())
                            ? "; the previous one works until " + secret.previousValidUntil().truncatedTo(ChronoUnit.SECONDS) : "")
                    .append(".</p>")
                    .append("<form method=\"post\" action=\"/simulator/rotate\">").append(hidden("app", app.name()))
                    .append("<button>Rotate client secret</button> (what rotateApplicationClientSecret does: a new secret, sent "
                            + "to the notifications queue; the old one works seven more days)</form>")
                    .append("<form method=\"post\" action=\"/simulator/expiry-notice\">").append(hidden("app", app.name()))
                    .append("<button>Send expiry notice</button></form>");
        }
        String body = apps
                + "<h2>Authorizations</h2>"
                + (issued.isEmpty() ? "<p>None yet.</p>"
                        : "<table><tr><th>App</th><th>Selling partner id</th><th>Issued at</th><th>Status</th><th></th></tr>"
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
        Map<String, String> q = query(ex);
        String seller = required(q, "selling_partner_id");
        App app = appNamed(q.get("app"));
        String callback = baseUri + CONFIRM_PATH + app.applicationId();
        String amazonState = launch(app.name(), seller);
        redirect(ex, app.draft()
                ? withQuery(app.loginUri(), "amazon_callback_uri", callback, "amazon_state", amazonState, "selling_partner_id", seller,
                        "version", "beta")
                : withQuery(app.loginUri(), "amazon_callback_uri", callback, "amazon_state", amazonState, "selling_partner_id", seller));
    }

    private void confirmPage(HttpExchange ex, String applicationId) throws IOException {
        Map<String, String> q = query(ex);
        App app = requireApp(applicationId, q.get("redirect_uri"));
        Launch launch = launchOf(q.get("amazon_state")).filter(l -> l.app().equals(app.name()))
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
        App app = requireApp(applicationId, null);
        String state = required(f, "state");
        String decision = decision(f);
        Launch launch = consumeLaunch(f.get("amazon_state")).filter(l -> l.app().equals(app.name()))
                .orElseThrow(() -> new Rejected("amazon_state is unknown, expired or already used: start again from Seller Central."));
        String seller = Optional.ofNullable(nonBlank(f.get("selling_partner_id"))).orElse(launch.sellingPartnerId());
        decide(ex, app, decision, state, seller);
    }

    private void consentPage(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        App app = requireApp(required(q, "application_id"), q.get("redirect_uri"));
        String state = required(q, "state");
        String body = "<p>The app " + escape(app.name()) + " wants access to your selling partner account.</p>"
                + "<form method=\"post\" action=\"/apps/authorize/consent\">"
                + hidden("application_id", app.applicationId()) + hidden("state", state)
                + signedInAs(DEFAULT_SELLER) + decisionButtons() + "</form>";
        html(ex, 200, "Authorize " + app.name(), body);
    }

    private void consentDecision(HttpExchange ex) throws IOException {
        Map<String, String> f = form(ex);
        App app = requireApp(required(f, "application_id"), null);
        decide(ex, app, decision(f), required(f, "state"), required(f, "selling_partner_id"));
    }

    private App requireApp(String applicationId, String redirectUri) {
        App app = settings.apps().stream().filter(a -> a.applicationId().equals(applicationId)).findFirst()
                .orElseThrow(() -> new Rejected("This application id is not known to Seller Central."));
        if (redirectUri != null && !app.redirectUri().toString().equals(redirectUri)) {
            throw new Rejected("redirect_uri is not registered for this app");
        }
        return app;
    }

    /** The app a simulator form names; the first one when it names none. */
    private App appNamed(String name) {
        if (name == null || name.isBlank()) {
            return settings.defaultApp();
        }
        return settings.apps().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new Rejected("There is no such app in the simulated Seller Central."));
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

    private void decide(HttpExchange ex, App app, String decision, String state, String seller) throws IOException {
        if (decision.equals("approve")) {
            redirect(ex, withQuery(app.redirectUri(),
                    "state", state, "selling_partner_id", seller, "spapi_oauth_code", authorizationCode(app.name(), seller)));
        } else {
            redirect(ex, withQuery(app.redirectUri(),
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
        }
        Optional<App> client = client(p);
        if (client.isEmpty()) {
            return tokenError(401, "invalid_client", "Client authentication failed");
        } else if (grantType == null) {
            return missing("grant_type");
        } else if (grantType.equals("refresh_token") && grantsOfAnotherClient) {
            return tokenError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
        }
        return switch (grantType) {
            case "authorization_code" -> exchangeCode(client.get(), p);
            case "refresh_token" -> refreshGrant(client.get(), p);
            case "client_credentials" -> grantless(client.get(), p);
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

    private Reply exchangeCode(App app, Map<String, String> p) throws IOException {
        String code = nonBlank(p.get("code"));
        String redirectUri = nonBlank(p.get("redirect_uri"));
        if (code == null) {
            return missing("code");
        } else if (redirectUri == null) {
            return missing("redirect_uri");
        }
        Optional<String> refreshToken = redeem(app.name(), code, redirectUri);
        if (refreshToken.isPresent()) {
            return tokens(refreshToken.get());
        }
        return tokenError(400, "invalid_grant", "The request has an invalid grant parameter : code");
    }

    private Reply refreshGrant(App app, Map<String, String> p) throws IOException {
        String presented = nonBlank(p.get("refresh_token"));
        if (presented == null) {
            return missing("refresh_token");
        }
        Optional<String> refreshToken = refresh(app.name(), presented);
        if (refreshToken.isPresent()) {
            return tokens(refreshToken.get());
        }
        return tokenError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
    }

    /** A grantless token: only for the rotation scope, with no refresh token, as LWA answers it. */
    private Reply grantless(App app, Map<String, String> p) throws IOException {
        if (!ROTATION_SCOPE.equals(p.get("scope"))) {
            return tokenError(400, "invalid_scope", "The request has an invalid parameter : scope");
        }
        String token = "Atc|" + randomToken(48);
        grantlessTokens.put(token, new Grantless(app.name(), clock.instant().plusSeconds(ACCESS_TOKEN_SECONDS)));
        return jsonReply(200, json.createObjectNode().put("access_token", token).put("token_type", "bearer")
                .put("expires_in", ACCESS_TOKEN_SECONDS));
    }

    // ---- SP-API: rotateApplicationClientSecret ----

    /** 204 and a rotation; SP-API's error shape otherwise. */
    private void rotateCall(HttpExchange ex) throws IOException {
        String token = ex.getRequestHeaders().getFirst("x-amz-access-token");
        Grantless grantless = token == null ? null : grantlessTokens.get(token);
        Instant now = clock.instant();
        if (grantless == null || !grantless.expiresAt().isAfter(now)) {
            spApiError(ex, 403, "Unauthorized", "Access to requested resource is denied.");
            return;
        }
        if (notifications.isEmpty()) {
            spApiError(ex, 400, "InvalidInput", "Application is not enrolled for rotation notification.");
            return;
        }
        synchronized (lock) {
            ClientSecrets secrets = clientSecrets.get(grantless.app());
            if (secrets.lastRotateCall().filter(at -> at.plus(ROTATE_INTERVAL).isAfter(now)).isPresent()) {
                spApiError(ex, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
                return;
            }
            clientSecrets.put(grantless.app(), new ClientSecrets(secrets.current(), secrets.issuedAt(), secrets.previous(),
                    secrets.previousValidUntil(), Optional.of(now)));
        }
        rotateClientSecret(grantless.app());
        send(ex, 204, null, new byte[0]);
    }

    private void spApiError(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message);
        send(ex, status, "application/json", json.writeValueAsBytes(body));
    }

    // ---- notifications ----

    /** Notifications go to this SQS queue (on the local emulator), as registered under Notification Preferences. */
    private void enroll(URI queueUrl) {
        SqsClient sqs = LocalProvisioning.sqs(URI.create(queueUrl.getScheme() + "://" + queueUrl.getAuthority()));
        notificationsClient.ifPresent(SqsClient::close);
        notificationsClient = Optional.of(sqs);
        notifications(body -> sqs.sendMessage(r -> r.queueUrl(queueUrl.toString()).messageBody(body)));
    }

    private String newSecretNotification(App app, String secret, Instant now) {
        ObjectNode payload = json.createObjectNode()
                .put("clientId", app.clientId())
                .put("newClientSecret", secret)
                .put("newClientSecretExpiryTime", now.plus(SECRET_LIFETIME).toString())
                .put("oldClientSecretExpiryTime", now.plus(OLD_SECRET_GRACE).toString());
        return notification(app, "APPLICATION_OAUTH_CLIENT_NEW_SECRET", "applicationOAuthClientNewSecret", payload, now);
    }

    /** A notification exactly as Amazon delivers it to the app's queue. */
    private String notification(App app, String type, String payloadName, ObjectNode payload, Instant now) {
        ObjectNode notification = json.createObjectNode()
                .put("notificationVersion", "1.0")
                .put("notificationType", type)
                .put("payloadVersion", "2023-11-30")
                .put("eventTime", now.toString());
        notification.putObject("payload").set(payloadName, payload);
        notification.putObject("notificationMetadata")
                .put("applicationId", app.applicationId())
                .put("subscriptionId", UUID.nameUUIDFromBytes(app.applicationId().getBytes(StandardCharsets.UTF_8)).toString())
                .put("publishTime", now.plusMillis(1250).toString())
                .put("notificationId", UUID.randomUUID().toString());
        return notification.toString();
    }

    private void notify(String notification) {
        notifications.orElseThrow(() -> new Rejected("The apps are not enrolled for notifications: no queue is registered."))
                .accept(notification);
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
