package dev.authkeeper.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.HttpEndpoint;
import dev.authkeeper.http.InvalidRequest;

/**
 * The common frame of the API's functions, the JSON counterpart of {@link HttpEndpoint}: the
 * caller's IAM identity required (defence in depth behind {@code AWS_IAM} on every route), the
 * route found, bad input answered with {@code {"error", "message"}}, and no failure ever shown as
 * a stack trace or logged with a request value.
 */
@ApplicationScoped
public class ApiEndpoint {

    private static final Logger LOG = Logger.getLogger(ApiEndpoint.class);
    private static final int MAX_CAUSES = 8;

    private final ObjectMapper json;

    public ApiEndpoint(ObjectMapper json) {
        this.json = json;
    }

    /** Serves a request to {@code function}, one of {@link ApiRoute#TOKEN_FUNCTION} and {@link ApiRoute#CONNECTIONS_FUNCTION}. */
    public ApiGatewayResponse serve(String function, ApiGatewayRequest request, Function<ApiCall, ApiAnswer> handler) {
        MDC.put("route", function);
        request.requestId().ifPresent(id -> MDC.put("requestId", id));
        Optional<Caller> caller = Caller.of(request);
        try {
            if (caller.isEmpty()) {
                throw new ApiProblem(403, "no_identity", "This API answers only requests signed with AWS Signature Version 4 by an "
                        + "IAM principal allowed execute-api:Invoke on the route; this one names no such principal. Sign it with "
                        + "your role's credentials (awscurl, or the AWS SDK's signer).");
            }
            ApiRoute route = route(function, request);
            return respond(handler.apply(new ApiCall(route, request, caller.get())));
        } catch (ApiProblem e) {
            LOG.infof("Refused a %s request %s: %s", function, by(caller), e.getMessage());
            return respond(e.answer());
        } catch (InvalidRequest e) {
            LOG.infof("Refused a %s request %s: %s", function, by(caller), e.getMessage());
            return respond(ApiAnswer.error(e.status(), "bad_request", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.errorf(HttpEndpoint.withoutMessages(e, MAX_CAUSES), "The %s request %s failed", function, by(caller));
            return respond(ApiAnswer.error(500, "internal_error", "Something went wrong on AuthKeeper's side. Try again in a "
                    + "minute; if it keeps happening, ask your operators to look at the function's log."));
        } finally {
            MDC.remove("route");
            MDC.remove("requestId");
        }
    }

    /** The route of the event's route key; a known path with another method is 405, anything else 404. */
    private static ApiRoute route(String function, ApiGatewayRequest request) {
        String key = request.routeKey() == null ? "" : request.routeKey();
        var route = ApiRoute.of(key).filter(r -> r.function().equals(function));
        if (route.isPresent()) {
            return route.get();
        }
        String path = key.substring(key.indexOf(' ') + 1);
        String allowed = Arrays.stream(ApiRoute.values())
                .filter(r -> r.function().equals(function) && r.routeKey().endsWith(" " + path))
                .map(r -> r.routeKey().substring(0, r.routeKey().indexOf(' ')))
                .collect(Collectors.joining(", "));
        if (!allowed.isEmpty()) {
            throw new ApiProblem(405, "method_not_allowed", "This path takes " + allowed + " only.");
        }
        throw new ApiProblem(404, "no_such_route", "There is no such route. The routes are listed in docs/api/openapi.yaml "
                + "and docs/integrating/api.md.");
    }

    private static String by(Optional<Caller> caller) {
        return caller.map(c -> "by " + c.principal()).orElse("without an IAM identity");
    }

    private ApiGatewayResponse respond(ApiAnswer answer) {
        String body;
        try {
            body = answer.body() == null ? "" : json.writeValueAsString(answer.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answers are plain records", e);
        }
        return ApiGatewayResponse.json(answer.status(), body, answer.headers());
    }
}
