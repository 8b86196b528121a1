package dev.authkeeper.api;

import java.util.Optional;
import java.util.regex.Pattern;

import dev.authkeeper.http.ApiGatewayRequest;

/**
 * Who signed a request: the IAM principal API Gateway verified for an {@code AWS_IAM} route. Its
 * ARN is logged with what the request did; only a value shaped like an IAM or STS ARN counts.
 */
public record Caller(String principal) {

    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]{0,20}:(iam|sts)::[0-9]{12}:[A-Za-z0-9+=,.@_/-]{1,512}");

    /** The signing principal, or empty when API Gateway named none (the route is not IAM-authorized). */
    public static Optional<Caller> of(ApiGatewayRequest request) {
        return request.iam()
                .map(ApiGatewayRequest.Iam::userArn)
                .filter(arn -> ARN.matcher(arn).matches())
                .map(Caller::new);
    }

    @Override
    public String toString() {
        return principal;
    }
}
