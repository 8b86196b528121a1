package dev.authkeeper.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.KeysConfig;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Branch keys across instances and time. Where a test needs two instances or other settings it
 * builds its own {@link BranchKeys} over the same table, as another Lambda instance would have.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class BranchKeysTest extends SealingTestBase {

    static final String CONNECTION = "amazon:EU:A1BRANCHKEY01";

    record Keys(Duration rotation, int cacheSize, Duration cacheTtl) implements KeysConfig {
    }

    @Inject
    BranchKeyStore store;
    @Inject
    AuthKeeperConfig config;

    TokenCipher instance(BranchKeyStore store, KeysConfig keys) {
        return new TokenCipher(kms, config, new BranchKeys(store, keys, clock));
    }

    @Test
    void twoInstancesRacingForTheFirstKeyEndWithOneActiveKeyAndBothTokensOpen() throws Exception {
        var bothSawNoKey = new CountDownLatch(2);
        // Each instance reads the pointer, then waits until the other has read it too: both find none and create one.
        var racingStore = new BranchKeyStore(dynamo, kms, config) {
            @Override
            Optional<Active> readActive() {
                var active = super.readActive();
                bothSawNoKey.countDown();
                try {
                    assertThat(bothSawNoKey.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return active;
            }
        };
        var first = instance(racingStore, keys);
        var second = instance(racingStore, keys);

        SealedToken firstToken;
        SealedToken secondToken;
        try (var pool = Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> first.seal(CONNECTION, new Secret("token-of-the-first")));
            var b = pool.submit(() -> second.seal(CONNECTION, new Secret("token-of-the-second")));
            firstToken = a.get(30, TimeUnit.SECONDS);
            secondToken = b.get(30, TimeUnit.SECONDS);
        }

        assertThat(calls.count("Kms.GenerateDataKey")).as("both instances tried to create a key").isEqualTo(2);
        assertThat(items.keyIds()).hasSize(1).containsExactly(items.activeId());
        assertThat(BranchKeyItems.idOf(firstToken)).isEqualTo(items.activeId());
        assertThat(BranchKeyItems.idOf(secondToken)).isEqualTo(items.activeId());
        for (var opener : new TokenCipher[] {first, second, cipher}) {
            assertThat(opener.open(CONNECTION, firstToken).value()).isEqualTo("token-of-the-first");
            assertThat(opener.open(CONNECTION, secondToken).value()).isEqualTo("token-of-the-second");
        }
    }

    @Test
    void pastTheRotationAgeTheNextSealCreatesANewBranchKeyAndOldTokensStillOpen() {
        var old = cipher.seal(CONNECTION, new Secret("sealed-under-the-first-key"));
        var firstKey = items.activeId();

        clock.advance(keys.rotation().plusMinutes(1));
        calls.reset();
        var fresh = cipher.seal(CONNECTION, new Secret("sealed-under-the-second-key"));

        assertThat(calls.count("Kms.GenerateDataKey")).isEqualTo(1);
        var secondKey = items.activeId();
        assertThat(secondKey).isNotEqualTo(firstKey);
        assertThat(items.keyIds()).containsExactlyInAnyOrder(firstKey, secondKey);
        assertThat(BranchKeyItems.idOf(fresh)).isEqualTo(secondKey);
        assertThat(BranchKeyItems.idOf(cipher.seal(CONNECTION, new Secret("another")))).isEqualTo(secondKey);
        assertThat(cipher.open(CONNECTION, old).value()).isEqualTo("sealed-under-the-first-key");
        assertThat(cipher.open(CONNECTION, fresh).value()).isEqualTo("sealed-under-the-second-key");
        assertThat(calls.count("Kms.GenerateDataKey")).isEqualTo(1);
    }

    @Test
    void aKeyBeforeItsRotationAgeKeepsSealing() {
        cipher.seal(CONNECTION, new Secret("first"));
        var firstKey = items.activeId();

        clock.advance(keys.rotation().minusMinutes(1));
        var later = cipher.seal(CONNECTION, new Secret("later"));

        assertThat(BranchKeyItems.idOf(later)).isEqualTo(firstKey);
        assertThat(items.keyIds()).containsExactly(firstKey);
    }

    @Test
    void withRoomForTwoKeysTheThirdEvictsTheLeastRecentlyUsedAndItIsUnwrappedAgainOnce() {
        var instance = new BranchKeys(store, new Keys(Duration.ofHours(1), 2, Duration.ofDays(1)), clock);
        var cipher = new TokenCipher(kms, config, instance);
        var first = cipher.seal(CONNECTION, new Secret("first"));
        clock.advance(Duration.ofMinutes(61));
        var second = cipher.seal(CONNECTION, new Secret("second"));
        clock.advance(Duration.ofMinutes(61));
        var third = cipher.seal(CONNECTION, new Secret("third"));
        assertThat(items.keyIds()).hasSize(3);

        // The two kept open without KMS (the evicted key's bytes are zeroed: BranchKeyCacheTest).
        calls.reset();
        assertThat(cipher.open(CONNECTION, second).value()).isEqualTo("second");
        assertThat(cipher.open(CONNECTION, third).value()).isEqualTo("third");
        assertThat(calls.countService("Kms")).isZero();

        calls.reset();
        assertThat(cipher.open(CONNECTION, first).value()).isEqualTo("first");
        assertThat(cipher.open(CONNECTION, first).value()).isEqualTo("first");
        assertThat(calls.count("Kms.Decrypt")).isEqualTo(1);
        assertThat(calls.countService("Kms")).isEqualTo(1);
    }
}
