package dev.authkeeper.local;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.authkeeper.api.AccessTokens;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.Table;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every flow test over the local run starts from: an empty table and the gateway reached
 * through {@link LocalRunVisits}. Each test resets its own simulated marketplace in its own
 * {@code @BeforeEach}, which JUnit runs after this one.
 */
abstract class FlowTestBase {

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

    @BeforeEach
    void startClean() {
        visits = new LocalRunVisits(aws);
        new Table(dynamo).clear();
    }
}
