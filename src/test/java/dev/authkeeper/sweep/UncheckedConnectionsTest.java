package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A check that could not run must not read as VALID: its page was claimed (so the round's
 * progress says it was reached), but nothing was learnt about the authorization.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class UncheckedConnectionsTest extends SweepTestBase {

    @Inject
    ConnectionStatuses statuses;

    @Test
    void aTokenThatDoesNotOpenReadsAsAFailedCheckWithItsKindAndIsTriedAgainSoon() {
        var good = connection("merchant-1", "A1OPENS00001");
        var tampered = connection("merchant-1", "A1TAMPER0001");
        tamper(tampered);

        var run = sweep.run();

        assertThat(run.total(SweepSummary::tokensUnopenable)).isEqualTo(1);
        assertThat(run.total(SweepSummary::valid)).isEqualTo(1);
        var view = statuses.find(tampered, 0).orElseThrow();
        assertThat(view.status()).isEqualTo("ACTIVE");
        assertThat(view.lastCheckOutcome()).as("not VALID: the check never reached the marketplace").isEqualTo("FAILED");
        assertThat(view.lastCheckError()).isEqualTo(TableLayout.NOT_CHECKED + ConnectionChecks.TOKEN_UNOPENABLE);
        assertThat(statuses.find(good, 0).orElseThrow().lastCheckOutcome()).isEqualTo("VALID");
        assertThat(inbox.settled()).as("no merchant is blamed").isEmpty();

        // Tried again from the due index at the next planner run after the retry time, not a day later.
        clock.advance(Duration.ofMinutes(20));
        var retry = sweep.run();

        assertThat(retry.plan().dueShards()).isEqualTo(1);
        assertThat(retry.total(SweepSummary::tokensUnopenable)).isEqualTo(1);
        assertThat(retry.total(SweepSummary::valid)).as("the healthy one is not checked again").isZero();
    }

    /** One byte of the sealed token changed, on the item and so in the checks index. */
    private void tamper(ConnectionId id) {
        byte[] sealed = table.connection(id.value()).orElseThrow().get("token").b().asByteArray();
        sealed[sealed.length - 1] ^= 1;
        dynamo.updateItem(r -> r.tableName(LocalAwsResource.TABLE)
                .key(Map.of(TableLayout.PK, AttributeValue.fromS(TableLayout.connectionKey(id)),
                        TableLayout.SK, AttributeValue.fromS(TableLayout.CONNECTION_SORT)))
                .updateExpression("SET #token = :token")
                .expressionAttributeNames(Map.of("#token", "token"))
                .expressionAttributeValues(Map.of(":token", AttributeValue.fromB(SdkBytes.fromByteArray(sealed)))));
    }
}
