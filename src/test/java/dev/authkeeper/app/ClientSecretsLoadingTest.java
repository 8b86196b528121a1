package dev.authkeeper.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AppCredentialsConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.testing.FaultProxy;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reading an app's client secret while Secrets Manager hangs: a proxy in front of MiniStack holds
 * GetSecretValue answers back. Callers of the same app share the one call and its failure instead of
 * queuing behind a lock for a call (and its deadline) each.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class ClientSecretsLoadingTest {

    static final String GET = "GetSecretValue";

    @Inject
    Apps apps;
    @Inject
    AppStates states;
    @Inject
    AppCredentialsConfig credentials;
    @Inject
    AuthKeeperConfig config;
    @Inject
    ObjectMapper json;

    LocalAws aws;
    FaultProxy secretsProxy;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void proxyInFrontOfSecretsManager() {
        secretsProxy = new FaultProxy(aws.ministackEndpoint());
    }

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        secretsProxy.close();
    }

    @Test
    void callersOfAnAppWhoseReadTimesOutShareOneSecretsManagerCallAndItsFailure() throws Exception {
        try (var secretsManager = SecretsManagerClient.builder().endpointOverride(secretsProxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(1))).build()) {
            var instance = new ClientSecrets(secretsManager, states, credentials, config, json, Clock.systemUTC());
            var app = apps.defaultApp();
            var reached = new CountDownLatch(1);
            secretsProxy.fault(GET, 100, (call, upstream) -> {
                reached.countDown();
                release.await();
                return upstream.forward(call.body());
            });
            var callers = new ArrayList<CompletableFuture<ClientSecrets.Credentials>>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                callers.add(CompletableFuture.supplyAsync(() -> instance.of(app), executor));
                assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 7; i++) {
                    callers.add(CompletableFuture.supplyAsync(() -> instance.of(app), executor));
                }
                for (var caller : callers) {
                    assertThatThrownBy(caller::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ClientSecrets.Unavailable.class);
                }
            }
            assertThat(secretsProxy.calls(GET)).as("one Secrets Manager call for all eight callers").isEqualTo(1);
        }
    }
}
