package dev.authkeeper.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who may send to the notifications queue, from {@code template.yaml} (MiniStack enforces no queue
 * policy): Amazon's account, and nobody else, a principal of the stack's own account included.
 */
class NotificationsQueueTemplateTest {

    private static final String AMAZON = "437568002678";

    @Test
    void onlyAmazonsAccountSendsToTheNotificationsQueue() {
        JsonNode resources = StackTemplate.resources();
        var statements = new ArrayList<JsonNode>();
        resources.at("/NotificationsQueuePolicy/Properties/PolicyDocument/Statement").forEach(statements::add);

        List<JsonNode> allows = statements.stream().filter(s -> s.path("Effect").asText().equals("Allow")).toList();
        assertThat(allows).allSatisfy(s -> assertThat(s.at("/Principal/AWS").asText()).contains(":iam::" + AMAZON + ":root"));
        JsonNode deny = statements.stream().filter(s -> s.path("Sid").asText().equals("OnlyAmazonSends")).findFirst().orElseThrow();
        assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
        assertThat(deny.path("Principal").asText()).isEqualTo("*");
        assertThat(deny.path("Action").asText()).isEqualTo("sqs:SendMessage");
        assertThat(deny.path("Resource").asText()).isEqualTo("NotificationsQueue.Arn");
        assertThat(deny.at("/Condition/StringNotEquals/aws:PrincipalAccount").asText()).isEqualTo(AMAZON);
        assertThat(deny.at("/Condition").size()).as("no other condition narrows the deny but the AWS-service exemption").isEqualTo(2);
        assertThat(deny.at("/Condition/Bool/aws:ViaAWSService").asText()).isEqualTo("false");
    }
}
