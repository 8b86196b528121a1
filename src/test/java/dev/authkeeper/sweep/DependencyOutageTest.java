package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A sweep while an AWS dependency is unreachable: Secrets Manager, behind a proxy the test cuts,
 * with no client secret read yet. One incident and one operator alert, log lines that name the
 * call, no connection changed; the incident closes once a sweep runs without such failures.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class DependencyOutageTest extends SweepTestBase {

    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;

    @AfterEach
    void secretsManagerBack() {
        aws.secretsProxy().up();
    }

    @Test
    void anUnreachableSecretsManagerIsOneIncidentWithOneOperatorAlertAndLinesNamingTheCall() {
        var ids = IntStream.range(0, 40).mapToObj(i -> connection("merchant-" + i % 4, "A1DEPEND%05d".formatted(i))).toList();
        aws.secretsProxy().down();
        apps.all().forEach(secrets::forget);

        try (var logs = CapturedLogs.capture()) {
            var first = sweep.run();

            assertThat(first.total(SweepSummary::valid)).isZero();
            assertThat(logs.errors()).as("no line per connection").noneMatch(line -> line.contains("Checking amazon:"));
            assertThat(logs.errors()).filteredOn(line -> line.contains("OPERATOR: AWS")).isNotEmpty()
                    .hasSizeLessThanOrEqualTo(first.workers().size())
                    .allSatisfy(line -> assertThat(line).contains("SecretsManager GetSecretValue failed").contains("127.0.0.1"));
        }
        clock.advance(Duration.ofMinutes(30));
        sweep.run();

        var messages = inbox.settled();
        assertThat(messages).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("operator");
            assertThat(message.kind()).isEqualTo("AWS_DEPENDENCY_FAILING");
            assertThat(message.body()).contains("SecretsManager GetSecretValue failed").contains("check(s)");
        });
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);

        aws.secretsProxy().up();
        clock.advance(Duration.ofDays(1));
        assertThat(sweep.run().total(SweepSummary::valid)).isEqualTo(40);
        assertThat(table.withPrefix("INCIDENT#AWS_DEPENDENCY").stream().filter(i -> i.get("sk").s().equals("INCIDENT")))
                .singleElement().satisfies(incident -> assertThat(incident.get("status").s()).isEqualTo("RESOLVED"));
    }
}
