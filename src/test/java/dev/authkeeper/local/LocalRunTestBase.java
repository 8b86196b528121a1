package dev.authkeeper.local;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.authkeeper.api.AccessTokens;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every test over the local run starts from: an empty table and the gateway reached through
 * {@link LocalRunVisits}; and what it leaves: the real time. Each test resets its own simulated
 * marketplaces in its own {@code @BeforeEach}, which JUnit runs after this one.
 */
abstract class LocalRunTestBase {

    LocalAws aws;
    LocalRunVisits visits;

    @Inject
    ConnectionRepository connections;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    AccessTokens tokens;
    @Inject
    SweepWorker sweep;
    @Inject
    TestClock clock;

    @BeforeEach
    void startClean() {
        visits = new LocalRunVisits(aws);
        new Table(dynamo).clear();
    }

    @AfterEach
    void realTime() {
        clock.reset(); // other tests of the local run expect the real time
    }
}
