package dev.authkeeper.local;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import dev.authkeeper.api.ApiRoute;
import dev.authkeeper.app.App;
import dev.authkeeper.amazon.AppNotifications;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.CredentialsCheck;
import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.ebay.EbayConfig;
import dev.authkeeper.function.AuthorizationFunctions;
import dev.authkeeper.function.ConnectionsPageFunction;
import dev.authkeeper.function.IntegratorApiFunctions;
import dev.authkeeper.function.NotificationFunction;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepWorker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Starts the local run when {@code authkeeper.local.enabled} is set (profile {@code local}):
 * DynamoDB Local, MiniStack (KMS, SNS, SQS, Secrets Manager), the simulated Amazon serving every
 * configured app and the gateway, all on loopback ports. Each app's client secret is put into a
 * local Secrets Manager secret and given to the simulated Amazon; its notifications go to a local
 * queue that the run drains, as the notifications function does in a deployment. The sweep runs on
 * {@code authkeeper.local.sweep-every}, scheduled once everything is provisioned (a sweep before the
 * table exists would only fail), and so does the daily credentials check, more often.
 */
@ApplicationScoped
public class LocalRun {

    private static final Logger LOG = Logger.getLogger(LocalRun.class);

    private final List<AutoCloseable> started = new ArrayList<>();
    private Optional<LocalInbox> inbox = Optional.empty();
    private Optional<LocalEvents> events = Optional.empty();
    private final LocalConfig local;
    private final AuthKeeperConfig config;
    private final AmazonConfig amazon;
    private final AlertConfig alerts;
    private final AuthorizationFunctions functions;
    private final ConnectionsPageFunction connectionsPage;
    private final NotificationFunction notificationFunction;
    private final IntegratorApiFunctions api;
    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final ConnectionRepository connections;
    private final SweepWorker sweep;
    private final SweepPlanner planner;
    private final LocalSweepWorkers workers;
    private final Apps apps;
    private final EbayConfig ebay;
    private final AppNotifications notifications;
    private final CredentialsCheck credentialsCheck;
    private final ObjectMapper json;
    private final Scheduler scheduler;
    private final Clock clock;
    private final int maxReceives;

    public LocalRun(LocalConfig local, AuthKeeperConfig config, AmazonConfig amazon, AlertConfig alerts, AuthorizationFunctions functions,
            ConnectionsPageFunction connectionsPage, NotificationFunction notificationFunction, IntegratorApiFunctions api, MerchantSessions sessions, ReauthorizeLinks links,
            ConnectionRepository connections, SweepPlanner planner, SweepWorker sweep, SqsClient sqs, SweepConfig sweepConfig, Apps apps,
            AppNotifications notifications, CredentialsCheck credentialsCheck, AppCredentialsConfig appCredentials, ObjectMapper json,
            Scheduler scheduler, Clock clock, EbayConfig ebay) {
        this.planner = planner;
        this.ebay = ebay;
        this.apps = apps;
        this.notifications = notifications;
        this.credentialsCheck = credentialsCheck;
        this.maxReceives = appCredentials.maxReceives();
        this.json = json;
        this.workers = new LocalSweepWorkers(sqs, sweepConfig.queueUrl().orElse(""), sweep, json);
        this.sweep = sweep;
        this.scheduler = scheduler;
        this.local = local;
        this.config = config;
        this.amazon = amazon;
        this.alerts = alerts;
        this.functions = functions;
        this.connectionsPage = connectionsPage;
        this.notificationFunction = notificationFunction;
        this.api = api;
        this.sessions = sessions;
        this.links = links;
        this.connections = connections;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        if (!local.enabled()) {
            return;
        }
        URI sellerCentral = amazon.simulatedCentral().orElseThrow(
                () -> new IllegalStateException("the local run needs authkeeper.amazon.simulated-central"));
        if (local.embeddedServices()) {
            var dynamo = LocalDynamoDb.start(local.dynamodbPort());
            started.add(dynamo);
            LocalProvisioning.createTable(dynamo.endpoint(), config.table());
            var ministack = LocalMiniStack.start(local.ministackCommand(), local.ministackPort());
            started.add(ministack);
            LocalProvisioning.createKey(ministack.endpoint(), local.keyAlias());
            var topics = LocalProvisioning.createTopics(ministack.endpoint(), "authkeeper");
            LocalProvisioning.createSweepQueue(ministack.endpoint(), local.sweepQueue());
            String eventsQueue = LocalProvisioning.createEventBus(ministack.endpoint(), alerts.eventBusName(), alerts.eventSource());
            var sqs = LocalProvisioning.sqs(ministack.endpoint());
            started.add(sqs);
            inbox = Optional.of(new LocalInbox(sqs, topics.merchantQueueUrl(), topics.operatorQueueUrl()));
            events = Optional.of(new LocalEvents(sqs, eventsQueue));
            var simulated = SimulatedAmazon.start(new SimulatedAmazon.Settings(local.amazonPort(), simulatedApps(ministack.endpoint())));
            started.add(simulated);
            var shopifyApps = simulatedShopifyApps(ministack.endpoint());
            if (!shopifyApps.isEmpty()) {
                started.add(SimulatedShopify.start(new SimulatedShopify.Settings(local.shopifyPort(), shopifyApps)));
            }
            var ebayApps = simulatedEbayApps(ministack.endpoint());
            if (!ebayApps.isEmpty()) {
                started.add(SimulatedEbay.start(new SimulatedEbay.Settings(local.ebayPort(), ebayApps)));
            }
            var tiktokApps = simulatedTikTokApps(ministack.endpoint());
            if (!tiktokApps.isEmpty()) {
                started.add(SimulatedTikTokShop.start(new SimulatedTikTokShop.Settings(local.tiktokPort(), tiktokApps)));
            }
            var etsyApps = simulatedEtsyApps(ministack.endpoint());
            if (!etsyApps.isEmpty()) {
                started.add(SimulatedEtsy.start(new SimulatedEtsy.Settings(local.etsyPort(), etsyApps)));
            }
            String queue = LocalProvisioning.createNotificationsQueue(ministack.endpoint(), local.notificationsQueue(), maxReceives);
            simulated.notifications(body -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body)));
            var consumer = new LocalNotifications(sqs, queue, notifications, json);
            schedule("local-notifications", "2s", consumer::drain);
        }
        var site = new LocalSite(sessions, links, connections, sweep, inbox, events, config.publicBaseUrl(), sellerCentral, clock);
        started.add(LocalGateway.start(local.gatewayPort(), Map.of(
                "/login", functions::login,
                "/authorize", functions::authorize,
                "/callback", functions::callback,
                "/connections", connectionsPage::connectionsPage), apiRoutes(),
                Map.of("/notifications/", notificationFunction::notifications), site));
        if (!"off".equals(local.sweepEvery())) {
            schedule("local-sweep", local.sweepEvery(), () -> {
                planner.plan();
                workers.drain(2);
            });
        }
        if (!"off".equals(local.credentialsCheckEvery())) {
            schedule("local-credentials-check", local.credentialsCheckEvery(), credentialsCheck::run);
        }
        LOG.infof("AuthKeeper local run ready: open %s/ (simulated Seller Central: %s/)", config.publicBaseUrl(), sellerCentral);
    }

    /** The integrator API's routes, each to its function, as API Gateway's IAM-authorized routes call them. */
    private Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> apiRoutes() {
        var routes = new LinkedHashMap<String, Function<ApiGatewayRequest, ApiGatewayResponse>>();
        for (ApiRoute route : ApiRoute.values()) {
            routes.put(route.routeKey(), route.function().equals(ApiRoute.TOKEN_FUNCTION) ? api::accessToken : api::connections);
        }
        return routes;
    }

    /**
     * Every configured app, registered with the simulated Amazon under a fresh client secret that is
     * also put into the app's local Secrets Manager secret (named by its secret id).
     */
    private List<SimulatedAmazon.App> simulatedApps(URI ministack) {
        return appsOf("amazon").map(app -> new SimulatedAmazon.App(app.name(), app.applicationId(), app.clientId(), localSecret(ministack, app),
                URI.create(config.publicBaseUrl() + app.loginPath()), apps.redirectUri(app), app.draft())).toList();
    }

    /** Every configured Shopify app, registered with the simulated Shopify, its deliveries sent to its notifications route. */
    private List<SimulatedShopify.App> simulatedShopifyApps(URI ministack) {
        return appsOf("shopify").map(app -> new SimulatedShopify.App(app.name(), app.clientId(), localSecret(ministack, app),
                URI.create(config.publicBaseUrl() + app.loginPath()), apps.redirectUri(app),
                URI.create(config.publicBaseUrl() + "/notifications/" + app.name()), app.scopes())).toList();
    }

    /** Every configured eBay app, registered with the simulated eBay under its RuName, its notifications sent to its route. */
    private List<SimulatedEbay.App> simulatedEbayApps(URI ministack) {
        return appsOf("ebay").map(app -> new SimulatedEbay.App(app.name(), app.clientId(), localSecret(ministack, app), app.applicationId(),
                apps.redirectUri(app), app.scopes(), URI.create(config.publicBaseUrl() + "/notifications/" + app.name()),
                ebay.verificationToken().orElse(""))).toList();
    }

    /** Every configured TikTok Shop app, registered with the simulated TikTok Shop by its service id and app key. */
    private List<SimulatedTikTokShop.App> simulatedTikTokApps(URI ministack) {
        return appsOf("tiktok").map(app -> new SimulatedTikTokShop.App(app.name(), app.applicationId(), app.clientId(),
                localSecret(ministack, app), apps.redirectUri(app), URI.create(config.publicBaseUrl() + "/notifications/" + app.name())))
                .toList();
    }

    /** Every configured Etsy app, registered with the simulated Etsy under a fresh shared secret. */
    private List<SimulatedEtsy.App> simulatedEtsyApps(URI ministack) {
        return appsOf("etsy").map(app -> new SimulatedEtsy.App(app.name(), app.clientId(), localSecret(ministack, app),
                apps.redirectUri(app))).toList();
    }

    private Stream<App> appsOf(String marketplace) {
        return apps.all().stream().filter(app -> app.marketplace().equals(marketplace));
    }

    /** A fresh client secret for the app, put into its local Secrets Manager secret (named by its secret id). */
    private static String localSecret(URI ministack, App app) {
        String secret = "local-" + app.name() + "-" + UUID.randomUUID();
        LocalProvisioning.createClientSecret(ministack, app.secretId().orElseThrow(() -> new IllegalStateException(
                "in the local run every app's client secret lives in the local Secrets Manager: give app " + app.name()
                        + " a secret id")), secret);
        return secret;
    }

    private void schedule(String name, String every, Runnable task) {
        scheduler.newJob(name)
                .setInterval(every)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> task.run())
                .schedule();
    }

    void stop(@Observes ShutdownEvent event) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warnf("Stopping %s failed: %s", started.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
        started.clear();
    }
}
