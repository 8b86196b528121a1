package dev.authkeeper.crypto;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import dev.authkeeper.config.KeysConfig;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.TestClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What every test of sealing starts from: a table that has never sealed a token, an instance that
 * has cached no branch key, the clock and the AWS call counts reset.
 */
abstract class SealingTestBase {

    @Inject
    TokenCipher cipher;
    @Inject
    BranchKeys branchKeys;
    @Inject
    KeysConfig keys;
    @Inject
    KmsClient kms;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    AwsCalls calls;
    @Inject
    TestClock clock;

    BranchKeyItems items;

    @BeforeEach
    void noBranchKeysYet() {
        items = BranchKeyItems.startWithoutBranchKeys(dynamo, branchKeys, clock, calls);
    }
}
