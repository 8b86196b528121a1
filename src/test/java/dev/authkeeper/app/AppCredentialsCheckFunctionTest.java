package dev.authkeeper.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.amazon.AppNotification;
import dev.authkeeper.amazon.AppNotifications;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.testing.AppSecretsFixture;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.NotificationQueue;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The daily check with automatic rotation on, invoked as EventBridge Scheduler invokes it: a grantless
 * token and rotateApplicationClientSecret at the simulated SP-API, at most once a day per app, and
 * the notification Amazon then sends stored like any other.
 */
@QuarkusTest
@TestProfile(Profiles.AppCredentialsCheckFunction.class)
@WithTestResource(LocalAwsResource.class)
class AppCredentialsCheckFunctionTest {

    static final Map<String, Object> SCHEDULED = Map.of("kind", "app-credentials-check");

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;
    @Inject
    AppNotifications notifications;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    TestClock clock;
    @Inject
    ObjectMapper json;

    AppSecretsFixture fixture;
    NotificationQueue queue;
    Inbox inbox;

    @BeforeEach
    void startClean() {
        clock.reset();
        amazon.reset();
        amazon.clock(clock);
        new Table(dynamo).clear();
        fixture = new AppSecretsFixture(amazon, aws, apps, secrets);
        fixture.reset();
        queue = new NotificationQueue(aws);
        queue.enroll(amazon);
        queue.take(0);
        inbox = new Inbox(aws);
        inbox.settled();
        inbox = new Inbox(aws);
    }

    @AfterEach
    void enrolledAgain() {
        queue.enroll(amazon);
    }

    @Test
    void aYoungSecretIsLeftAlone() {
        var report = check();

        assertThat(report).extracting(r -> r.get("rotation")).containsExactly("not due", "not due");
        assertThat(report).extracting(r -> ((Number) r.get("ageDays")).intValue()).containsExactly(0, 0);
        assertThat(queue.take(0)).isEmpty();
    }

    @Test
    void thirtyDaysBeforeTheEndAuthKeeperAsksForANewSecretOnceADayAndStoresWhatAmazonSends() throws Exception {
        clock.advance(Duration.ofDays(151));

        var first = check();
        var again = check();

        assertThat(first).extracting(r -> r.get("rotation")).containsExactly("requested", "requested");
        assertThat(again).extracting(r -> r.get("rotation")).containsExactly("requested less than a day ago", "requested less than a day ago");
        var bodies = queue.take(2);
        assertThat(bodies).hasSize(2).allMatch(b -> b.contains("APPLICATION_OAUTH_CLIENT_NEW_SECRET"));
        for (String body : bodies) {
            notifications.handle(json.readValue(body, AppNotification.class));
        }
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(amazon.clientSecret("default"));
        assertThat(fixture.value(aws.appSecrets().draftApp(), "AWSCURRENT")).isEqualTo(amazon.clientSecret("draft"));

        clock.advance(Duration.ofDays(1));
        assertThat(check()).extracting(r -> r.get("rotation")).containsExactly("not due", "not due");
        assertThat(queue.take(0)).isEmpty();
    }

    @Test
    void aRefusedRotationTellsOperatorsWhatToDoOnceADay() {
        amazon.notEnrolled();
        clock.advance(Duration.ofDays(151));

        var report = check();
        check();

        assertThat(report).extracting(r -> (String) r.get("rotation")).allMatch(r -> r.startsWith("refused: HTTP 400 InvalidInput"));
        var told = inbox.settled();
        assertThat(told).hasSize(2).allSatisfy(m -> {
            assertThat(m.kind()).isEqualTo("APP_SECRET_ROTATION_FAILED");
            assertThat(m.body()).contains("InvalidInput").contains("register the notifications queue for this");
        });
        assertThat(told).extracting(m -> m.attributes().get("app")).containsExactlyInAnyOrder("default", "draft");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> check() {
        return (List<Map<String, Object>>) Lambda.invokeJson(SCHEDULED).get("apps");
    }
}
