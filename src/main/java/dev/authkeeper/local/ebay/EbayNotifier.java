package dev.authkeeper.local.ebay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * eBay's notifications, simulated: each signed with the simulator's ECDSA key as
 * {@code X-EBAY-SIGNATURE} (base64 JSON of {@code alg, kid, signature, digest}), the key published
 * by {@code kid}, and the endpoint validation ({@code GET ?challenge_code=…}).
 */
final class EbayNotifier implements AutoCloseable {

    /** One delivery; {@code status} is the app's HTTP answer, 0 when none came. */
    record Delivery(String notificationId, String body, String signature, int status) {}

    private final Supplier<Instant> now;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final KeyPair key = ecKey();
    private final KeyPair forger = ecKey();
    private final String kid = UUID.randomUUID().toString();
    private final Map<String, Delivery> sent = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    EbayNotifier(Supplier<Instant> now) {
        this.now = now;
    }

    String kid() {
        return kid;
    }

    /** The public key as eBay's Notification API answers it: one PEM string whose lines run together. */
    String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded()) + "-----END PUBLIC KEY-----";
    }

    Delivery send(URI endpoint, String topic, ObjectNode data, boolean forged) {
        String id = UUID.randomUUID().toString();
        ObjectNode message = json.createObjectNode();
        message.putObject("metadata").put("topic", topic).put("schemaVersion", "1.0").put("deprecated", false);
        ObjectNode notification = message.putObject("notification");
        notification.put("notificationId", id).put("eventDate", now.get().toString()).put("publishDate", now.get().toString())
                .put("publishAttemptCount", 1);
        notification.set("data", data);
        String body = message.toString();
        return deliver(endpoint, id, body, signature(body, forged ? forger : key));
    }

    /** The header eBay would send with {@code body}. */
    String sign(String body) {
        return signature(body, key);
    }

    Delivery resend(URI endpoint, String notificationId) {
        Delivery first = sent.get(notificationId);
        if (first == null) {
            throw new IllegalArgumentException("no notification " + notificationId + " was sent");
        }
        return deliver(endpoint, notificationId, first.body(), first.signature());
    }

    Delivery deliver(URI endpoint, String id, String body, String signature) {
        var request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json");
        if (signature != null) {
            request.header("X-EBAY-SIGNATURE", signature);
        }
        int status;
        try {
            status = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        var delivery = new Delivery(id, body, signature, status);
        sent.putIfAbsent(id, delivery);
        deliveries.add(delivery);
        return delivery;
    }

    /** eBay's endpoint validation: whether the endpoint answers 200 with the expected challenge response. */
    boolean validate(URI endpoint, String verificationToken) {
        String code = UUID.randomUUID().toString().replace("-", "");
        try {
            var answer = http.send(HttpRequest.newBuilder(URI.create(endpoint + "?challenge_code=" + code)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((code + verificationToken + endpoint).getBytes(StandardCharsets.UTF_8)));
            return answer.statusCode() == 200 && expected.equals(json.readTree(answer.body()).path("challengeResponse").asText());
        } catch (IOException | GeneralSecurityException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    void reset() {
        sent.clear();
        deliveries.clear();
    }

    @Override
    public void close() {
        http.close();
    }

    private String signature(String body, KeyPair signer) {
        try {
            Signature ecdsa = Signature.getInstance("SHA1withECDSA");
            ecdsa.initSign(signer.getPrivate());
            ecdsa.update(body.getBytes(StandardCharsets.UTF_8));
            ObjectNode header = json.createObjectNode().put("alg", "ecdsa").put("kid", kid)
                    .put("signature", Base64.getEncoder().encodeToString(ecdsa.sign())).put("digest", "SHA1");
            return Base64.getEncoder().encodeToString(header.toString().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKey() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
