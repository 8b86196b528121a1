package dev.authkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.authkeeper.local.LocalDynamoDb;
import dev.authkeeper.local.LocalMiniStack;
import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The real components a test runs against: DynamoDB Local in this JVM, MiniStack (KMS, SNS, SQS,
 * Secrets Manager) as a child process, and the simulated Amazon endpoints, each on a free loopback
 * port. Two apps are configured, {@code default} and {@link #DRAFT_APP}, their client secrets in
 * MiniStack's Secrets Manager (reached through a proxy a test can cut); the simulated Amazon sends
 * their notifications to a MiniStack queue. Tests receive the {@link SimulatedAmazon} and the
 * {@link LocalAws} endpoints through fields of those types.
 */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {

    public static final String TABLE = "authkeeper-test";
    public static final String KEY_ALIAS = "alias/authkeeper-test";
    public static final String EVENT_BUS = "authkeeper-test-events";
    /** The second app: a draft, on /login/draft and /callback/draft. */
    public static final String DRAFT_APP = "draft";
    public static final String DRAFT_APPLICATION_ID = "amzn1.sp.solution.simulated-draft";
    public static final String DRAFT_CLIENT_ID = "amzn1.application-oa2-client.simulateddraft";
    /** A Shopify app beside Amazon's: launched at /login/shopify, redirected to /callback/shopify, webhooks to /notifications/shopify. */
    public static final String SHOPIFY_APP = "shopify";
    /** An eBay app: consent names its RuName, eBay sends the seller to /callback/ebay, notifications to /notifications/ebay. */
    public static final String EBAY_APP = "ebay";
    public static final String EBAY_RU_NAME = "AuthKeeper_Test-AuthKeep-test-PRD-abcdefgh";
    public static final String EBAY_VERIFICATION_TOKEN = "authkeeper-test-verification-token-0123456789";
    public static final List<String> EBAY_SCOPES = List.of("https://api.ebay.com/oauth/api_scope/sell.inventory",
            "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly");
    /** A TikTok Shop app: consent by its service id, redirected to /callback/tiktok, webhooks to /notifications/tiktok. */
    public static final String TIKTOK_APP = "tiktok";
    public static final String TIKTOK_APP_KEY = "tiktok-test-app-key";
    /** An Etsy app: its consent links from the status page and /v1, redirected to /callback/etsy. */
    public static final String ETSY_APP = "etsy";

    private LocalDynamoDb dynamo;
    private LocalMiniStack ministack;
    private SimulatedAmazon amazon;
    private SimulatedShopify shopify;
    private SimulatedEbay ebay;
    private SimulatedTikTokShop tiktok;
    private SimulatedEtsy etsy;
    private ToggleProxy snsProxy;
    private ToggleProxy secretsProxy;
    private SqsClient notificationsSqs;
    private LocalAws aws;

    @Override
    public Map<String, String> start() {
        dynamo = LocalDynamoDb.start(freePort());
        ministack = LocalMiniStack.start(Path.of(".venv", "bin", "ministack"), freePort());
        snsProxy = new ToggleProxy(ministack.endpoint());
        secretsProxy = new ToggleProxy(ministack.endpoint());
        var base = provision(dynamo.endpoint(), ministack.endpoint(), snsProxy);
        URI publicBaseUrl = base.publicBaseUrl();
        amazon = SimulatedAmazon.start(SimulatedAmazon.Settings.of(URI.create(publicBaseUrl + "/login"), URI.create(publicBaseUrl + "/callback"))
                .withApp(new SimulatedAmazon.App(DRAFT_APP, DRAFT_APPLICATION_ID, DRAFT_CLIENT_ID, "simulated-draft-client-secret",
                        URI.create(publicBaseUrl + "/login/" + DRAFT_APP), URI.create(publicBaseUrl + "/callback/" + DRAFT_APP), true)));
        shopify = SimulatedShopify.start(shopifySettings(publicBaseUrl));
        ebay = SimulatedEbay.start(ebaySettings(publicBaseUrl));
        tiktok = SimulatedTikTokShop.start(tiktokSettings(publicBaseUrl));
        etsy = SimulatedEtsy.start(etsySettings(publicBaseUrl));
        var marketplaceSecrets = createMarketplaceSecrets(ministack.endpoint(), shopify.settings(), etsy.settings(), ebay.settings(),
                tiktok.settings());
        String notificationsQueue = LocalProvisioning.createNotificationsQueue(ministack.endpoint(), "authkeeper-test-notifications", 5);
        notificationsSqs = LocalProvisioning.sqs(ministack.endpoint());
        amazon.notifications(body -> notificationsSqs.sendMessage(r -> r.queueUrl(notificationsQueue).messageBody(body)));
        var secrets = new LocalAws.AppSecrets(
                LocalProvisioning.createClientSecret(ministack.endpoint(), "authkeeper-test-app-default", amazon.settings().clientSecret()),
                LocalProvisioning.createClientSecret(ministack.endpoint(), "authkeeper-test-app-draft",
                        amazon.settings().app(DRAFT_APP).clientSecret()));
        aws = base.withApps(secretsProxy, secrets, notificationsQueue);

        var config = config(aws, amazon.settings(), amazon.baseUri(), snsProxy.endpoint());
        // Client secrets are read from Secrets Manager while running, as in a deployment.
        config.put("authkeeper.amazon.client-secret-id", secrets.defaultApp());
        config.put("authkeeper.amazon.apps", "[{\"name\":\"" + DRAFT_APP + "\",\"applicationId\":\"" + DRAFT_APPLICATION_ID
                + "\",\"clientId\":\"" + DRAFT_CLIENT_ID + "\",\"secretId\":\"" + secrets.draftApp() + "\",\"draft\":true}]");
        config.putAll(marketplaceConfig(marketplaceSecrets, shopify.baseUri(), etsy.baseUri(), ebay.baseUri(), tiktok.baseUri()));
        config.put("authkeeper.secrets-endpoint", secretsProxy.endpoint().toString());
        config.put("authkeeper.app-credentials.notifications-queue-arn", "arn:aws:sqs:us-east-1:000000000000:authkeeper-test-notifications");
        config.put("quarkus.rest-client.sp-api.url", amazon.baseUri().toString());
        return config;
    }

    /** The Shopify app of the tests, launched at and sending shops back to {@code publicBaseUrl}. */
    public static SimulatedShopify.Settings shopifySettings(URI publicBaseUrl) {
        return new SimulatedShopify.Settings(0, List.of(new SimulatedShopify.App(SHOPIFY_APP, "shopify-test-client-id",
                "shopify-test-client-secret", URI.create(publicBaseUrl + "/login/" + SHOPIFY_APP), URI.create(publicBaseUrl + "/callback/" + SHOPIFY_APP),
                URI.create(publicBaseUrl + "/notifications/" + SHOPIFY_APP), List.of("read_orders", "read_products"))));
    }

    /** The eBay app of the tests, its RuName accepted at {@code publicBaseUrl}. */
    public static SimulatedEbay.Settings ebaySettings(URI publicBaseUrl) {
        return new SimulatedEbay.Settings(0, List.of(new SimulatedEbay.App(EBAY_APP, "ebay-test-client-id", "ebay-test-client-secret",
                EBAY_RU_NAME, URI.create(publicBaseUrl + "/callback/" + EBAY_APP), EBAY_SCOPES,
                URI.create(publicBaseUrl + "/notifications/" + EBAY_APP), EBAY_VERIFICATION_TOKEN)));
    }

    /** The TikTok Shop app of the tests, redirecting to {@code publicBaseUrl}. */
    public static SimulatedTikTokShop.Settings tiktokSettings(URI publicBaseUrl) {
        return new SimulatedTikTokShop.Settings(0, List.of(new SimulatedTikTokShop.App(TIKTOK_APP, "tiktok-test-service-id", TIKTOK_APP_KEY,
                "tiktok-test-app-secret", URI.create(publicBaseUrl + "/callback/" + TIKTOK_APP), URI.create(publicBaseUrl + "/notifications/" + TIKTOK_APP))));
    }

    /** The Etsy app of the tests, redirecting to {@code publicBaseUrl}. */
    public static SimulatedEtsy.Settings etsySettings(URI publicBaseUrl) {
        return new SimulatedEtsy.Settings(0, List.of(new SimulatedEtsy.App(ETSY_APP, "etsy-test-keystring", "etsy-test-shared-secret",
                URI.create(publicBaseUrl + "/callback/" + ETSY_APP))));
    }

    /** The ARNs of the client secrets of the Shopify, Etsy, eBay and TikTok Shop apps in Secrets Manager. */
    public record MarketplaceSecrets(String shopify, String etsy, String ebay, String tiktok) {
    }

    /** Stores the client secrets of those apps, as their simulators know them, in MiniStack's Secrets Manager. */
    public static MarketplaceSecrets createMarketplaceSecrets(URI ministackEndpoint, SimulatedShopify.Settings shopify,
            SimulatedEtsy.Settings etsy, SimulatedEbay.Settings ebay, SimulatedTikTokShop.Settings tiktok) {
        return new MarketplaceSecrets(
                LocalProvisioning.createClientSecret(ministackEndpoint, "authkeeper-test-app-shopify", shopify.defaultApp().clientSecret()),
                LocalProvisioning.createClientSecret(ministackEndpoint, "authkeeper-test-app-etsy", etsy.defaultApp().sharedSecret()),
                LocalProvisioning.createClientSecret(ministackEndpoint, "authkeeper-test-app-ebay", ebay.defaultApp().clientSecret()),
                LocalProvisioning.createClientSecret(ministackEndpoint, "authkeeper-test-app-tiktok", tiktok.app(TIKTOK_APP).appSecret()));
    }

    /** The application's configuration of those apps and of their simulators' addresses. */
    public static Map<String, String> marketplaceConfig(MarketplaceSecrets secrets, URI shopify, URI etsy, URI ebay, URI tiktok) {
        var config = new HashMap<String, String>();
        config.put("authkeeper.apps", "[{\"marketplace\":\"shopify\",\"name\":\"" + SHOPIFY_APP + "\",\"clientId\":\"shopify-test-client-id\","
                + "\"secretId\":\"" + secrets.shopify() + "\",\"scopes\":[\"read_orders\",\"read_products\"]},"
                + "{\"marketplace\":\"etsy\",\"name\":\"" + ETSY_APP + "\",\"clientId\":\"etsy-test-keystring\",\"secretId\":\"" + secrets.etsy()
                + "\",\"scopes\":[\"shops_r\",\"transactions_r\"]},"
                + "{\"marketplace\":\"ebay\",\"name\":\"" + EBAY_APP + "\",\"clientId\":\"ebay-test-client-id\",\"applicationId\":\""
                + EBAY_RU_NAME + "\",\"secretId\":\"" + secrets.ebay() + "\",\"scopes\":[\"" + String.join("\",\"", EBAY_SCOPES) + "\"]}"
                + ",{\"marketplace\":\"tiktok\",\"name\":\"" + TIKTOK_APP + "\",\"applicationId\":\"tiktok-test-service-id\","
                + "\"clientId\":\"" + TIKTOK_APP_KEY + "\",\"secretId\":\"" + secrets.tiktok() + "\"}]");
        config.put("authkeeper.tiktok.simulated-base", tiktok.toString());
        config.put("authkeeper.shopify.simulated-base", shopify.toString());
        config.put("authkeeper.etsy.simulated-base", etsy.toString());
        config.put("authkeeper.ebay.simulated-base", ebay.toString());
        config.put("authkeeper.ebay.verification-token", EBAY_VERIFICATION_TOKEN);
        return config;
    }

    /** The table, the key, the topics, the sweep queue and the event bus, on DynamoDB at {@code dynamoEndpoint} and MiniStack. */
    public static LocalAws provision(URI dynamoEndpoint, URI ministackEndpoint, ToggleProxy snsProxy) {
        int gatewayPort = freePort();
        URI publicBaseUrl = URI.create("http://127.0.0.1:" + gatewayPort);
        LocalProvisioning.createTable(dynamoEndpoint, TABLE);
        String keyId = LocalProvisioning.createKey(ministackEndpoint, KEY_ALIAS);
        var topics = LocalProvisioning.createTopics(ministackEndpoint, "authkeeper-test");
        String sweepQueue = LocalProvisioning.createSweepQueue(ministackEndpoint, "authkeeper-test-sweep-units");
        String eventsQueue = LocalProvisioning.createEventBus(ministackEndpoint, EVENT_BUS, "authkeeper");
        return new LocalAws(dynamoEndpoint, ministackEndpoint, keyId, publicBaseUrl, gatewayPort, topics, snsProxy, sweepQueue,
                eventsQueue, null, null, null);
    }

    /**
     * The application's configuration for these components: SNS through {@code snsEndpoint}, LWA at {@code amazonBaseUri};
     * the default app's client secret is the caller's to configure.
     */
    public static Map<String, String> config(LocalAws aws, SimulatedAmazon.Settings amazon, URI amazonBaseUri, URI snsEndpoint) {
        var config = new HashMap<String, String>();
        config.put("authkeeper.table", TABLE);
        config.put("authkeeper.kms.key-id", KEY_ALIAS);
        config.put("authkeeper.public-base-url", aws.publicBaseUrl().toString());
        config.put("authkeeper.local.gateway-port", Integer.toString(aws.gatewayPort()));
        config.put("authkeeper.amazon.simulated-central", amazonBaseUri.toString());
        config.put("authkeeper.amazon.application-id", amazon.applicationId());
        config.put("authkeeper.amazon.client-id", amazon.clientId());
        config.put("quarkus.rest-client.lwa.url", amazonBaseUri.toString());
        config.put("authkeeper.alerts.merchant-topic-arn", aws.topics().merchantTopicArn());
        config.put("authkeeper.alerts.operator-topic-arn", aws.topics().operatorTopicArn());
        config.put("authkeeper.alerts.event-bus-name", EVENT_BUS);
        config.put("authkeeper.alerts.event-bus-endpoint", aws.ministackEndpoint().toString());
        config.put("authkeeper.sweep.queue-url", aws.sweepQueueUrl());
        var endpoints = Map.of("dynamodb", aws.dynamoEndpoint(), "kms", aws.ministackEndpoint(), "sns", snsEndpoint,
                "sqs", aws.ministackEndpoint());
        for (String service : endpoints.keySet()) {
            config.put("quarkus." + service + ".endpoint-override", endpoints.get(service).toString());
            config.put("quarkus." + service + ".aws.region", LocalProvisioning.REGION);
            config.put("quarkus." + service + ".aws.credentials.type", "static");
            config.put("quarkus." + service + ".aws.credentials.static-provider.access-key-id", LocalProvisioning.ACCESS_KEY);
            config.put("quarkus." + service + ".aws.credentials.static-provider.secret-access-key", LocalProvisioning.SECRET_KEY);
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(amazon, new TestInjector.MatchesType(SimulatedAmazon.class));
        injector.injectIntoFields(shopify, new TestInjector.MatchesType(SimulatedShopify.class));
        injector.injectIntoFields(ebay, new TestInjector.MatchesType(SimulatedEbay.class));
        injector.injectIntoFields(tiktok, new TestInjector.MatchesType(SimulatedTikTokShop.class));
        injector.injectIntoFields(etsy, new TestInjector.MatchesType(SimulatedEtsy.class));
        injector.injectIntoFields(aws, new TestInjector.MatchesType(LocalAws.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {amazon, shopify, etsy, ebay, tiktok, notificationsSqs, snsProxy, secretsProxy, ministack, dynamo}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
