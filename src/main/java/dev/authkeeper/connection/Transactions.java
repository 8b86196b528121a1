package dev.authkeeper.connection;

import java.util.List;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Conditional writes, with a failed condition as a value and every other failure thrown. */
public final class Transactions {

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
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                return false;
            }
            throw e;
        }
    }
}
