package dev.authkeeper.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The worker function as Lambda invokes it: SQS events from the event source mapping, and support's "check now". */
@QuarkusTest
@TestProfile(Profiles.SweepWorkerFunction.class)
@WithTestResource(LocalAwsResource.class)
class SweepWorkerFunctionTest extends SweepTestBase {

    @Test
    void anEventNamingAConnectionChecksItNowAndAnswersWithWhatItFound() {
        var id = connection("merchant-o", "A1ONECONN0001");
        amazon.revoke("A1ONECONN0001");

        var summary = Lambda.invokeJson(Map.of("connection", id.value()));

        assertThat(summary.get("checked")).isEqualTo(1);
        assertThat(summary.get("needsReauthorization")).isEqualTo(1);
        assertThat(status(id)).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
    }

    @Test
    void anSqsEventRunsEachUnitAndReportsOnlyTheRecordThatFailed() {
        var ids = IntStream.range(0, 20).mapToObj(i -> connection("merchant-" + i, "A1FROMSQS" + String.format("%04d", i))).toList();
        planner.plan();
        var sqs = LocalProvisioning.sqs(aws.ministackEndpoint());
        var records = new ArrayList<Map<String, Object>>();
        while (true) {
            var messages = sqs.receiveMessage(r -> r.queueUrl(aws.sweepQueueUrl()).maxNumberOfMessages(10)).messages();
            if (messages.isEmpty()) {
                break;
            }
            messages.forEach(m -> records.add(record(m.messageId(), m.body())));
        }
        records.add(record("not-a-unit", "{\"kind\":\"no-such-kind\"}"));

        var answer = Lambda.invokeJson(Map.of("Records", records));

        assertThat(records).hasSize(5);
        assertThat(answer.get("batchItemFailures")).asList().singleElement()
                .satisfies(failure -> assertThat(failure).asString().contains("not-a-unit"));
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(ids.size());
        assertThat(ids).allMatch(id -> status(id) == ConnectionStatus.ACTIVE);
    }

    /** An SQS record as Lambda's event source mapping delivers it. */
    private Map<String, Object> record(String messageId, String body) {
        var record = new LinkedHashMap<String, Object>();
        record.put("messageId", messageId);
        record.put("receiptHandle", "handle-" + messageId);
        record.put("body", body);
        record.put("attributes", Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1732890000000"));
        record.put("messageAttributes", Map.of());
        record.put("md5OfBody", "");
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:" + LocalAwsResource.TABLE + "-sweep-units");
        record.put("awsRegion", "us-east-1");
        return record;
    }
}
