package dev.authkeeper.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.authkeeper.testing.FaultProxy;
import dev.authkeeper.testing.ProxiedDynamoDb;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Transactions against DynamoDB Local. DynamoDB Local runs transactions one at a time and never
 * cancels one for a conflict, so a proxy in front of it answers chosen calls as DynamoDB does when
 * another transaction holds one of the items: canceled, nothing written, reason TransactionConflict.
 */
class TransactionsTest {

    static final String TABLE = "transactions-test";
    static final String TRANSACT = "TransactWriteItems";

    @RegisterExtension
    static final ProxiedDynamoDb DYNAMODB = new ProxiedDynamoDb(TABLE);

    /** DynamoDB's answer when another transaction is under way on the second item. */
    static FaultProxy.Answer conflict(FaultProxy.Call call, FaultProxy.Upstream upstream) {
        return FaultProxy.Answer.json(400, """
                {"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",\
                "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",\
                "CancellationReasons":[{"Code":"None"},{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}]}""");
    }

    @Test
    void aTransactionCanceledForAConflictIsTriedAgainAndLandsOnce() {
        int before = DYNAMODB.proxy().calls(TRANSACT);
        DYNAMODB.proxy().fault(TRANSACT, 2, TransactionsTest::conflict);

        assertThat(Transactions.writeIfConditionsHold(DYNAMODB.client(), List.of(increment("A"), increment("B")))).isTrue();

        assertThat(DYNAMODB.proxy().calls(TRANSACT) - before).as("two conflicts, then the write").isEqualTo(3);
        assertThat(count("A")).isEqualTo(1);
        assertThat(count("B")).isEqualTo(1);
    }

    @Test
    void aConflictThatDoesNotClearIsThrownAfterBoundedAttempts() {
        int before = DYNAMODB.proxy().calls(TRANSACT);
        DYNAMODB.proxy().fault(TRANSACT, 100, TransactionsTest::conflict);

        assertThatThrownBy(() -> Transactions.writeIfConditionsHold(DYNAMODB.client(), List.of(increment("E"))))
                .isInstanceOfSatisfying(TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons()).anyMatch(r -> "TransactionConflict".equals(r.code())));
        assertThat(DYNAMODB.proxy().calls(TRANSACT) - before).isEqualTo(Transactions.ATTEMPTS);
    }

    @Test
    void aFailedConditionIsAnAnswerAndIsNotTriedAgain() {
        var guarded = TransactWriteItem.builder().update(u -> u.tableName(TABLE).key(key("C"))
                .updateExpression("ADD n :one").conditionExpression("attribute_not_exists(pk)")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
        assertThat(Transactions.writeIfConditionsHold(DYNAMODB.client(), List.of(guarded, increment("D")))).isTrue();
        int before = DYNAMODB.proxy().calls(TRANSACT);

        assertThat(Transactions.writeIfConditionsHold(DYNAMODB.client(), List.of(guarded, increment("D")))).isFalse();

        assertThat(DYNAMODB.proxy().calls(TRANSACT) - before).isEqualTo(1);
        assertThat(count("D")).as("the refused transaction wrote nothing").isEqualTo(1);
    }

    private static TransactWriteItem increment(String item) {
        return TransactWriteItem.builder().update(u -> u.tableName(TABLE).key(key(item)).updateExpression("ADD n :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
    }

    private static Map<String, AttributeValue> key(String item) {
        return Map.of(TableLayout.PK, AttributeValue.fromS("TEST#" + item), TableLayout.SK, AttributeValue.fromS("TEST"));
    }

    private static int count(String item) {
        return Integer.parseInt(DYNAMODB.client().getItem(r -> r.tableName(TABLE).key(key(item)).consistentRead(true)).item().get("n").n());
    }
}
