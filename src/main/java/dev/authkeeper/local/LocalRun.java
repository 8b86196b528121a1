package dev.authkeeper.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts the local run when {@code authkeeper.local.enabled} is set (profile {@code local}):
 * DynamoDB Local, MiniStack (KMS, SNS, SQS, Secrets Manager), the simulated marketplaces
 * ({@link LocalMarketplaces}) and the gateway, all on loopback ports. The sweep runs on
 * {@code authkeeper.local.sweep-every}, scheduled once everything is provisioned (a sweep before the
 * table exists would only fail), and so does the daily credentials check, more often.
 */
@ApplicationScoped
public class LocalRun {

    private static final Logger LOG = Logger.getLogger(LocalRun.class);

    private final List<AutoCloseable> started = new ArrayList<>();
    private final LocalConfig local;
    private final AuthKeeperConfig config;
    private final AmazonConfig amazon;
    private final AlertConfig alerts;
    private final LocalMarketplaces marketplaces;
    private final LocalFunctionRoutes routes;
    private final LocalSchedules schedules;
    private final LocalSites sites;

    public LocalRun(LocalConfig local, AuthKeeperConfig config, AmazonConfig amazon, AlertConfig alerts, LocalMarketplaces marketplaces,
            LocalFunctionRoutes routes, LocalSchedules schedules, LocalSites sites) {
        this.local = local;
        this.config = config;
        this.amazon = amazon;
        this.alerts = alerts;
        this.marketplaces = marketplaces;
        this.routes = routes;
        this.schedules = schedules;
        this.sites = sites;
    }

    void start(@Observes StartupEvent event) {
        if (!local.enabled()) {
            return;
        }
        URI sellerCentral = amazon.simulatedCentral().orElseThrow(
                () -> new IllegalStateException("the local run needs authkeeper.amazon.simulated-central"));
        Optional<LocalInbox> inbox = Optional.empty();
        Optional<LocalEvents> events = Optional.empty();
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
            var notifications = marketplaces.start(ministack.endpoint(), sqs, started);
            schedules.every("local-notifications", "2s", notifications::drain);
        }
        started.add(routes.start(local.gatewayPort(), sites.open(inbox, events, sellerCentral)));
        schedules.startSweeps();
        LOG.infof("AuthKeeper local run ready: open %s/ (simulated Seller Central: %s/)", config.publicBaseUrl(), sellerCentral);
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
