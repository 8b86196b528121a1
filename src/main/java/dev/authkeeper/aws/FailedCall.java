package dev.authkeeper.aws;

import java.util.Optional;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What on-call needs of a failed AWS call, and nothing of its request: the service, the operation,
 * the error code with the HTTP status (or, without an answer, the kind of failure), and the
 * endpoint's host. {@link FailedCalls} attaches it to the exception the SDK throws.
 */
public record FailedCall(String service, String operation, String error, String host) {

    @Override
    public String toString() {
        return service + " " + operation + " failed (" + error + ") at " + host;
    }

    /** The failed call {@code e} or one of its causes carries; else what the exception itself says (a client that could not be built). */
    public static Optional<FailedCall> of(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            for (Throwable suppressed : cause.getSuppressed()) {
                if (suppressed instanceof Marker marker) {
                    return Optional.of(marker.call);
                }
            }
            if (cause instanceof SdkException sdk) {
                return Optional.of(unattributed(sdk));
            }
        }
        return Optional.empty();
    }

    /** An SDK failure outside any call's interceptors: only the exception tells what went wrong. */
    private static FailedCall unattributed(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return new FailedCall(service.awsErrorDetails().serviceName(), "call", error(service), "its endpoint");
        }
        return new FailedCall("AWS", "client", e.getClass().getSimpleName() + rootCause(e), "no endpoint reached");
    }

    static String error(AwsServiceException e) {
        return e.awsErrorDetails().errorCode() + ", HTTP " + e.statusCode();
    }

    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == e ? "" : ": " + root.getClass().getSimpleName();
    }

    /** Carries the call on the exception, as a suppressed one: the exception's own type, which callers catch, stays as it is. */
    static final class Marker extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final transient FailedCall call;

        Marker(FailedCall call) {
            super(call.toString(), null, false, false);
            this.call = call;
        }
    }
}
