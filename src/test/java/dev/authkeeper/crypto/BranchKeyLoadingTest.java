package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.KeysConfig;
import dev.authkeeper.testing.FaultProxy;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Loading branch keys while KMS hangs: a proxy in front of MiniStack holds Decrypt answers back.
 * A load for one key must not hold up loads of others, and callers waiting for the same key share
 * its one call and its failure instead of queuing for a call each.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class BranchKeyLoadingTest {

    static final String DECRYPT = "Decrypt";

    @Inject
    DynamoDbClient dynamo;
    @Inject
    AuthKeeperConfig config;
    @Inject
    KeysConfig keys;
    @Inject
    TestClock clock;

    LocalAws aws;
    FaultProxy kmsProxy;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void proxyInFrontOfKms() {
        kmsProxy = new FaultProxy(aws.ministackEndpoint());
    }

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        kmsProxy.close();
    }

    /** KMS through the proxy, calls ending within {@code timeout}. */
    KmsClient kms(Duration timeout) {
        return KmsClient.builder().endpointOverride(kmsProxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(c -> c.apiCallTimeout(timeout)).build();
    }

    /** Holds the call until the test ends, after telling {@code reached}. */
    FaultProxy.Fault hang(CountDownLatch reached) {
        return (call, upstream) -> {
            reached.countDown();
            release.await();
            return upstream.forward(call.body());
        };
    }

    /** Two branch keys in the table, and an instance that has none of them cached yet. */
    record Fixture(BranchKeys instance, BranchKey first, BranchKey second) {
    }

    Fixture twoKeys(KmsClient kms) {
        var store = new BranchKeyStore(dynamo, kms, config);
        var first = store.create(store.readActive(), clock.instant()).orElseThrow();
        var second = store.create(Optional.of(first.active()), clock.instant()).orElseThrow();
        return new Fixture(new BranchKeys(store, keys, clock), first.key(), second.key());
    }

    @Test
    void aKeyLoadsWhileKmsHangsOnAnotherOne() throws Exception {
        try (var kms = kms(Duration.ofMinutes(2))) {
            var fixture = twoKeys(kms);
            var reached = new CountDownLatch(1);
            kmsProxy.fault(DECRYPT, 1, hang(reached));
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                var hung = executor.submit(() -> fixture.instance().key(fixture.first().id()));
                assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();

                var other = executor.submit(() -> fixture.instance().key(fixture.second().id()));

                try (var key = other.get(60, TimeUnit.SECONDS)) {
                    assertThat(key.material()).isEqualTo(fixture.second().material());
                }
                assertThat(hung.isDone()).as("the first load still waits for KMS").isFalse();
                release.countDown();
                try (var key = hung.get(60, TimeUnit.SECONDS)) {
                    assertThat(key.material()).isEqualTo(fixture.first().material());
                }
            }
        }
    }

    @Test
    void callersOfAKeyWhoseLoadTimesOutShareOneKmsCallAndItsFailure() throws Exception {
        try (var kms = kms(Duration.ofSeconds(1))) {
            var fixture = twoKeys(kms);
            var reached = new CountDownLatch(1);
            kmsProxy.fault(DECRYPT, 100, hang(reached));
            int before = kmsProxy.calls(DECRYPT);
            var callers = new ArrayList<CompletableFuture<BranchKey>>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                callers.add(CompletableFuture.supplyAsync(() -> fixture.instance().key(fixture.first().id()), executor));
                assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 7; i++) {
                    callers.add(CompletableFuture.supplyAsync(() -> fixture.instance().key(fixture.first().id()), executor));
                }
                for (var caller : callers) {
                    assertThatThrownBy(caller::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SdkClientException.class);
                }
            }
            assertThat(kmsProxy.calls(DECRYPT) - before).as("one KMS call for all eight callers").isEqualTo(1);
        }
    }
}
