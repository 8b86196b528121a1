package dev.authkeeper.benchmark;

import java.net.URI;
import java.time.Duration;

import dev.authkeeper.app.App;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Seeds;

/**
 * A marketplace as the benchmark seeds its connections: the tests' app, an account id of the
 * marketplace's own form for the n-th connection, where its sellers consent, and how long an
 * authorization lasts (Amazon's yearly re-consent, a 90-day refresh token, eBay's 18 months, a
 * TikTok Shop seller's year).
 */
enum SeededMarketplace {
    AMAZON("amazon", App.DEFAULT, Flow.MARKETPLACE, Duration.ofDays(365)),
    SHOPIFY("shopify", LocalAwsResource.SHOPIFY_APP, Flow.MARKETPLACE, Duration.ofDays(90)),
    ETSY("etsy", LocalAwsResource.ETSY_APP, Flow.WEBSITE, Duration.ofDays(90)),
    EBAY("ebay", LocalAwsResource.EBAY_APP, Flow.WEBSITE, Duration.ofSeconds(47_304_000)),
    TIKTOK("tiktok", LocalAwsResource.TIKTOK_APP, Flow.WEBSITE, SimulatedMarketplacesMain.TIKTOK_PERIOD);

    private final String id;
    private final String app;
    private final Flow flow;
    private final Duration life;

    SeededMarketplace(String id, String app, Flow flow, Duration life) {
        this.id = id;
        this.app = app;
        this.flow = flow;
        this.life = life;
    }

    /** The marketplace by its id ({@code shopify}). */
    static SeededMarketplace of(String id) {
        for (var marketplace : values()) {
            if (marketplace.id.equals(id.trim())) {
                return marketplace;
            }
        }
        throw new IllegalArgumentException("no marketplace " + id + ": amazon, shopify, etsy, ebay or tiktok");
    }

    String id() {
        return id;
    }

    String app() {
        return app;
    }

    Flow flow() {
        return flow;
    }

    Duration life() {
        return life;
    }

    /** The n-th account: a selling partner id, a shop, an Etsy user id, an eBay user id, a TikTok open_id. */
    String account(int n) {
        return switch (this) {
            case AMAZON -> "A1BENCH%07d".formatted(n);
            case SHOPIFY -> "bench-%07d.myshopify.com".formatted(n);
            case ETSY -> "9%07d".formatted(n);
            case EBAY -> "bEnch%07dUsr".formatted(n);
            case TIKTOK -> "bench-seller-%07d".formatted(n);
        };
    }

    ConnectionId connection(String account) {
        return switch (this) {
            case AMAZON -> new ConnectionId(id, "NA", account);
            case TIKTOK -> new ConnectionId(id, "WW", account);
            default -> ConnectionId.of(id, account);
        };
    }

    /** Where the account's seller consented, as the callback stores it. */
    URI origin(String account) {
        return switch (this) {
            case AMAZON -> Seeds.SELLER_CENTRAL;
            case SHOPIFY -> URI.create("https://" + account);
            case ETSY -> URI.create("https://www.etsy.com");
            case EBAY -> URI.create("https://auth.ebay.com");
            case TIKTOK -> URI.create("https://services.tiktokshop.com");
        };
    }
}
