package dev.authkeeper.amazon;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.TokenResult;

/**
 * One call to the LWA token endpoint, its answer classified the way Amazon documents its errors:
 * {@code invalid_grant} concerns one authorization, {@code invalid_client} and friends concern
 * the whole app, throttling and outages are transient.
 */
@ApplicationScoped
public class LwaTokenEndpoint {

    private static final Logger LOG = Logger.getLogger(LwaTokenEndpoint.class);

    private final LwaApi api;
    private final ObjectMapper json;

    public LwaTokenEndpoint(@RestClient LwaApi api, ObjectMapper json) {
        this.api = api;
        this.json = json;
    }

    public TokenResult grant(Map<String, String> form) {
        var body = new MultivaluedHashMap<String, String>();
        form.forEach(body::add);
        try (Response response = call(body)) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            return classify(response.getStatus(), text, Optional.ofNullable(response.getHeaderString("Retry-After")));
        } catch (ProcessingException e) {
            LOG.warnf("LWA token endpoint unreachable or too slow: %s", e.getClass().getSimpleName());
            return new TokenResult.Transient("no answer from LWA (" + rootCause(e) + ")", Optional.empty());
        }
    }

    private Response call(MultivaluedHashMap<String, String> body) {
        try {
            return api.token(body);
        } catch (WebApplicationException e) {
            return e.getResponse();
        }
    }

    TokenResult classify(int status, String body, Optional<String> retryAfter) {
        if (status == 429 || status >= 500) {
            return new TokenResult.Transient("LWA answered HTTP " + status, retryAfter.flatMap(LwaTokenEndpoint::parseRetryAfter));
        }
        JsonNode answer = parse(body);
        if (status == 200) {
            String accessToken = answer.path("access_token").asText("");
            String refreshToken = answer.path("refresh_token").asText("");
            if (accessToken.isEmpty()) {
                return new TokenResult.Unexpected(status, "answer without access_token");
            }
            return new TokenResult.Granted(new Secret(accessToken), Duration.ofSeconds(answer.path("expires_in").asLong(3600)),
                    refreshToken.isEmpty() ? Optional.empty() : Optional.of(new Secret(refreshToken)));
        }
        String error = answer.path("error").asText("");
        return switch (error) {
            case "invalid_grant" -> new TokenResult.AuthorizationRejected(error);
            case "" -> new TokenResult.ApplicationRejected(status, "HTTP " + status + " without an error code");
            // invalid_client, unauthorized_client, invalid_request, unsupported_grant_type, invalid_scope…
            default -> new TokenResult.ApplicationRejected(status, sanitized(error));
        };
    }

    private JsonNode parse(String body) {
        try {
            return body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }

    /** Error codes are short identifiers; anything else is not repeated into logs or pages. */
    private static String sanitized(String error) {
        return error.matches("[a-z_]{1,40}") ? error : "unrecognised error";
    }

    static Optional<Duration> parseRetryAfter(String header) {
        String value = header.trim();
        if (value.matches("\\d{1,6}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            var at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
