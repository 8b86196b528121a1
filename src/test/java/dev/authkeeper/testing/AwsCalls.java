package dev.authkeeper.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counts the AWS calls the application's SDK clients make, as "Service.Operation"; registered on
 * the application's clients through {@code quarkus.*.interceptors}, with the partitions every
 * DynamoDB write touches (to show what a path writes, and that a healthy check writes nothing).
 * A test can also land a concurrent change at an exact point of a path ({@link #beforeNext}, {@link #afterNext}): the
 * race it reproduces is then the same every run. And it can send one service's calls through a
 * {@link FaultProxy} ({@link #routeThrough}), which answers chosen ones as the service does when it
 * throttles, denies or cancels: the client's own retries, timeouts and error handling then run as
 * against AWS.
 */
@Singleton
public class AwsCalls implements ExecutionInterceptor {

    /** The order of the first calls, enough for any one request; the counts cover benchmarks too. */
    private static final int ORDER_KEPT = 10_000;

    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final List<String> writtenKeys = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final List<Interleaving> interleavings = new CopyOnWriteArrayList<>();

    private final List<Interleaving> afterwards = new CopyOnWriteArrayList<>();
    /** Services ("DynamoDb", "Kms") whose calls go to another endpoint until {@link #reset}. */
    private final Map<String, URI> routes = new ConcurrentHashMap<>();

    private record Interleaving(Predicate<SdkRequest> request, Runnable change) {
    }

    /**
     * Runs {@code change} once, on the calling thread, just before the next request {@code before}
     * matches is sent: another writer's change landing between what a path read and what it writes.
     */
    public void beforeNext(Predicate<SdkRequest> before, Runnable change) {
        interleavings.add(new Interleaving(before, change));
    }

    /** Runs {@code change} once, on the calling thread, just after the next request {@code after} matches was answered. */
    public void afterNext(Predicate<SdkRequest> after, Runnable change) {
        afterwards.add(new Interleaving(after, change));
    }

    /** Sends every call of {@code service} ("DynamoDb", "Kms") to {@code endpoint} (a {@link FaultProxy}) until {@link #reset}. */
    public void routeThrough(String service, URI endpoint) {
        routes.put(service, endpoint);
    }

    /** Once per call, before signing and before any attempt: every retry of the call goes the same way. */
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        URI endpoint = routes.get(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
        if (endpoint == null) {
            return context.httpRequest();
        }
        return context.httpRequest().toBuilder().protocol(endpoint.getScheme()).host(endpoint.getHost()).port(endpoint.getPort()).build();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        interleave(afterwards, context.request());
    }

    private static void interleave(List<Interleaving> interleavings, SdkRequest request) {
        for (var interleaving : interleavings) {
            // Removed first: the change's own calls pass through here too.
            if (interleaving.request().test(request) && interleavings.remove(interleaving)) {
                interleaving.change().run();
            }
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(call, c -> new LongAdder()).increment();
        if (order.size() < ORDER_KEPT) {
            order.add(call);
        }
        if (writtenKeys.size() < ORDER_KEPT) {
            writtenKeys.addAll(writtenPartitions(context.request()));
        }
        interleave(interleavings, context.request());
    }

    /** The partition keys ({@code pk}) a DynamoDB write request touches. */
    private static List<String> writtenPartitions(SdkRequest request) {
        return switch (request) {
            case PutItemRequest put -> List.of(put.item().get("pk").s());
            case UpdateItemRequest update -> List.of(update.key().get("pk").s());
            case DeleteItemRequest delete -> List.of(delete.key().get("pk").s());
            case TransactWriteItemsRequest transaction -> transaction.transactItems().stream().map(AwsCalls::partition).toList();
            default -> List.of();
        };
    }

    private static String partition(TransactWriteItem item) {
        if (item.put() != null) {
            return item.put().item().get("pk").s();
        }
        if (item.update() != null) {
            return item.update().key().get("pk").s();
        }
        if (item.delete() != null) {
            return item.delete().key().get("pk").s();
        }
        return item.conditionCheck().key().get("pk").s();
    }

    /** Every DynamoDB item partition written since the last reset, in order (a transaction's items each). */
    public List<String> writtenPartitions() {
        synchronized (writtenKeys) {
            return List.copyOf(writtenKeys);
        }
    }

    public void reset() {
        routes.clear();
        interleavings.clear();
        afterwards.clear();
        order.clear();
        counts.clear();
        writtenKeys.clear();
    }

    public List<String> all() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    public long count(String call) {
        return counts.getOrDefault(call, new LongAdder()).sum();
    }

    /** Every call made since the last reset, counted by "Service.Operation", in name order. */
    public Map<String, Long> counts() {
        var all = new java.util.TreeMap<String, Long>();
        counts.forEach((call, count) -> all.put(call, count.sum()));
        return all;
    }

    /** All calls to one service ("DynamoDb", "Kms", "Sns"). */
    public long countService(String service) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(service + ".")).mapToLong(e -> e.getValue().sum()).sum();
    }

    /** Calls that change DynamoDB. */
    public List<String> dynamoWrites() {
        return all().stream()
                .filter(c -> c.matches("DynamoDb\\.(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)"))
                .toList();
    }
}
