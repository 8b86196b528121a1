package dev.authkeeper.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How large connection items are as DynamoDB bills them, after the benchmark's rounds: the item
 * itself and its entry in the {@code checks} index (the table's key, the index's key and the
 * attributes the index includes). Sizes follow DynamoDB's published rules: an attribute's name in
 * UTF-8 plus its value (a string's UTF-8 bytes, a number's digits halved plus one, a binary's bytes,
 * 1 for a boolean or null, 3 plus its elements, each with 1 more, for a map or list). A write unit
 * covers 1 KB of the larger of the old and new item; the index entry is written again when a
 * projected attribute changes.
 */
record ItemSizes(int sampled, int itemMedian, int itemMax, int indexMedian, int indexMax) {

    static ItemSizes sample(DynamoDbClient dynamo, String table, List<ConnectionId> ids) {
        var items = new ArrayList<Integer>();
        var entries = new ArrayList<Integer>();
        for (var id : ids) {
            var item = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(id)).consistentRead(true)).item();
            if (item.isEmpty()) {
                continue;
            }
            items.add(size(item));
            entries.add(size(item, Stream.concat(Stream.of(TableLayout.PK, TableLayout.SK, TableLayout.CHECK_PARTITION, TableLayout.CHECK_ORDER),
                    TableLayout.CHECKS_ATTRIBUTES.stream()).toList()));
        }
        if (items.isEmpty()) {
            throw new IllegalStateException("no connection item to measure");
        }
        items.sort(null);
        entries.sort(null);
        return new ItemSizes(items.size(), items.get(items.size() / 2), items.getLast(), entries.get(entries.size() / 2), entries.getLast());
    }

    /** Write units of a change to the item, and of the index entry when the change touches it. */
    int itemWriteUnits() {
        return (itemMax + 1023) / 1024;
    }

    int indexWriteUnits() {
        return (indexMax + 1023) / 1024;
    }

    static int size(Map<String, AttributeValue> item) {
        return item.entrySet().stream().mapToInt(e -> name(e.getKey()) + value(e.getValue())).sum();
    }

    private static int size(Map<String, AttributeValue> item, List<String> projected) {
        return projected.stream().filter(item::containsKey).mapToInt(name -> name(name) + value(item.get(name))).sum();
    }

    private static int name(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int value(AttributeValue v) {
        return switch (v.type()) {
            case S -> name(v.s());
            case N -> number(v.n());
            case B -> v.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> v.ss().stream().mapToInt(ItemSizes::name).sum();
            case NS -> v.ns().stream().mapToInt(ItemSizes::number).sum();
            case BS -> v.bs().stream().mapToInt(b -> b.asByteArray().length).sum();
            case M -> 3 + v.m().entrySet().stream().mapToInt(e -> 1 + name(e.getKey()) + value(e.getValue())).sum();
            case L -> 3 + v.l().stream().mapToInt(e -> 1 + value(e)).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("an attribute of an unknown type");
        };
    }

    private static int number(String n) {
        long digits = n.chars().filter(Character::isDigit).count();
        return (int) ((digits + 1) / 2 + 1);
    }
}
