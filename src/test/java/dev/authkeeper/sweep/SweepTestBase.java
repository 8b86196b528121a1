package dev.authkeeper.sweep;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.CleanStart;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.SweepDriver;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every sweep test starts from: the sweep queue drained, then {@link CleanStart}'s empty table,
 * fresh simulated Amazon, empty inboxes and clock at the start of the next day.
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
    @Inject
    Incidents incidents;
    @Inject
    CleanStart cleanStart;

    Table table;
    Seeds seeds;
    Inbox inbox;
    Events events;
    SweepDriver sweep;

    @BeforeEach
    void startClean() {
        sweep = new SweepDriver(planner, worker, aws);
        sweep.drain();
        var slate = cleanStart.begin(amazon, aws);
        table = slate.table();
        seeds = slate.seeds();
        inbox = slate.inbox();
        events = slate.events();
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
