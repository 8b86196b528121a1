package dev.authkeeper.testing;

import java.util.List;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the AWS calls the application's SDK clients make, as "Service.Operation"; registered on
 * the DynamoDB and KMS clients through {@code quarkus.*.interceptors}.
 */
@Singleton
public class AwsCalls implements ExecutionInterceptor {

    /** The order of the first calls, enough for any one request; the counts cover benchmarks too. */
    private static final int ORDER_KEPT = 10_000;

    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(call, c -> new LongAdder()).increment();
        if (order.size() < ORDER_KEPT) {
            order.add(call);
        }
    }

    public void reset() {
        order.clear();
        counts.clear();
    }

    public List<String> all() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    public long count(String call) {
        return counts.getOrDefault(call, new LongAdder()).sum();
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
