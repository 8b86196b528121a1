package dev.authkeeper.benchmark;

import static dev.authkeeper.table.Attributes.s;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.Seeds;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Many connections, fast: the first of each marketplace stored the way the callback stores it, the
 * rest as copies of its item with their own id, merchant, origin and token (sealed for them), 25 to a
 * {@code BatchWriteItem}.
 * Their history entries are left out: no check reads them. One transaction and one read per
 * connection would take DynamoDB Local an hour and a half for 100,000.
 */
final class BulkSeeds {

    private static final int BATCH = 25;

    private final DynamoDbClient dynamo;
    private final String table;
    private final TokenCipher cipher;
    private final ConnectionRepository connections;
    private final Map<SeededMarketplace, Map<String, AttributeValue>> templates = new ConcurrentHashMap<>();

    BulkSeeds(DynamoDbClient dynamo, String table, TokenCipher cipher, ConnectionRepository connections) {
        this.dynamo = dynamo;
        this.table = table;
        this.cipher = cipher;
        this.connections = connections;
    }

    /**
     * Stores ACTIVE connections of {@code accounts} of {@code marketplace}, each with its refresh token, merchant and
     * authorization time; the first call for a marketplace must not run beside another for it.
     */
    void store(SeededMarketplace marketplace, List<String> accounts, List<String> tokens, List<String> merchants, Instant authorizedAt) {
        int from = 0;
        var template = templates.get(marketplace);
        if (template == null) {
            String account = accounts.get(0);
            var first = Seeds.stored(cipher, connections, marketplace.connection(account), marketplace.app(), merchants.get(0),
                    marketplace.origin(account), marketplace.flow(), new Secret(tokens.get(0)), authorizedAt, authorizedAt.plus(marketplace.life()));
            template = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(first)).consistentRead(true)).item();
            templates.put(marketplace, template);
            from = 1;
        }
        var writes = new ArrayList<WriteRequest>();
        for (int i = from; i < accounts.size(); i++) {
            String account = accounts.get(i);
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder()
                    .item(copy(template, marketplace.connection(account), marketplace.origin(account), merchants.get(i), new Secret(tokens.get(i))))
                    .build()).build());
            if (writes.size() == BATCH || i == accounts.size() - 1) {
                write(writes);
                writes = new ArrayList<>();
            }
        }
    }

    private Map<String, AttributeValue> copy(Map<String, AttributeValue> template, ConnectionId id, URI origin, String merchant, Secret token) {
        var item = new HashMap<>(template);
        item.put("origin", s(origin.toString()));
        item.put(TableLayout.PK, s(TableLayout.connectionKey(id)));
        item.put(TableLayout.CONNECTION_ID, s(id.value()));
        item.put("accountId", s(id.accountId()));
        item.put("merchantId", s(merchant));
        item.put(TableLayout.MERCHANT_KEY, s(merchant));
        item.put("token", TokenAttributes.sealedToken(cipher.seal(id.value(), token)));
        item.put(TableLayout.CHECK_PARTITION, s(TableLayout.checkPartition(id)));
        item.put(TableLayout.CHECK_ORDER, s(TableLayout.checkOrder(id)));
        return item;
    }

    private void write(List<WriteRequest> writes) {
        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
        while (!pending.isEmpty()) {
            var request = pending;
            pending = dynamo.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
        }
    }
}
