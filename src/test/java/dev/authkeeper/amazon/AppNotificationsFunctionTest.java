package dev.authkeeper.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.app.CredentialsCheck;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.testing.AppSecretsFixture;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Events;
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
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The notifications function as Lambda's SQS trigger invokes it: Amazon's client-secret
 * notifications (as the simulated Amazon sends them, with Amazon's payload) stored or refused, one
 * batch item failure per refused record, one operator alert per cause, and never a secret in a log.
 */
@QuarkusTest
@TestProfile(Profiles.AppNotificationsFunction.class)
@WithTestResource(LocalAwsResource.class)
class AppNotificationsFunctionTest {

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;
    @Inject
    CredentialsCheck check;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    TestClock clock;
    @Inject
    AppNotifications notifications;
    @Inject
    AwsCalls calls;
    @Inject
    ObjectMapper json;

    Table table;
    AppSecretsFixture fixture;
    NotificationQueue queue;
    Inbox inbox;
    Events events;

    @BeforeEach
    void startClean() {
        calls.reset();
        clock.reset();
        amazon.reset();
        amazon.clock(clock);
        table = new Table(dynamo);
        table.clear();
        fixture = new AppSecretsFixture(amazon, aws, apps, secrets);
        fixture.reset();
        queue = new NotificationQueue(aws);
        queue.take(0);
        inbox = new Inbox(aws);
        inbox.settled();
        inbox = new Inbox(aws);
        events = new Events(aws);
        events.settled();
        events = new Events(aws);
    }

    @AfterEach
    void secretsManagerBack() {
        aws.secretsProxy().up();
    }

    @Test
    void aNewSecretIsStoredAsTheCurrentVersionTheOldOneKeptAsThePreviousAndTheRotationRecorded() {
        String old = amazon.clientSecret(LocalAwsResource.DRAFT_APP);
        amazon.rotateClientSecret(LocalAwsResource.DRAFT_APP);
        String body = queue.take(1).get(0);
        String fresh = amazon.clientSecret(LocalAwsResource.DRAFT_APP);
        assertThat(body).contains("\"notificationType\":\"APPLICATION_OAUTH_CLIENT_NEW_SECRET\"").contains(fresh);

        List<String> failed;
        try (var logs = CapturedLogs.capture()) {
            failed = deliver(body);
            assertThat(logs.leaked(List.of(fresh, old))).isEmpty();
        }

        assertThat(failed).isEmpty();
        assertThat(fixture.value(aws.appSecrets().draftApp(), "AWSCURRENT")).isEqualTo(fresh);
        assertThat(fixture.value(aws.appSecrets().draftApp(), "AWSPREVIOUS")).isEqualTo(old);
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).as("the other app's secret")
                .isEqualTo(amazon.settings().clientSecret());
        var state = table.items().stream().filter(i -> i.get("pk").s().equals("APP#draft") && i.get("sk").s().equals("APP"))
                .findFirst().orElseThrow();
        Instant issued = Instant.ofEpochMilli(Long.parseLong(state.get("rotationIssuedAt").n()));
        assertThat(Instant.ofEpochMilli(Long.parseLong(state.get("oldSecretValidUntil").n()))).isEqualTo(issued.plus(Duration.ofDays(7)));
        assertThat(Instant.ofEpochMilli(Long.parseLong(state.get("newSecretExpiresAt").n()))).isEqualTo(issued.plus(Duration.ofDays(180)));
        assertThat(state).doesNotContainKey("newSecretConfirmedAt");
        var credentials = secrets.of(apps.find(LocalAwsResource.DRAFT_APP).orElseThrow());
        assertThat(credentials.current().value()).isEqualTo(fresh);
        assertThat(credentials.previous()).as("while the rotation is in flight").hasValueSatisfying(p -> assertThat(p.value()).isEqualTo(old));

        var told = inbox.await(1);
        assertThat(told).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("APP_SECRET_ROTATED");
            assertThat(m.attributes()).containsEntry("app", "draft").containsEntry("severity", "INFO");
            assertThat(m.body()).doesNotContain(fresh).doesNotContain(old);
        });
        assertThat(table.items().toString()).doesNotContain(fresh);
    }

    @Test
    void aNewSecretThatLwaRefusesIsNeverStoredAndStaysQueuedWithOneAlert() {
        String current = amazon.clientSecret("default");
        amazon.rotateClientSecret("default");
        String genuine = amazon.clientSecret("default");
        // What a principal allowed to send to the queue could plant: Amazon's format, a secret of its own.
        String planted = "amzn1.oa2-cs.v1.planted" + "0".repeat(40);
        String body = queue.take(1).get(0).replace(genuine, planted);
        int grants = amazon.tokenCalls("client_credentials");

        try (var logs = CapturedLogs.capture()) {
            assertThat(deliver(body)).as("refused: it stays queued").containsExactly("m-1");
            assertThat(deliver(body)).as("and again when delivered again").containsExactly("m-1");
            assertThat(logs.leaked(List.of(planted, genuine, current))).isEmpty();
        }

        assertThat(amazon.tokenCalls("client_credentials") - grants).as("one grant per delivery, with the planted secret").isEqualTo(2);
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(current);
        assertThat(table.items().stream().filter(i -> i.get("pk").s().equals("APP#default") && i.get("sk").s().equals("APP")))
                .allSatisfy(state -> assertThat(state).doesNotContainKey("rotationIssuedAt"));
        assertThat(inbox.settled()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("APP_NOTIFICATION_REFUSED");
            assertThat(m.body()).contains("LWA refuses").contains("Nothing was stored").doesNotContain(planted);
        });

        assertThat(deliver(body.replace(planted, genuine))).as("Amazon's own notification, proved and stored").isEmpty();
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(genuine);
    }

    @Test
    void aNotificationDeliveredTwiceMakesOneVersionAndOneMessage() {
        String old = amazon.settings().clientSecret();
        amazon.rotateClientSecret("default");
        String body = queue.take(1).get(0);
        int before = fixture.versions(aws.appSecrets().defaultApp()).size();

        assertThat(deliver(body)).isEmpty();
        var again = new LinkedHashMap<String, String>();
        again.put("m-2", body);
        again.put("m-3", body);
        assertThat(NotificationQueue.failures(Lambda.invokeJson(NotificationQueue.event(again)))).isEmpty();

        assertThat(fixture.versions(aws.appSecrets().defaultApp())).hasSize(Math.min(before + 1, 2));
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(amazon.clientSecret("default"));
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSPREVIOUS")).isEqualTo(old);
        assertThat(inbox.settled()).hasSize(1);
    }

    @Test
    void anOlderRotationArrivingAfterANewerOneChangesNothing() {
        amazon.rotateClientSecret("default");
        amazon.rotateClientSecret("default");
        var bodies = queue.take(2);
        String newest = amazon.clientSecret("default");

        assertThat(deliver(bodies.get(1))).isEmpty();
        assertThat(deliver(bodies.get(0))).isEmpty();

        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(newest);
    }

    @Test
    void twoRotationsHandledAtOnceLeaveTheNewerSecretCurrentWhicheverIsStoredLast() {
        amazon.rotateClientSecret("default");
        amazon.rotateClientSecret("default");
        var bodies = queue.take(2);
        String newest = amazon.clientSecret("default");
        // The newer notification is proved, stored and recorded just after the older one read the app's state.
        calls.afterNext(request -> request instanceof GetItemRequest get && get.key().get("pk").s().equals("APP#default"),
                () -> handle(bodies.get(1)));

        handle(bodies.get(0));

        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).as("the newer rotation's secret").isEqualTo(newest);
        assertThat(secrets.of(apps.defaultApp()).current().value()).isEqualTo(newest);
    }

    @Test
    void aNotificationForAnAppThisDeploymentDoesNotServeStaysQueuedAndOperatorsLearnWhichQueueIsRegisteredForWhichApp() {
        amazon.rotateClientSecret("default");
        amazon.rotateClientSecret("default");
        var bodies = queue.take(2);
        String foreign = bodies.get(0).replace(amazon.settings().applicationId(), "amzn1.sp.solution.someone-elses-app");
        String another = bodies.get(1).replace(amazon.settings().applicationId(), "amzn1.sp.solution.someone-elses-app");
        int versions = fixture.versions(aws.appSecrets().defaultApp()).size();

        assertThat(deliver(foreign)).containsExactly("m-1");
        assertThat(deliver(foreign)).containsExactly("m-1");
        assertThat(deliver(another)).as("another notification of the same foreign app").containsExactly("m-1");

        assertThat(fixture.versions(aws.appSecrets().defaultApp())).hasSize(versions);
        var told = inbox.settled();
        assertThat(told).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("APP_NOTIFICATION_REFUSED");
            assertThat(m.body()).contains("amzn1.sp.solution.someone-elses-app")
                    .contains("default = " + amazon.settings().applicationId())
                    .contains("draft = " + LocalAwsResource.DRAFT_APPLICATION_ID)
                    .contains("arn:aws:sqs:us-east-1:000000000000:authkeeper-test-notifications")
                    .contains("Notification Preferences")
                    .doesNotContain(amazon.clientSecret("default"));
        });
    }

    @Test
    void malformedMessagesStayQueuedWithOneAlertEachAndNoSecretInAnyLog() {
        amazon.rotateClientSecret(LocalAwsResource.DRAFT_APP);
        String body = queue.take(1).get(0);
        String secret = amazon.clientSecret(LocalAwsResource.DRAFT_APP);
        var bad = new LinkedHashMap<String, String>();
        bad.put("truncated", body.substring(0, body.indexOf(secret) + 8));
        bad.put("not-json", "this is not a notification " + secret);
        bad.put("no-secret", body.replace("\"newClientSecret\":\"" + secret + "\",", ""));
        bad.put("other-type", body.replace("APPLICATION_OAUTH_CLIENT_NEW_SECRET", "ANY_OFFER_CHANGED"));
        bad.put("other-version", body.replace("\"payloadVersion\":\"2023-11-30\"", "\"payloadVersion\":\"2099-01-01\""));
        bad.put("payload-a-string", body.replaceAll("\"payload\":\\{.*\\},\"notificationMetadata\"", "\"payload\":\"" + secret
                + "\",\"notificationMetadata\""));
        bad.put("other-client", body.replace(LocalAwsResource.DRAFT_CLIENT_ID, "amzn1.application-oa2-client.another"));

        List<String> failed;
        try (var logs = CapturedLogs.capture()) {
            failed = NotificationQueue.failures(Lambda.invokeJson(NotificationQueue.event(bad)));
            assertThat(logs.leaked(List.of(secret))).isEmpty();
        }

        assertThat(failed).containsExactlyInAnyOrderElementsOf(bad.keySet());
        assertThat(fixture.value(aws.appSecrets().draftApp(), "AWSCURRENT")).isNotEqualTo(secret);
        var told = inbox.settled();
        // The two that are not JSON objects of a notification never reach AuthKeeper's code: the
        // dead-letter queue's alarm tells operators about them.
        assertThat(told).hasSize(5).allSatisfy(m -> {
            assertThat(m.kind()).isEqualTo("APP_NOTIFICATION_REFUSED");
            assertThat(m.body()).doesNotContain(secret).contains("dead-letter queue");
        });
        assertThat(told).anySatisfy(m -> assertThat(m.body()).contains("newClientSecret"))
                .anySatisfy(m -> assertThat(m.body()).contains("ANY_OFFER_CHANGED"))
                .anySatisfy(m -> assertThat(m.body()).contains("amzn1.application-oa2-client.another").contains("Nothing was stored"));
    }

    @Test
    void whileSecretsManagerIsUnreachableTheNotificationStaysQueuedAndIsStoredOnceItIsBack() {
        amazon.rotateClientSecret("default");
        String body = queue.take(1).get(0);
        aws.secretsProxy().down();

        assertThat(deliver(body)).containsExactly("m-1");
        assertThat(deliver(body)).containsExactly("m-1");
        var told = inbox.settled();
        assertThat(told).singleElement().satisfies(m -> assertThat(m.body()).contains("could not be stored")
                .contains("Secrets Manager").doesNotContain(amazon.clientSecret("default")));

        aws.secretsProxy().up();
        assertThat(deliver(body)).isEmpty();
        assertThat(fixture.value(aws.appSecrets().defaultApp(), "AWSCURRENT")).isEqualTo(amazon.clientSecret("default"));
    }

    @Test
    void anExpiryNoticeTellsOperatorsAndTheAppWithTheDateOnce() {
        Instant expires = Instant.parse("2031-03-03T22:06:39.224Z");
        amazon.sendExpiryNotice(LocalAwsResource.DRAFT_APP, expires);
        String body = queue.take(1).get(0);

        assertThat(deliver(body)).isEmpty();
        assertThat(deliver(body)).isEmpty();

        var told = inbox.settled();
        assertThat(told).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("APP_SECRET_EXPIRING");
            assertThat(m.attributes()).containsEntry("app", "draft");
            assertThat(m.subject()).contains("3 March 2031");
            assertThat(m.body()).contains("PERIODIC_ROTATION").contains("3 March 2031");
        });
        var event = events.await(1);
        assertThat(event).singleElement().satisfies(e -> {
            assertThat(e.detailType()).isEqualTo("App Client Secret Expiring");
            assertThat(e.detail().path("app").asText()).isEqualTo("draft");
            assertThat(e.detail().path("clientSecretExpiresAt").asText()).isEqualTo(expires.toString());
        });
    }

    @Test
    void theDailyCheckReportsEachSecretsAgeAndDoesNotRotateByDefault() {
        clock.advance(Duration.ofDays(155));

        var report = check.run();

        assertThat(report.apps()).extracting(CredentialsCheck.AppReport::app).containsExactly("default", "draft");
        assertThat(report.apps()).allSatisfy(app -> {
            assertThat(app.ageDays()).isBetween(155L, 156L);
            assertThat(app.rotation()).isEqualTo("due; automatic rotation is off");
        });
        assertThat(queue.take(0)).as("no rotation was asked for").isEmpty();
        assertThat(inbox.settled()).isEmpty();

        clock.advance(Duration.ofDays(10));
        check.run();
        check.run();
        var told = inbox.settled();
        assertThat(told).hasSize(2).allSatisfy(m -> {
            assertThat(m.kind()).isEqualTo("APP_SECRET_AGING");
            assertThat(m.body()).contains("165 days");
        });
        assertThat(told).extracting(m -> m.attributes().get("app")).containsExactlyInAnyOrder("default", "draft");
    }

    private void handle(String body) {
        try {
            notifications.handle(json.readValue(body, AppNotification.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> deliver(String body) {
        return NotificationQueue.failures(Lambda.invokeJson(NotificationQueue.event(Map.of("m-1", body))));
    }
}
