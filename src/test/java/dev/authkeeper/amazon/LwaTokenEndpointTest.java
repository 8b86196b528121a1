package dev.authkeeper.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.app.App;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.LocalAwsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The LWA client over real HTTP against the simulated LWA, with a pool of one connection: a call
 * cut at its deadline must give that connection back, or the next call could not be made.
 */
@QuarkusTest
@TestProfile(LwaTokenEndpointTest.OneConnection.class)
@WithTestResource(LocalAwsResource.class)
class LwaTokenEndpointTest {

    public static class OneConnection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sweep",
                    "quarkus.rest-client.lwa.connection-pool-size", "1",
                    "authkeeper.amazon.lwa.call-timeout", "PT2S");
        }
    }

    static final String SELLER = "A1LWACLIENT01";
    static final String JSON = "application/json;charset=UTF-8";

    SimulatedAmazon amazon;

    @Inject
    AmazonMarketplace marketplace;
    @Inject
    LwaTokenEndpoint lwa;
    @Inject
    Clock clock;

    Secret refreshToken;

    @BeforeEach
    void authorized() {
        amazon.reset();
        refreshToken = new Secret(amazon.issueRefreshToken(SELLER));
    }

    @Test
    void aWorkingRefreshTokenIsGrantedWithTheAccessTokenAndItsLifetime() {
        var result = marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX);

        assertThat(result).isInstanceOfSatisfying(TokenResult.Granted.class, granted -> {
            assertThat(granted.accessToken().value()).startsWith("Atza|");
            assertThat(granted.expiresIn()).isEqualTo(Duration.ofHours(1));
            assertThat(granted.refreshToken()).contains(refreshToken);
        });
    }

    @Test
    void aProxyPageAnswered200IsTransient() {
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, "text/html", "<html><body>Service moved</body></html>"));

        assertThat(marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX)).isEqualTo(
                new TokenResult.Transient("LWA answered HTTP 200 with a body that is not JSON", Optional.empty()));
    }

    @Test
    void aRefreshAnsweredWithoutRefreshTokenIsGrantedAndKeepsTheStoredOne() {
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, JSON,
                "{\"access_token\":\"Atza|fresh\",\"token_type\":\"bearer\",\"expires_in\":3600}"));

        assertThat(marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX))
                .isEqualTo(new TokenResult.Granted(new Secret("Atza|fresh"), Duration.ofHours(1), Optional.empty()));
    }

    @Test
    void aCodeExchangeAnsweredWithoutRefreshTokenIsUnexpected() {
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, JSON,
                "{\"access_token\":\"Atza|fresh\",\"token_type\":\"bearer\",\"expires_in\":3600}"));

        var result = marketplace.exchangeCode(App.DEFAULT, SELLER, new Secret(amazon.authorizationCode(SELLER)));

        assertThat(result).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 without refresh_token"));
        assertThat(amazon.tokenCalls()).isEqualTo(1);
    }

    @Test
    void anUnknownErrorCodeIsUnexpectedAndItsDescriptionIsNeverRepeated() {
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(400, JSON,
                "{\"error_description\":\"detail-from-the-body\",\"error\":\"weird_new_code\"}"));

        try (var logs = CapturedLogs.capture()) {
            assertThat(marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX)).isEqualTo(new TokenResult.Unexpected(400, "HTTP 400 weird_new_code"));
            assertThat(logs.text()).doesNotContain("detail-from-the-body");
        }
    }

    @Test
    void aTricklingAnswerIsCutAtTheCallTimeoutAndItsConnectionFreed() throws InterruptedException {
        // About 200 bytes at 2 a second: complete only after well over a minute.
        amazon.failNext(1, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(500), 1));

        try (var logs = CapturedLogs.capture()) {
            assertThat(marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX)).isEqualTo(LwaTokenEndpoint.DEADLINE_EXCEEDED);
            assertThat(logs.leaked(java.util.List.of(refreshToken.value()))).isEmpty();
        }
        awaitTricklesCut(1);
        // The only connection of the pool is free again: the next call gets through.
        assertThat(marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX)).isInstanceOf(TokenResult.Granted.class);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(2);
    }

    @Test
    void aCallersEarlierDeadlineCutsTheCallSooner() throws InterruptedException {
        // About 200 bytes, 40 every 20 ms: complete in well under the 2 s call timeout.
        amazon.failNext(1, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(20), 40));
        assertThat(marketplace.refresh(App.DEFAULT, SELLER, refreshToken, Instant.MAX)).isInstanceOf(TokenResult.Granted.class);
        amazon.failNext(1, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(100), 1));

        var result = marketplace.refresh(App.DEFAULT, SELLER, refreshToken, clock.instant().plusMillis(300));

        assertThat(result).isEqualTo(LwaTokenEndpoint.DEADLINE_EXCEEDED);
        awaitTricklesCut(1);
    }

    @Test
    void aDeadlineAlreadyPassedMakesNoCall() {
        var result = lwa.grant(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken.value()),
                clock.instant().minusMillis(1));

        assertThat(result).isEqualTo(LwaTokenEndpoint.DEADLINE_EXCEEDED);
        assertThat(amazon.tokenCalls()).isZero();
    }

    /** The simulator notices the hang-up at its next write; waits for that, not for a duration. */
    void awaitTricklesCut(int count) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(10);
        while (amazon.tricklesCut() < count && Instant.now().isBefore(giveUp)) {
            Thread.sleep(50);
        }
        assertThat(amazon.tricklesCut()).as("trickled answers the client hung up on").isEqualTo(count);
    }
}
