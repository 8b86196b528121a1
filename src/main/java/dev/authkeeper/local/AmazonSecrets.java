package dev.authkeeper.local;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.authkeeper.local.SimulatedAmazon.App;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Rejected;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The simulated Amazon's app credentials: client secrets, their rotation by SP-API's
 * rotateApplicationClientSecret (with grantless tokens of the rotation scope), and the
 * notifications Amazon sends about them to the app's queue.
 */
final class AmazonSecrets implements AutoCloseable {

    static final Duration SECRET_LIFETIME = Duration.ofDays(180);
    /** rotateApplicationClientSecret's rate: 0.0167 calls a second, burst 1. */
    private static final Duration ROTATE_INTERVAL = Duration.ofSeconds(60);

    /** An app's client secrets: the current one, and the one before while it still works. */
    record ClientSecrets(String current, Instant issuedAt, Optional<String> previous, Instant previousValidUntil,
            Optional<Instant> lastRotateCall) {

        static ClientSecrets first(String secret, Instant issuedAt) {
            return new ClientSecrets(secret, issuedAt, Optional.empty(), Instant.EPOCH, Optional.empty());
        }

        boolean accepts(String secret, Instant now) {
            return current.equals(secret) || previous.filter(secret::equals).isPresent() && now.isBefore(previousValidUntil);
        }

        boolean previousWorks(Instant now) {
            return previous.isPresent() && now.isBefore(previousValidUntil);
        }
    }

    /** A grantless token of the rotation scope. */
    private record Grantless(String app, Instant expiresAt) {}

    private final SimulatedAmazon amazon;
    private final ObjectMapper json = new ObjectMapper();
    /** By app name. */
    private final Map<String, ClientSecrets> clientSecrets = new HashMap<>();
    private final Map<String, Grantless> grantlessTokens = new ConcurrentHashMap<>();
    private final Set<String> expiredApps = ConcurrentHashMap.newKeySet();
    private volatile boolean allExpired;
    private volatile Optional<Consumer<String>> notifications = Optional.empty();
    private volatile Optional<SqsClient> notificationsClient = Optional.empty();

    AmazonSecrets(SimulatedAmazon amazon) {
        this.amazon = amazon;
    }

    @Override
    public void close() {
        notificationsClient.ifPresent(SqsClient::close);
    }

    /** Every app back to its first client secret, none expired. */
    synchronized void reset() {
        clientSecrets.clear();
        for (App app : amazon.settings().apps()) {
            clientSecrets.put(app.name(), ClientSecrets.first(app.clientSecret(), Instant.now()));
        }
        grantlessTokens.clear();
        expiredApps.clear();
        allExpired = false;
    }

    synchronized void register(App app) {
        clientSecrets.put(app.name(), ClientSecrets.first(app.clientSecret(), amazon.now()));
    }

    synchronized ClientSecrets of(String app) {
        return clientSecrets.get(app);
    }

    synchronized Map<String, ClientSecrets> all() {
        return new HashMap<>(clientSecrets);
    }

    /** Whether {@code secret} authenticates the app now. */
    boolean accepts(App app, String secret) {
        return !allExpired && !expiredApps.contains(app.name()) && of(app.name()).accepts(secret, amazon.now());
    }

    void expireAll(boolean expired) {
        allExpired = expired;
    }

    boolean allExpired() {
        return allExpired;
    }

    void expire(String app, boolean expired) {
        if (expired) {
            expiredApps.add(app);
        } else {
            expiredApps.remove(app);
        }
    }

    synchronized void expirePrevious(String app) {
        ClientSecrets secrets = clientSecrets.get(app);
        clientSecrets.put(app, new ClientSecrets(secrets.current(), secrets.issuedAt(), secrets.previous(), amazon.now(),
                secrets.lastRotateCall()));
    }

    /** A new client secret, the old one valid seven more days, and the NEW_SECRET notification sent. */
    void rotate(App app) {
        Instant now = amazon.now();
        String secret = "amzn1.oa2-cs.v1." + amazon.newToken(32);
        synchronized (this) {
            ClientSecrets before = clientSecrets.get(app.name());
            clientSecrets.put(app.name(), new ClientSecrets(secret, now, Optional.of(before.current()),
                    now.plus(SimulatedAmazon.OLD_SECRET_GRACE), before.lastRotateCall()));
        }
        notify(newSecretNotification(app, secret, now));
    }

    /** A grantless token of the rotation scope for the app, as LWA issues it. */
    String grantless(App app, int seconds) {
        String token = "Atc|" + amazon.newToken(48);
        grantlessTokens.put(token, new Grantless(app.name(), amazon.now().plusSeconds(seconds)));
        return token;
    }

    /** SP-API's rotateApplicationClientSecret: 204 and a rotation; SP-API's error shape otherwise. */
    void rotateCall(HttpExchange ex) throws IOException {
        String token = ex.getRequestHeaders().getFirst("x-amz-access-token");
        Grantless grantless = token == null ? null : grantlessTokens.get(token);
        Instant now = amazon.now();
        if (grantless == null || !grantless.expiresAt().isAfter(now)) {
            spApiError(ex, 403, "Unauthorized", "Access to requested resource is denied.");
            return;
        }
        if (notifications.isEmpty()) {
            spApiError(ex, 400, "InvalidInput", "Application is not enrolled for rotation notification.");
            return;
        }
        synchronized (this) {
            ClientSecrets secrets = clientSecrets.get(grantless.app());
            if (secrets.lastRotateCall().filter(at -> at.plus(ROTATE_INTERVAL).isAfter(now)).isPresent()) {
                spApiError(ex, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
                return;
            }
            clientSecrets.put(grantless.app(), new ClientSecrets(secrets.current(), secrets.issuedAt(), secrets.previous(),
                    secrets.previousValidUntil(), Optional.of(now)));
        }
        rotate(amazon.settings().app(grantless.app()));
        Http.send(ex, 204, null, new byte[0]);
    }

    private void spApiError(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message);
        Http.send(ex, status, "application/json", json.writeValueAsBytes(body));
    }

    // ---- notifications ----

    void notifications(Optional<Consumer<String>> sink) {
        notifications = sink;
    }

    /** Notifications go to this SQS queue (on the local emulator), as registered under Notification Preferences. */
    void enroll(URI queueUrl) {
        SqsClient sqs = LocalProvisioning.sqs(URI.create(queueUrl.getScheme() + "://" + queueUrl.getAuthority()));
        notificationsClient.ifPresent(SqsClient::close);
        notificationsClient = Optional.of(sqs);
        notifications(Optional.of(body -> sqs.sendMessage(r -> r.queueUrl(queueUrl.toString()).messageBody(body))));
    }

    /** Amazon's APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notice for the app's current secret, expiring at {@code expiresAt}. */
    void sendExpiryNotice(App app, Instant expiresAt) {
        ObjectNode expiry = json.createObjectNode()
                .put("clientId", app.clientId())
                .put("clientSecretExpiryTime", expiresAt.toString())
                .put("clientSecretExpiryReason", "PERIODIC_ROTATION");
        notify(notification(app, "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY", "applicationOAuthClientSecretExpiry", expiry,
                amazon.now()));
    }

    private String newSecretNotification(App app, String secret, Instant now) {
        ObjectNode payload = json.createObjectNode()
                .put("clientId", app.clientId())
                .put("newClientSecret", secret)
                .put("newClientSecretExpiryTime", now.plus(SECRET_LIFETIME).toString())
                .put("oldClientSecretExpiryTime", now.plus(SimulatedAmazon.OLD_SECRET_GRACE).toString());
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
}
