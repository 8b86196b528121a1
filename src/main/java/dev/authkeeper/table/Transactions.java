package dev.authkeeper.table;

import java.time.Duration;
import java.util.List;

import dev.authkeeper.config.Backoff;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Conditional writes, with a failed condition as a value and every other failure thrown. A
 * transaction DynamoDB cancels because another one holds one of its items wrote nothing, so it is
 * tried again, a few times with jittered pauses; its conditions are evaluated afresh each time.
 */
public final class Transactions {

    /** Attempts at a transaction that DynamoDB keeps canceling for conflicts with others. */
    static final int ATTEMPTS = 4;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(20);

    private Transactions() {
    }

    /** Applies the update, or nothing and false when its condition does not hold. */
    public static boolean updateIfConditionHolds(DynamoDbClient dynamo, UpdateItemRequest update) {
        try {
            dynamo.updateItem(update);
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Writes all items, or none and false when one of their conditions does not hold. */
    public static boolean writeIfConditionsHold(DynamoDbClient dynamo, List<TransactWriteItem> items) {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return true;
            } catch (TransactionCanceledException e) {
                if (hasReason(e, "ConditionalCheckFailed")) {
                    return false;
                }
                if (!hasReason(e, "TransactionConflict") || attempt == ATTEMPTS) {
                    throw e;
                }
            }
            Backoff.pause(Backoff.withJitter(pause));
            pause = pause.multipliedBy(2);
        }
    }

    private static boolean hasReason(TransactionCanceledException e, String code) {
        return e.cancellationReasons().stream().anyMatch(reason -> code.equals(reason.code()));
    }
}
