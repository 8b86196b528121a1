package dev.authkeeper.marketplace;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every OAuth 2.0 token endpoint's answer means whatever the marketplace (RFC 6749 §5):
 * throttling and 5xx are worth another try, as is a body that is not a JSON object (a proxy's
 * page, a cut body); an informational, redirect or odd 2xx status concludes nothing. What a success
 * and each error code mean is the marketplace's to say. Error codes are short identifiers; any
 * other text in that field is never passed on, so it cannot reach a log line or a page.
 */
public final class OAuthTokenAnswers {

    /** What one error code means, given the status and the whole answer; {@code code} is sanitized. */
    @FunctionalInterface
    public interface ErrorMeaning {
        TokenResult classify(int status, String code, JsonNode answer);
    }

    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");

    private final JsonAnswer json;
    private final String endpoint;
    private final Function<JsonNode, TokenResult> success;
    private final ErrorMeaning error;

    /** {@code endpoint} names the endpoint in descriptions, such as {@code LWA}. */
    public OAuthTokenAnswers(ObjectMapper json, String endpoint, Function<JsonNode, TokenResult> success, ErrorMeaning error) {
        this.json = new JsonAnswer(json);
        this.endpoint = endpoint;
        this.success = success;
        this.error = error;
    }

    public TokenResult classify(int status, String body, Optional<String> retryAfter) {
        if (status == 429 || status >= 500) {
            return new TokenResult.Transient(endpoint + " answered HTTP " + status, retryAfter.flatMap(RetryAfter::parse));
        }
        if (status < 200 || (status >= 300 && status < 400)) {
            return new TokenResult.Unexpected(status, "HTTP " + status);
        }
        Optional<JsonNode> answer = json.object(body);
        if (answer.isEmpty()) {
            return new TokenResult.Transient(endpoint + " answered HTTP " + status + " with a body that is not JSON", Optional.empty());
        }
        if (status == 200) {
            return success.apply(answer.get());
        }
        if (status < 300) {
            return new TokenResult.Unexpected(status, "HTTP " + status);
        }
        Optional<String> code = JsonAnswer.text(answer.get(), "error");
        if (code.isEmpty()) {
            return new TokenResult.Unexpected(status, "HTTP " + status + " without an error code");
        }
        return error.classify(status, ERROR_CODE.matcher(code.get()).matches() ? code.get() : "unrecognised error code", answer.get());
    }

    /**
     * What each error code means as the marketplace's facts file classifies it: one authorization,
     * the app's own credentials, or nothing concluded (every code the file does not name), unless
     * the file names the exact description as one that says the authorization is dead.
     */
    public static ErrorMeaning byErrorTable(MarketplaceFacts.Token token) {
        return (status, code, answer) -> {
            // Only a description the facts file names word for word is repeated: it is known text, never the marketplace's free text.
            String description = JsonAnswer.text(answer, "error_description").orElse("");
            if (token.dead(code, description)) {
                return new TokenResult.AuthorizationRejected(code + " (" + description + ")");
            }
            return switch (token.classify(code)) {
                case AUTHORIZATION -> new TokenResult.AuthorizationRejected(code);
                case APPLICATION -> new TokenResult.ApplicationRejected(status, code);
                case UNEXPECTED -> unexpected(status, code);
            };
        };
    }

    /** An error code that concludes nothing, described by the status and the sanitized code. */
    public static TokenResult unexpected(int status, String code) {
        return new TokenResult.Unexpected(status, "HTTP " + status + " " + code);
    }
}
