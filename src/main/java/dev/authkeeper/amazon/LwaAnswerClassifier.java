package dev.authkeeper.amazon;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Every answer of the LWA token endpoint, sorted into one {@link TokenResult} the way Amazon
 * documents its errors (the error table of Amazon's facts file). Only the codes whose meaning is
 * certain conclude anything: {@code invalid_grant} about one authorization, {@code invalid_client}
 * and {@code unauthorized_client} about the app. Anything else is either worth another try
 * (throttling, outages, a body that is not JSON) or unexpected.
 */
final class LwaAnswerClassifier {

    /** What LWA documents when {@code expires_in} is left out. */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    /** Error codes are short identifiers; anything else is not repeated into logs or pages. */
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");

    private final ObjectReader json;
    private final MarketplaceFacts.Token token;

    LwaAnswerClassifier(ObjectMapper json, MarketplaceFacts.Token token) {
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.token = token;
    }

    TokenResult classify(int status, String body, Optional<String> retryAfter) {
        if (status == 429 || status >= 500) {
            return new TokenResult.Transient("LWA answered HTTP " + status, retryAfter.flatMap(LwaAnswerClassifier::parseRetryAfter));
        }
        if (status < 200 || (status >= 300 && status < 400)) {
            return new TokenResult.Unexpected(status, "HTTP " + status);
        }
        Optional<JsonNode> answer = object(body);
        if (answer.isEmpty()) {
            return new TokenResult.Transient("LWA answered HTTP " + status + " with a body that is not JSON", Optional.empty());
        }
        if (status == 200) {
            return granted(answer.get());
        }
        if (status < 300) {
            return new TokenResult.Unexpected(status, "HTTP " + status);
        }
        JsonNode error = answer.get().path("error");
        if (!error.isTextual() || error.asText().isEmpty()) {
            return new TokenResult.Unexpected(status, "HTTP " + status + " without an error code");
        }
        String code = ERROR_CODE.matcher(error.asText()).matches() ? error.asText() : "unrecognised error code";
        return switch (token.classify(code)) {
            case AUTHORIZATION -> new TokenResult.AuthorizationRejected(code);
            case APPLICATION -> new TokenResult.ApplicationRejected(status, code);
            case UNEXPECTED -> new TokenResult.Unexpected(status, "HTTP " + status + " " + code);
        };
    }

    private static TokenResult granted(JsonNode answer) {
        Optional<String> accessToken = text(answer, "access_token");
        if (accessToken.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without access_token");
        }
        JsonNode expiresIn = answer.path("expires_in");
        if (expiresIn.isMissingNode()) {
            return granted(answer, accessToken.get(), DEFAULT_LIFETIME);
        }
        // A whole number of seconds, as a JSON number or a string of digits.
        String seconds = expiresIn.isIntegralNumber() || expiresIn.isTextual() ? expiresIn.asText() : "";
        if (!SECONDS.matcher(seconds).matches() || Long.parseLong(seconds) == 0) {
            return new TokenResult.Unexpected(200, "HTTP 200 with an invalid expires_in");
        }
        return granted(answer, accessToken.get(), Duration.ofSeconds(Long.parseLong(seconds)));
    }

    private static TokenResult granted(JsonNode answer, String accessToken, Duration expiresIn) {
        return new TokenResult.Granted(new Secret(accessToken), expiresIn, text(answer, "refresh_token").map(Secret::new));
    }

    private static Optional<String> text(JsonNode answer, String field) {
        JsonNode value = answer.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** The body as a JSON object; empty for an HTML page, an empty or truncated body, or JSON of another shape. */
    private Optional<JsonNode> object(String body) {
        if (body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
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
}
