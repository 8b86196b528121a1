package dev.authkeeper.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.table.ConnectionId;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the test table directly, as an operator would, to see what a request really stored.
 * Branch keys ({@code BRANCH_KEY#…}) are left out and left alone, as a deployment keeps them for
 * good: tokens sealed under them would not open without them.
 */
public final class Table {

    private static final String BRANCH_KEY_PREFIX = "BRANCH_KEY#";

    private final DynamoDbClient dynamo;

    public Table(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    public List<Map<String, AttributeValue>> items() {
        return dynamo.scanPaginator(r -> r.tableName(LocalAwsResource.TABLE)).items().stream()
                .filter(item -> !item.get("pk").s().startsWith(BRANCH_KEY_PREFIX)).toList();
    }

    public List<Map<String, AttributeValue>> withPrefix(String prefix) {
        return items().stream().filter(item -> item.get("pk").s().startsWith(prefix)).toList();
    }

    public Optional<Map<String, AttributeValue>> connection(String connectionId) {
        return items().stream()
                .filter(item -> item.get("pk").s().equals("CONNECTION#" + connectionId) && item.get("sk").s().equals("CONNECTION"))
                .findFirst();
    }

    /** The kinds of a connection's alerts and events not sent yet, oldest first. */
    public List<String> pendingKinds(ConnectionId id) {
        return items().stream()
                .filter(item -> item.get("pk").s().equals("CONNECTION#" + id.value()) && item.get("sk").s().startsWith("ALERT#")
                        && item.containsKey("pendingAlert"))
                .sorted(java.util.Comparator.comparing(item -> item.get("sk").s()))
                .map(item -> item.get("kind").s())
                .toList();
    }

    /** The sealed refresh token stored on a connection. */
    public SealedToken token(ConnectionId id) {
        return TokenAttributes.sealedToken(connection(id.value()).orElseThrow());
    }

    /** A connection's history entries, oldest first. */
    public List<Map<String, AttributeValue>> history(ConnectionId id) {
        return items().stream()
                .filter(item -> item.get("pk").s().equals("CONNECTION#" + id.value()) && item.get("sk").s().startsWith("HISTORY#"))
                .sorted(java.util.Comparator.comparing(item -> item.get("sk").s()))
                .toList();
    }

    /** Forgets every cached access token, so the next request for one mints it with a refresh. */
    public void forgetAccessTokens() {
        items().stream().filter(item -> item.get("sk").s().equals("ACCESS_TOKEN"))
                .forEach(item -> dynamo.deleteItem(r -> r.tableName(LocalAwsResource.TABLE)
                        .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))));
    }

    public void clear() {
        for (var item : items()) {
            dynamo.deleteItem(r -> r.tableName(LocalAwsResource.TABLE).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
        }
    }
}
