package dev.authkeeper.sweep;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Moves connections stored before the round existed into it. They all sit in the due index (each
 * with a next check about a day ahead, or further); the planner walks that index once, shard by
 * shard within its time budget, and gives every ACTIVE connection without round keys its place in
 * the round (one conditional write each, once). Those due sooner are also moved by the worker that
 * checks them. Connections that need reauthorization keep their due entries: those are real.
 */
@ApplicationScoped
class LegacyMigration {

    private static final Logger LOG = Logger.getLogger(LegacyMigration.class);
    private static final Map<String, AttributeValue> MARKER = Map.of(TableLayout.PK, s("SWEEP#MIGRATION"), TableLayout.SK, s("checks-index"));

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    LegacyMigration(DynamoDbClient dynamo, AuthKeeperConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.table = config.table();
        this.clock = clock;
    }

    record Pass(int migrated, boolean done) {
    }

    Pass run(Instant deadline) {
        var marker = dynamo.getItem(r -> r.tableName(table).key(MARKER).consistentRead(true)).item();
        if (marker != null && marker.containsKey("done") && marker.get("done").bool()) {
            return new Pass(0, true);
        }
        int shard = marker == null ? 0 : number(marker, "shard").orElse(0L).intValue();
        int migrated = 0;
        for (; shard < TableLayout.DUE_SHARDS; shard++) {
            String dueShard = "due#" + shard;
            var keys = dynamo.queryPaginator(r -> r.tableName(table).indexName(TableLayout.DUE_INDEX)
                    .keyConditionExpression("#shard = :shard")
                    .expressionAttributeNames(Map.of("#shard", TableLayout.DUE_SHARD))
                    .expressionAttributeValues(Map.of(":shard", s(dueShard)))).items();
            for (var key : keys) {
                if (clock.instant().isAfter(deadline)) {
                    save(shard, false);
                    log(migrated, false);
                    return new Pass(migrated, false);
                }
                migrated += migrate(key.get(TableLayout.PK).s()) ? 1 : 0;
            }
        }
        save(shard, true);
        log(migrated, true);
        return new Pass(migrated, true);
    }

    private boolean migrate(String pk) {
        var id = dev.authkeeper.table.ConnectionId.parse(pk.substring(TableLayout.CONNECTION_PREFIX.length()));
        return Transactions.updateIfConditionHolds(dynamo, ItemUpdate.of(TableLayout.connectionItemKey(id))
                    .set(TableLayout.CHECK_PARTITION, s(TableLayout.checkPartition(id)))
                    .set(TableLayout.CHECK_ORDER, s(TableLayout.checkOrder(id)))
                    .remove(TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT)
                    .whenAbsent(TableLayout.CHECK_ORDER)
                    .whenAbsent("lastCheckError")
                    .when("status", "=", s(ConnectionStatus.ACTIVE.name()))
                    .request(table));
    }

    private void save(int shard, boolean done) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of(TableLayout.PK, MARKER.get(TableLayout.PK), TableLayout.SK,
                MARKER.get(TableLayout.SK), "shard", n(shard), "done", AttributeValue.fromBool(done))));
    }

    private static void log(int migrated, boolean done) {
        if (migrated > 0 || !done) {
            LOG.infof("Moved %d connection(s) stored before the round into it%s", migrated, done ? "; all are in it now"
                    : "; the rest follows in the next planner run");
        }
    }
}
