package dev.authkeeper.sweep;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.SweepDriver;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every sweep test starts from: an empty table, a fresh simulated Amazon, empty inboxes, the
 * clock back at now, the sweep queue drained, and the calls counted from here.
 */
abstract class SweepTestBase {

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    SweepPlanner planner;
    @Inject
    SweepWorker worker;
    @Inject
    ConnectionRepository connections;
    @Inject
    TokenCipher cipher;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    AwsCalls calls;
    @Inject
    TestClock clock;
    @Inject
    AlertDelivery delivery;

    Table table;
    Seeds seeds;
    Inbox inbox;
    Events events;
    SweepDriver sweep;

    @BeforeEach
    void startClean() {
        clock.startOfNextDay();
        table = new Table(dynamo);
        sweep = new SweepDriver(planner, worker, aws);
        sweep.drain();
        table.clear();
        amazon.reset();
        aws.snsProxy().up();
        seeds = new Seeds(amazon, cipher, connections);
        inbox = Inbox.emptied(aws);
        events = Events.emptied(aws);
        calls.reset();
    }

    Instant now() {
        return clock.instant();
    }

    ConnectionId connection(String merchant, String account) {
        return seeds.connection(merchant, account, now().minus(Duration.ofDays(30)));
    }

    ConnectionStatus status(ConnectionId id) {
        return connections.find(id).orElseThrow().status();
    }

    /** Past the group window: a planner run delivers what waited for its siblings. */
    SweepDriver.Run afterGroupWindow() {
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        return sweep.run();
    }
}
