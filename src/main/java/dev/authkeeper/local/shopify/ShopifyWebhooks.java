package dev.authkeeper.local.shopify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.local.shopify.SimulatedShopify.App;
import dev.authkeeper.local.shopify.SimulatedShopify.Delivery;
import dev.authkeeper.local.simulator.Rejected;
import dev.authkeeper.shopify.ShopifyHmac;

/**
 * Webhook deliveries to an app's webhook URL over real HTTP, signed and labelled as Shopify does
 * it; each delivery's answer is recorded for the tests. A resend repeats the webhook id.
 */
final class ShopifyWebhooks implements AutoCloseable {

    static final String API_VERSION = "2026-10";
    // Shopify gives an endpoint five seconds to answer.
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What a resend repeats: everything but the signature, which is computed again. */
    private record Event(App app, String shop, String topic, String webhookId, String eventId, Instant triggeredAt, byte[] body) {}

    private final Supplier<Instant> now;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Event> events = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();

    ShopifyWebhooks(Supplier<Instant> now) {
        this.now = now;
    }

    @Override
    public void close() {
        http.close();
    }

    /** A new event of {@code topic} with this payload, delivered once; {@code forged} signs it with a wrong key. */
    Delivery send(App app, String shop, String topic, ObjectNode payload, boolean forged) {
        Event event = new Event(app, shop, topic, UUID.randomUUID().toString(), UUID.randomUUID().toString(), now.get(),
                payload.toString().getBytes(StandardCharsets.UTF_8));
        events.put(event.webhookId(), event);
        return deliver(event, forged);
    }

    /** Delivers the event again, with the same webhook id, as Shopify's retries do. */
    Delivery resend(String webhookId) {
        Event event = Optional.ofNullable(events.get(webhookId)).orElseThrow(() -> new Rejected("No delivery has that webhook id."));
        return deliver(event, false);
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized void reset() {
        events.clear();
        deliveries.clear();
    }

    private Delivery deliver(Event event, boolean forged) {
        String secret = forged ? "not-" + event.app().clientSecret() : event.app().clientSecret();
        HttpRequest request = HttpRequest.newBuilder(event.app().webhookUrl())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Shopify-Topic", event.topic())
                .header("X-Shopify-Hmac-Sha256", ShopifyHmac.signWebhook(event.body(), new Secret(secret)))
                .header("X-Shopify-Shop-Domain", event.shop())
                .header("X-Shopify-Webhook-Id", event.webhookId())
                .header("X-Shopify-Event-Id", event.eventId())
                .header("X-Shopify-API-Version", API_VERSION)
                .header("X-Shopify-Triggered-At", event.triggeredAt().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(event.body()))
                .build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0; // no answer: refused, cut or timed out
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        Delivery delivery = new Delivery(event.webhookId(), event.topic(), event.shop(), new String(event.body(), StandardCharsets.UTF_8),
                forged, status);
        synchronized (this) {
            deliveries.add(delivery);
        }
        return delivery;
    }
}
