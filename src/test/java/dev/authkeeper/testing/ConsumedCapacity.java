package dev.authkeeper.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Singleton;

import dev.authkeeper.table.TableLayout;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Adds up the DynamoDB capacity the application's requests consume, by what they read or write:
 * asks for it on every request ({@code ReturnConsumedCapacity=INDEXES}, which DynamoDB Local
 * answers too) and sums what the responses report. Writes are told apart by the key prefix of the
 * items they touch ({@code CONNECTION#}, {@code SWEEP#}, {@code RUN#}, {@code GUARD#}, …), reads by
 * index. Registered like {@link AwsCalls}, in the benchmark's profile only.
 */
@Singleton
public class ConsumedCapacity implements ExecutionInterceptor {

    /** One kind of request: how many, and the capacity units they consumed (of which in global secondary indexes). */
    public record Use(long calls, double units, double indexUnits) {
    }

    private record Sum(LongAdder calls, DoubleSum units, DoubleSum indexUnits) {
        Sum() {
            this(new LongAdder(), new DoubleSum(), new DoubleSum());
        }
    }

    /** A thread-safe sum of capacity units, which come in halves. */
    private static final class DoubleSum {
        private final LongAdder halves = new LongAdder();

        void add(double units) {
            halves.add(Math.round(units * 2));
        }

        double sum() {
            return halves.sum() / 2.0;
        }
    }

    private final Map<String, Sum> sums = new ConcurrentHashMap<>();
    private final LongAdder connectionWrites = new LongAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var total = ReturnConsumedCapacity.INDEXES;
        return switch (context.request()) {
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case ScanRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> context.request();
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        List<String> written = writtenPrefixes(request);
        if (written.contains(TableLayout.CONNECTION_PREFIX)) {
            connectionWrites.increment();
        }
        String kind = request.getClass().getSimpleName().replace("Request", "") + " " + (written.isEmpty() ? read(request)
                : written.stream().distinct().sorted().collect(Collectors.joining("+")));
        var sum = sums.computeIfAbsent(kind, k -> new Sum());
        sum.calls().increment();
        for (var capacity : consumed(context.response())) {
            sum.units().add(Optional.ofNullable(capacity.capacityUnits()).orElse(0.0));
            if (capacity.globalSecondaryIndexes() != null) {
                capacity.globalSecondaryIndexes().values().stream().map(Capacity::capacityUnits)
                        .forEach(units -> sum.indexUnits().add(Optional.ofNullable(units).orElse(0.0)));
            }
        }
    }

    /** What was used since the last reset, by kind ("Query checks", "UpdateItem SWEEP#", "TransactWriteItems ALERT#+CONNECTION#"). */
    public Map<String, Use> uses() {
        var uses = new TreeMap<String, Use>();
        sums.forEach((kind, sum) -> uses.put(kind, new Use(sum.calls().sum(), sum.units().sum(), sum.indexUnits().sum())));
        return uses;
    }

    /** Write requests that touched a connection's item (or its history or alerts) since the last reset. */
    public long connectionWrites() {
        return connectionWrites.sum();
    }

    public void reset() {
        sums.clear();
        connectionWrites.reset();
    }

    private static String read(SdkRequest request) {
        return switch (request) {
            case QueryRequest query -> Optional.ofNullable(query.indexName()).orElse("table");
            case GetItemRequest get -> prefix(get.key());
            case BatchGetItemRequest batch -> batch.requestItems().values().stream().flatMap(k -> k.keys().stream())
                    .map(ConsumedCapacity::prefix).distinct().sorted().collect(Collectors.joining("+"));
            default -> "";
        };
    }

    private static List<String> writtenPrefixes(SdkRequest request) {
        return switch (request) {
            case PutItemRequest put -> List.of(prefix(put.item()));
            case UpdateItemRequest update -> List.of(prefix(update.key()));
            case DeleteItemRequest delete -> List.of(prefix(delete.key()));
            case TransactWriteItemsRequest transaction -> transaction.transactItems().stream().map(ConsumedCapacity::prefix).toList();
            case BatchWriteItemRequest batch -> batch.requestItems().values().stream().flatMap(List::stream)
                    .map(w -> prefix(w.putRequest() != null ? w.putRequest().item() : w.deleteRequest().key())).toList();
            default -> List.of();
        };
    }

    private static String prefix(TransactWriteItem item) {
        return prefix(Stream.of(
                        Optional.ofNullable(item.put()).map(p -> p.item()),
                        Optional.ofNullable(item.update()).map(u -> u.key()),
                        Optional.ofNullable(item.delete()).map(d -> d.key()),
                        Optional.ofNullable(item.conditionCheck()).map(c -> c.key()))
                .flatMap(Optional::stream).findFirst().orElse(Map.of()));
    }

    /** The item's key up to its first {@code #}: {@code CONNECTION#}, {@code SWEEP#}, {@code RUN#}. */
    private static String prefix(Map<String, AttributeValue> key) {
        String pk = Optional.ofNullable(key.get("pk")).map(AttributeValue::s).orElse("?");
        int hash = pk.indexOf('#');
        return hash < 0 ? pk : pk.substring(0, hash + 1);
    }

    private static List<software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity> consumed(SdkResponse response) {
        var consumed = switch (response) {
            case GetItemResponse r -> Stream.ofNullable(r.consumedCapacity());
            case QueryResponse r -> Stream.ofNullable(r.consumedCapacity());
            case ScanResponse r -> Stream.ofNullable(r.consumedCapacity());
            case PutItemResponse r -> Stream.ofNullable(r.consumedCapacity());
            case UpdateItemResponse r -> Stream.ofNullable(r.consumedCapacity());
            case DeleteItemResponse r -> Stream.ofNullable(r.consumedCapacity());
            case TransactWriteItemsResponse r -> r.consumedCapacity().stream();
            case BatchWriteItemResponse r -> r.consumedCapacity().stream();
            case BatchGetItemResponse r -> r.consumedCapacity().stream();
            default -> Stream.<software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity>empty();
        };
        return consumed.toList();
    }
}
