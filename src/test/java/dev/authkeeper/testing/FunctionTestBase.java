package dev.authkeeper.testing;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.table.ConnectionId;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every test of the functions starts from: {@link CleanStart}'s empty table, fresh simulated
 * Amazon, no incident open, empty inboxes, the clock at the start of the next day, and the AWS calls
 * counted from here.
 */
public abstract class FunctionTestBase {

    protected SimulatedAmazon amazon;
    protected LocalAws aws;

    @Inject
    protected ConnectionRepository connections;
    @Inject
    protected TokenCipher cipher;
    @Inject
    protected DynamoDbClient dynamo;
    @Inject
    protected AwsCalls calls;
    @Inject
    protected TestClock clock;
    @Inject
    protected Incidents incidents;
    @Inject
    protected AlertDelivery delivery;
    @Inject
    CleanStart cleanStart;

    protected Table table;
    protected Seeds seeds;
    protected Inbox inbox;
    protected Events events;

    @BeforeEach
    void startClean() {
        clearLeftovers();
        var slate = cleanStart.begin(amazon, aws);
        table = slate.table();
        seeds = slate.seeds();
        inbox = slate.inbox();
        events = slate.events();
    }

    /** What must be done before the clean start, because it would write into it: by default nothing. */
    protected void clearLeftovers() {
    }

    protected Instant now() {
        return clock.instant();
    }

    /** An active connection of the default app for the merchant's account, authorized 30 days ago. */
    protected ConnectionId connection(String merchant, String account) {
        return seeds.connection(merchant, account, now().minus(Duration.ofDays(30)));
    }
}
