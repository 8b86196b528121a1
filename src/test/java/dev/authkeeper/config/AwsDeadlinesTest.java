package dev.authkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Every AWS client the application holds ends its calls and their attempts at the configured deadlines. */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class AwsDeadlinesTest {

    @Inject
    DynamoDbClient dynamo;
    @Inject
    KmsClient kms;
    @Inject
    SnsClient sns;
    @Inject
    SqsClient sqs;
    @Inject
    EventBridgeClient events;
    @Inject
    SecretsManagerClient secrets;
    @Inject
    AwsConfig config;

    @Test
    void everyClientHasACallAndAnAttemptDeadline() {
        for (SdkClient client : List.<SdkClient>of(dynamo, kms, sns, sqs, events, secrets)) {
            var settings = client.serviceClientConfiguration().overrideConfiguration();
            assertThat(settings.apiCallTimeout()).as(client.serviceName()).contains(config.callTimeout());
            assertThat(settings.apiCallAttemptTimeout()).as(client.serviceName()).contains(config.attemptTimeout());
        }
    }
}
