package dev.authkeeper.crypto;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.TestClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The branch-key items of the test table, read and removed directly. */
record BranchKeyItems(DynamoDbClient dynamo) {

    List<Map<String, AttributeValue>> all() {
        return dynamo.scanPaginator(r -> r.tableName(LocalAwsResource.TABLE)).items().stream()
                .filter(item -> item.get("pk").s().startsWith(BranchKeyStore.PREFIX)).toList();
    }

    /** The ids of the branch keys themselves, without the pointer and the generation records. */
    List<UUID> keyIds() {
        return all().stream().map(item -> item.get("pk").s())
                .filter(pk -> !pk.equals(BranchKeyStore.ACTIVE) && !pk.startsWith(BranchKeyStore.GENERATION))
                .map(pk -> UUID.fromString(pk.substring(BranchKeyStore.PREFIX.length()))).toList();
    }

    UUID activeId() {
        return all().stream().filter(item -> item.get("pk").s().equals(BranchKeyStore.ACTIVE))
                .map(item -> UUID.fromString(item.get("branchKeyId").s())).findFirst().orElseThrow();
    }

    /** A table that has never sealed a token, an instance that has cached nothing, the clock and call counts reset. */
    static BranchKeyItems startWithoutBranchKeys(DynamoDbClient dynamo, BranchKeys branchKeys, TestClock clock, AwsCalls calls) {
        clock.reset();
        var items = new BranchKeyItems(dynamo);
        items.deleteAll();
        branchKeys.forget();
        calls.reset();
        return items;
    }

    Map<String, AttributeValue> item(String pk) {
        return dynamo.getItem(r -> r.tableName(LocalAwsResource.TABLE).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(BranchKeyStore.SORT)))).item();
    }

    void put(Map<String, AttributeValue> item) {
        dynamo.putItem(r -> r.tableName(LocalAwsResource.TABLE).item(item));
    }

    void deleteAll() {
        for (var item : all()) {
            dynamo.deleteItem(r -> r.tableName(LocalAwsResource.TABLE).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
        }
    }

    static UUID idOf(SealedToken sealed) {
        return HierarchicalFormat.branchKeyId(((SealedToken.Hierarchical) sealed).bytes());
    }
}
