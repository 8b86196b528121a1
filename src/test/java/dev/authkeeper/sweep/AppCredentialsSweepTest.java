package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.amazon.AppNotification;
import dev.authkeeper.amazon.AppNotifications;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.AppSecretsFixture;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.NotificationQueue;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The sweep and the apps' own credentials: rotations that never fail a connection, and an app whose
 * credentials are refused affecting only its own connections.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class AppCredentialsSweepTest extends SweepTestBase {

    static final String DRAFT = LocalAwsResource.DRAFT_APP;

    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;
    @Inject
    AppNotifications notifications;
    @Inject
    ObjectMapper json;

    AppSecretsFixture fixture;
    NotificationQueue queue;

    @BeforeEach
    void secretsAsAmazonHasThem() {
        amazon.clock(clock);
        fixture = new AppSecretsFixture(amazon, aws, apps, secrets);
        fixture.reset();
        queue = new NotificationQueue(aws);
        queue.take(0);
    }

    @AfterEach
    void noRotationLeftOver() {
        amazon.reset();
        fixture.reset();
    }

    @Test
    void aSweepDuringARotationFailsNoConnectionAndAlertsNobody() {
        var ids = IntStream.range(0, 20).mapToObj(i -> connection("merchant-" + i, "A1ROT" + String.format("%07d", i))).toList();
        assertThat(sweep.run().total(SweepSummary::valid)).isEqualTo(20);
        String old = amazon.settings().clientSecret();

        // Amazon issues a new secret and the notification is handled while the round goes on.
        amazon.rotateClientSecret("default");
        handleNotifications();
        clock.advance(Duration.ofDays(1));
        var during = sweep.run();

        assertThat(during.total(SweepSummary::valid)).isEqualTo(20);
        assertThat(during.total(SweepSummary::applicationLevel)).isZero();
        assertThat(secrets.of(apps.defaultApp()).previous()).as("the new secret worked: the old one is no longer offered").isEmpty();

        // A week later the old secret is gone; nothing still uses it.
        clock.advance(Duration.ofDays(7));
        var after = sweep.run();
        assertThat(after.total(SweepSummary::valid)).isEqualTo(20);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).extracting(m -> m.kind()).containsExactly("APP_SECRET_ROTATED");
        assertThat(events.types()).isEmpty();
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSPREVIOUS")).isEqualTo(old);
    }

    @Test
    void anInstanceStillHoldingTheOldSecretWhenItStopsWorkingRetriesWithTheNewOne() {
        var ids = IntStream.range(0, 10).mapToObj(i -> connection("merchant-" + i, "A1STALE" + String.format("%05d", i))).toList();
        sweep.run(); // this instance has read the old secret
        // Another instance stores the rotated secret; the old one then stops working before this one re-reads.
        amazon.rotateClientSecret("default");
        storeElsewhere(amazon.clientSecret("default"));
        amazon.clock(Clock.offset(clock, Duration.ofDays(8)));
        // Moments after this instance read the old one: the first refusal reads the secret again all the same.
        clock.advance(Duration.ofSeconds(1));

        int before = amazon.tokenCalls();
        var checks = ids.stream().map(worker::checkNow).toList();

        assertThat(checks).allSatisfy(summary -> assertThat(summary.valid()).isEqualTo(1));
        assertThat(amazon.tokenCalls() - before).as("the old secret refused once, then the new one read and used").isEqualTo(11);
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        assertThat(inbox.settled()).isEmpty();
        assertThat(secrets.of(apps.defaultApp()).current().value()).isEqualTo(amazon.clientSecret("default"));
    }

    @Test
    void aNewSecretLwaDoesNotAcceptYetIsNotStoredAndTheCurrentOneKeepsEveryCheckWorking() {
        var ids = IntStream.range(0, 10).mapToObj(i -> connection("merchant-" + i, "A1LAG" + String.format("%07d", i))).toList();
        String current = fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT");
        // A notification whose secret LWA does not take (yet): it waits in the queue for its next delivery.
        amazon.rotateClientSecret("default");
        String body = queue.take(1).get(0);
        String issued = amazon.clientSecret("default");
        amazon.reset();
        amazon.clock(clock);
        ids.forEach(id -> reissue(id));
        assertThatThrownBy(() -> notifications.handle(notification(body))).isInstanceOf(AppNotifications.Refused.class);
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(current).isNotEqualTo(issued);

        var run = sweep.run();

        assertThat(run.total(SweepSummary::valid)).isEqualTo(10);
        assertThat(run.total(SweepSummary::applicationLevel)).isZero();
        assertThat(inbox.settled()).extracting(m -> m.kind()).containsExactly("APP_NOTIFICATION_REFUSED");
    }

    @Test
    void rejectedCredentialsOfOneAppAffectOnlyThatAppsConnections() {
        var published = IntStream.range(0, 10).mapToObj(i -> connection("merchant-" + i, "A1PUB" + String.format("%07d", i))).toList();
        var drafts = IntStream.range(0, 10).mapToObj(i -> seeds.connection(DRAFT, "merchant-d" + i, "A1DRF" + String.format("%07d", i),
                now().minus(Duration.ofDays(30)))).toList();
        amazon.expireClientSecret(DRAFT, true);

        var run = sweep.run(1);

        assertThat(run.total(SweepSummary::valid)).isEqualTo(10);
        assertThat(run.total(SweepSummary::applicationLevel)).isEqualTo(10);
        assertThat(run.workers()).as("the other app's connections are still checked").noneMatch(SweepSummary::stoppedEarly);
        assertThat(published).allMatch(id -> !table.connection(id.value()).orElseThrow().containsKey("lastCheckError"));
        assertThat(drafts).allMatch(id -> table.connection(id.value()).orElseThrow().get("lastCheckError").s().contains("invalid_client"));
        assertThat(drafts).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
        var told = inbox.settled();
        assertThat(told).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("APP_CREDENTIALS_REJECTED");
            assertThat(m.attributes()).containsEntry("app", DRAFT);
            assertThat(m.subject()).contains("app draft");
            assertThat(m.body()).contains("app draft").contains("invalid_client");
        });
        var event = events.await(1);
        assertThat(event).singleElement().satisfies(e -> {
            assertThat(e.detailType()).isEqualTo("App Credentials Rejected");
            assertThat(e.detail().path("app").asText()).isEqualTo(DRAFT);
        });
        assertThat(table.withPrefix("INCIDENT#APP_CREDENTIALS#draft")).isNotEmpty();
        assertThat(table.withPrefix("INCIDENT#APP_CREDENTIALS")).allMatch(i -> i.get("pk").s().endsWith("#draft"));

        // Fixed: the draft's connections are retried and its incident closes; the event names the app.
        amazon.expireClientSecret(DRAFT, false);
        clock.advance(Duration.ofMinutes(30));
        sweep.run();
        assertThat(drafts).allMatch(id -> !table.connection(id.value()).orElseThrow().containsKey("lastCheckError"));
        assertThat(events.settled()).extracting(e -> e.detail().path("type").asText() + "@" + e.detail().path("app").asText())
                .containsExactly("app.credentials_rejected@draft", "app.credentials_restored@draft");
    }

    private void handleNotifications() {
        queue.take(1).forEach(body -> notifications.handle(notification(body)));
    }

    private AppNotification notification(String body) {
        try {
            return json.readValue(body, AppNotification.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What another instance's notification handling leaves behind: the new secret stored, nothing forgotten here. */
    private void storeElsewhere(String clientSecret) {
        try (var client = dev.authkeeper.local.LocalProvisioning.secretsManager(aws.ministackEndpoint())) {
            client.putSecretValue(r -> r.secretId(aws.appSecrets().defaultApp()).secretString("{\"clientSecret\":\"" + clientSecret + "\"}"));
        }
    }

    /** After the simulated Amazon was reset: the connection's authorization exists there again, with a token of its own. */
    private void reissue(ConnectionId id) {
        var connection = connections.find(id).orElseThrow();
        seeds.connection(connection.merchantId(), id.accountId(), connection.authorizedAt());
    }

}
