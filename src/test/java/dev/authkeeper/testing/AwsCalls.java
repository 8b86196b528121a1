package dev.authkeeper.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    public void reset() {
        calls.clear();
    }

    public List<String> all() {
        return List.copyOf(calls);
    }

    public long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    /** Calls that change DynamoDB. */
    public List<String> dynamoWrites() {
        return calls.stream()
                .filter(c -> c.startsWith("DynamoDb."))
                .filter(c -> c.matches("DynamoDb\\.(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)"))
                .toList();
    }
}
