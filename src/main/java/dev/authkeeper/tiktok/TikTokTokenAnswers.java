package dev.authkeeper.tiktok;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.JsonAnswer;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.RetryAfter;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Every answer of TikTok Shop's token calls, sorted into one {@link TokenResult}. TikTok answers
 * HTTP 200 with {@code {code, message, request_id, data}}; what each code means is in its facts
 * file ({@code token.envelope}), including the code it reuses for several failures and tells apart
 * by message. Throttling (HTTP 429), 5xx and a body that is not JSON are worth another try; any
 * other status concludes nothing. Descriptions carry the status and the numeric code only, never
 * the message. Expiry fields are absolute epoch seconds (or relative, as the facts file says).
 */
public final class TikTokTokenAnswers {

    private static final String ENDPOINT = "TikTok Shop";
    private static final Pattern CODE = Pattern.compile("\\d{1,12}");

    private final JsonAnswer json;
    private final MarketplaceFacts.Token token;
    private final MarketplaceFacts.Envelope envelope;
    private final Clock clock;

    public TikTokTokenAnswers(ObjectMapper json, MarketplaceFacts.Token token, Clock clock) {
        this.json = new JsonAnswer(json);
        this.token = token;
        this.envelope = token.envelope().orElseThrow(() -> new IllegalStateException("TikTok Shop's facts file names no token.envelope"));
        this.clock = clock;
    }

    public TokenResult classify(int status, String body, Optional<String> retryAfter) {
        if (status == 429 || status >= 500) {
            return new TokenResult.Transient(ENDPOINT + " answered HTTP " + status, retryAfter.flatMap(RetryAfter::parse));
        }
        if (status != 200) {
            return new TokenResult.Unexpected(status, "HTTP " + status);
        }
        Optional<JsonNode> answer = json.object(body);
        if (answer.isEmpty()) {
            return new TokenResult.Transient(ENDPOINT + " answered HTTP 200 with a body that is not JSON", Optional.empty());
        }
        JsonNode codeNode = answer.get().path("code");
        String code = codeNode.isIntegralNumber() || codeNode.isTextual() ? codeNode.asText() : "";
        if (!CODE.matcher(code).matches()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without a numeric code");
        }
        // The message only picks a rule of the facts file; it is never repeated.
        String message = JsonAnswer.text(answer.get(), "message").orElse("");
        return switch (envelope.classify(code, message)) {
            case GRANTED -> granted(answer.get().path("data"));
            case AUTHORIZATION -> new TokenResult.AuthorizationRejected("code " + code);
            case APPLICATION -> new TokenResult.ApplicationRejected(200, "code " + code);
            case TRANSIENT -> new TokenResult.Transient(ENDPOINT + " answered code " + code, retryAfter.flatMap(RetryAfter::parse));
            case UNEXPECTED -> new TokenResult.Unexpected(200, "HTTP 200 code " + code);
        };
    }

    private TokenResult granted(JsonNode data) {
        Optional<String> accessToken = JsonAnswer.text(data, "access_token");
        Optional<String> refreshToken = JsonAnswer.text(data, "refresh_token");
        if (accessToken.isEmpty() || refreshToken.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 code 0 without access_token and refresh_token");
        }
        Optional<Duration> accessLife = lifetime(data.path("access_token_expire_in"));
        Optional<Duration> refreshLife = lifetime(data.path("refresh_token_expire_in"));
        if (accessLife.isEmpty() || refreshLife.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 code 0 with a missing, invalid or past expiry");
        }
        return new TokenResult.Granted(new Secret(accessToken.get()), accessLife.get(), refreshToken.map(Secret::new), refreshLife,
                JsonAnswer.text(data, "open_id"));
    }

    /** How long from now, whichever way the facts file says the field is encoded; empty unless positive. */
    private Optional<Duration> lifetime(JsonNode field) {
        String digits = field.isTextual() || field.isIntegralNumber() ? field.asText() : "";
        if (!CODE.matcher(digits).matches()) {
            return Optional.empty();
        }
        long seconds = Long.parseLong(digits);
        Duration life = token.expiryEncoding().orElse(MarketplaceFacts.ExpiryEncoding.RELATIVE) == MarketplaceFacts.ExpiryEncoding.ABSOLUTE
                ? Duration.between(clock.instant(), Instant.ofEpochSecond(seconds)) : Duration.ofSeconds(seconds);
        return life.isPositive() ? Optional.of(life) : Optional.empty();
    }
}
