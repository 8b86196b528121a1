package dev.authkeeper.aws;

import java.net.URI;
import java.util.Optional;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * On every AWS client ({@code quarkus.<service>.interceptors}, {@code dev.authkeeper.aws.AwsClients}):
 * names the service, operation, error and endpoint host of a failed call on its exception, which
 * otherwise says little more than its type when no answer came.
 */
public class FailedCalls implements ExecutionInterceptor {

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable e = context.exception();
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String host = context.httpRequest().map(SdkHttpRequest::host)
                .or(() -> Optional.ofNullable(attributes.getAttribute(SdkExecutionAttribute.CLIENT_ENDPOINT)).map(URI::getHost))
                .orElse("no endpoint reached");
        String error = e instanceof AwsServiceException answered && answered.awsErrorDetails() != null ? FailedCall.error(answered)
                : context.httpResponse().map(r -> "HTTP " + r.statusCode()).orElse("no answer: " + e.getClass().getSimpleName()
                        + FailedCall.rootCause(e));
        e.addSuppressed(new FailedCall.Marker(new FailedCall(service, operation, error, host)));
        return e;
    }
}
