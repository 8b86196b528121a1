package dev.authkeeper.local;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.function.AuthorizationFunctions;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.sweep.SweepService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;

/**
 * Starts the local run when {@code authkeeper.local.enabled} is set (profile {@code local}):
 * DynamoDB Local, MiniStack (KMS, SNS, SQS), the simulated Amazon and the gateway, all on
 * loopback ports; the sweep runs on {@code authkeeper.local.sweep-every}, scheduled once they
 * are all provisioned (a sweep before the table exists would only fail).
 */
@ApplicationScoped
public class LocalRun {

    private static final Logger LOG = Logger.getLogger(LocalRun.class);

    private final List<AutoCloseable> started = new ArrayList<>();
    private Optional<LocalInbox> inbox = Optional.empty();
    private final LocalConfig local;
    private final AuthKeeperConfig config;
    private final AmazonConfig amazon;
    private final AuthorizationFunctions functions;
    private final MerchantSessions sessions;
    private final ReauthorizeLinks links;
    private final ConnectionRepository connections;
    private final SweepService sweep;
    private final Scheduler scheduler;
    private final Clock clock;

    public LocalRun(LocalConfig local, AuthKeeperConfig config, AmazonConfig amazon, AuthorizationFunctions functions,
            MerchantSessions sessions, ReauthorizeLinks links, ConnectionRepository connections, SweepService sweep,
            Scheduler scheduler, Clock clock) {
        this.sweep = sweep;
        this.scheduler = scheduler;
        this.local = local;
        this.config = config;
        this.amazon = amazon;
        this.functions = functions;
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
            var sqs = LocalProvisioning.sqs(ministack.endpoint());
            started.add(sqs);
            inbox = Optional.of(new LocalInbox(sqs, topics.merchantQueueUrl(), topics.operatorQueueUrl()));
            started.add(SimulatedAmazon.start(new SimulatedAmazon.Settings(local.amazonPort(), amazon.clientId(),
                    amazon.clientSecret(), amazon.applicationId(), URI.create(config.publicBaseUrl() + "/login"),
                    URI.create(config.publicBaseUrl() + "/callback"))));
        }
        var site = new LocalSite(sessions, links, connections, sweep, inbox, config.publicBaseUrl(), sellerCentral, clock);
        started.add(LocalGateway.start(local.gatewayPort(), Map.of(
                "/login", functions::login,
                "/authorize", functions::authorize,
                "/callback", functions::callback), site));
        if (!"off".equals(local.sweepEvery())) {
            scheduler.newJob("local-sweep")
                    .setInterval(local.sweepEvery())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> sweep.sweep())
                    .schedule();
        }
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
