package dev.authkeeper.local;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.amazon.AppNotifications;
import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.ebay.EbayConfig;
import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The simulated marketplaces of the local run: Amazon always, each other marketplace when an app
 * of it is configured. Every app is registered under a fresh client secret that is also put into
 * the app's local Secrets Manager secret (named by its secret id). Amazon's application
 * notifications go to a local queue that the run drains, as the notifications function does in a
 * deployment.
 */
@ApplicationScoped
public class LocalMarketplaces {

    private final LocalConfig local;
    private final AuthKeeperConfig config;
    private final Apps apps;
    private final EbayConfig ebay;
    private final AppNotifications notifications;
    private final AppCredentialsConfig appCredentials;
    private final ObjectMapper json;

    public LocalMarketplaces(LocalConfig local, AuthKeeperConfig config, Apps apps, EbayConfig ebay, AppNotifications notifications,
            AppCredentialsConfig appCredentials, ObjectMapper json) {
        this.local = local;
        this.config = config;
        this.apps = apps;
        this.ebay = ebay;
        this.notifications = notifications;
        this.appCredentials = appCredentials;
        this.json = json;
    }

    /**
     * Starts the simulators, each added to {@code started}, with Amazon's notifications sent to a
     * local queue; answers that queue's consumer, for the run to drain on a schedule.
     */
    LocalNotifications start(URI ministack, SqsClient sqs, List<AutoCloseable> started) {
        var amazon = SimulatedAmazon.start(new SimulatedAmazon.Settings(local.amazonPort(), amazonApps(ministack)));
        started.add(amazon);
        var shopifyApps = shopifyApps(ministack);
        if (!shopifyApps.isEmpty()) {
            started.add(SimulatedShopify.start(new SimulatedShopify.Settings(local.shopifyPort(), shopifyApps)));
        }
        var ebayApps = ebayApps(ministack);
        if (!ebayApps.isEmpty()) {
            started.add(SimulatedEbay.start(new SimulatedEbay.Settings(local.ebayPort(), ebayApps)));
        }
        var tiktokApps = tiktokApps(ministack);
        if (!tiktokApps.isEmpty()) {
            started.add(SimulatedTikTokShop.start(new SimulatedTikTokShop.Settings(local.tiktokPort(), tiktokApps)));
        }
        var etsyApps = etsyApps(ministack);
        if (!etsyApps.isEmpty()) {
            started.add(SimulatedEtsy.start(new SimulatedEtsy.Settings(local.etsyPort(), etsyApps)));
        }
        String queue = LocalProvisioning.createNotificationsQueue(ministack, local.notificationsQueue(), appCredentials.maxReceives());
        amazon.notifications(body -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body)));
        return new LocalNotifications(sqs, queue, notifications, json);
    }

    private List<SimulatedAmazon.App> amazonApps(URI ministack) {
        return appsOf("amazon").map(app -> new SimulatedAmazon.App(app.name(), app.applicationId(), app.clientId(), localSecret(ministack, app),
                URI.create(config.publicBaseUrl() + app.loginPath()), apps.redirectUri(app), app.draft())).toList();
    }

    /** Shopify's deliveries go to each app's notifications route. */
    private List<SimulatedShopify.App> shopifyApps(URI ministack) {
        return appsOf("shopify").map(app -> new SimulatedShopify.App(app.name(), app.clientId(), localSecret(ministack, app),
                URI.create(config.publicBaseUrl() + app.loginPath()), apps.redirectUri(app),
                URI.create(config.publicBaseUrl() + "/notifications/" + app.name()), app.scopes())).toList();
    }

    /** eBay knows each app by its RuName and sends its notifications to the app's route. */
    private List<SimulatedEbay.App> ebayApps(URI ministack) {
        return appsOf("ebay").map(app -> new SimulatedEbay.App(app.name(), app.clientId(), localSecret(ministack, app), app.applicationId(),
                apps.redirectUri(app), app.scopes(), URI.create(config.publicBaseUrl() + "/notifications/" + app.name()),
                ebay.verificationToken().orElse(""))).toList();
    }

    /** TikTok Shop knows each app by its service id and app key. */
    private List<SimulatedTikTokShop.App> tiktokApps(URI ministack) {
        return appsOf("tiktok").map(app -> new SimulatedTikTokShop.App(app.name(), app.applicationId(), app.clientId(),
                localSecret(ministack, app), apps.redirectUri(app), URI.create(config.publicBaseUrl() + "/notifications/" + app.name())))
                .toList();
    }

    private List<SimulatedEtsy.App> etsyApps(URI ministack) {
        return appsOf("etsy").map(app -> new SimulatedEtsy.App(app.name(), app.clientId(), localSecret(ministack, app),
                apps.redirectUri(app))).toList();
    }

    private Stream<App> appsOf(String marketplace) {
        return apps.all().stream().filter(app -> app.marketplace().equals(marketplace));
    }

    private static String localSecret(URI ministack, App app) {
        String secret = "local-" + app.name() + "-" + UUID.randomUUID();
        LocalProvisioning.createClientSecret(ministack, app.secretId().orElseThrow(() -> new IllegalStateException(
                "in the local run every app's client secret lives in the local Secrets Manager: give app " + app.name()
                        + " a secret id")), secret);
        return secret;
    }
}
