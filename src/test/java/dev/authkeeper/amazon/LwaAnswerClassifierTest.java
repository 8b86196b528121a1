package dev.authkeeper.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.MarketplaceFactsFiles;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.TokenResult;

/** One test per row of the README's table "Every LWA answer, classified" (the rows without an answer are end to end). */
class LwaAnswerClassifierTest {

    /** Text from an answer's body that must never reach a description, a log line or a page. */
    static final String DETAIL = "detail-from-the-body";

    final LwaAnswerClassifier classifier = new LwaAnswerClassifier(new ObjectMapper(),
            new MarketplaceFactsFiles(new ObjectMapper()).load("amazon").token());

    TokenResult classify(int status, String body) {
        return classifier.classify(status, body, Optional.empty());
    }

    static String error(String code) {
        return "{\"error_description\":\"" + DETAIL + "\",\"error\":\"" + code + "\"}";
    }

    @Test
    void aSuccessWithBothTokensIsGranted() {
        var result = classify(200, "{\"access_token\":\"Atza|a\",\"refresh_token\":\"Atzr|r\",\"token_type\":\"bearer\",\"expires_in\":3600}");

        assertThat(result).isEqualTo(new TokenResult.Granted(new Secret("Atza|a"), Duration.ofHours(1), Optional.of(new Secret("Atzr|r"))));
    }

    @Test
    void aSuccessWithoutRefreshTokenIsGrantedWithoutOne() {
        var result = classify(200, "{\"access_token\":\"Atza|a\",\"token_type\":\"bearer\",\"expires_in\":1800}");

        assertThat(result).isEqualTo(new TokenResult.Granted(new Secret("Atza|a"), Duration.ofMinutes(30), Optional.empty()));
    }

    @Test
    void aSuccessWithoutExpiresInLastsTheDocumentedHour() {
        var result = classify(200, "{\"access_token\":\"Atza|a\",\"refresh_token\":\"Atzr|r\",\"expires_in\":\"600\"}");
        var withoutExpiry = classify(200, "{\"access_token\":\"Atza|a\",\"refresh_token\":\"Atzr|r\"}");

        assertThat(result).isInstanceOfSatisfying(TokenResult.Granted.class,
                granted -> assertThat(granted.expiresIn()).isEqualTo(Duration.ofMinutes(10)));
        assertThat(withoutExpiry).isInstanceOfSatisfying(TokenResult.Granted.class,
                granted -> assertThat(granted.expiresIn()).isEqualTo(Duration.ofHours(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1.5", "\"soon\"", "null", "{}"})
    void aSuccessWithAnExpiryThatIsNotAPositiveWholeNumberIsUnexpected(String expiresIn) {
        var result = classify(200, "{\"access_token\":\"Atza|a\",\"refresh_token\":\"Atzr|r\",\"expires_in\":" + expiresIn + "}");

        assertThat(result).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 with an invalid expires_in"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"refresh_token\":\"Atzr|r\",\"token_type\":\"bearer\"}", "{\"access_token\":\"\"}",
            "{\"access_token\":42}", "{}"})
    void aSuccessWithoutAccessTokenIsUnexpected(String body) {
        assertThat(classify(200, body)).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 without access_token"));
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 202, 204, 299})
    void anotherSuccessStatusIsUnexpected(int status) {
        assertThat(classify(status, "{\"access_token\":\"Atza|a\",\"refresh_token\":\"Atzr|r\"}"))
                .isEqualTo(new TokenResult.Unexpected(status, "HTTP " + status));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "200 | `<html><body>Proxy error " + DETAIL + "</body></html>`",
        "200 | ``",
        "200 | `   `",
        "200 | `{\"access_token\":\"Atza|a\",\"refresh_tok`",
        "200 | `{\"access_token\":\"Atza|a\"}<html>`",
        "200 | `[\"access_token\"]`",
        "200 | `\"access_token\"`",
        "400 | `<html>Bad request " + DETAIL + "</html>`",
        "403 | `Forbidden`",
        "401 | ``"})
    void aBodyThatIsNotAJsonObjectIsTransient(int status, String body) {
        var result = classify(status, body == null ? "" : body);

        assertThat(result).isEqualTo(new TokenResult.Transient("LWA answered HTTP " + status + " with a body that is not JSON", Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403})
    void invalidGrantRejectsTheAuthorization(int status) {
        assertThat(classify(status, error("invalid_grant"))).isEqualTo(new TokenResult.AuthorizationRejected("invalid_grant"));
    }

    @ParameterizedTest
    @CsvSource({"401, invalid_client", "400, invalid_client", "400, unauthorized_client", "403, unauthorized_client"})
    void invalidOrUnauthorizedClientRejectsTheApplication(int status, String code) {
        assertThat(classify(status, error(code))).isEqualTo(new TokenResult.ApplicationRejected(status, code));
    }

    @ParameterizedTest
    @CsvSource({"400, invalid_request", "400, unsupported_grant_type", "400, invalid_scope", "400, weird_new_code",
        "404, not_found", "418, teapot"})
    void anyOtherErrorCodeIsUnexpectedAndNamedSanitized(int status, String code) {
        var result = classify(status, error(code));

        assertThat(result).isEqualTo(new TokenResult.Unexpected(status, "HTTP " + status + " " + code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Atzr|IwEBIA-looks-like-a-token", "<script>alert(1)</script>", "INVALID_GRANT",
        "a_code_that_is_much_longer_than_any_code_lwa_uses"})
    void anErrorCodeThatIsNotAnIdentifierIsNeverRepeated(String code) {
        var result = classify(400, "{\"error\":\"" + code + "\"}");

        assertThat(result).isEqualTo(new TokenResult.Unexpected(400, "HTTP 400 unrecognised error code"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"error_description\":\"" + DETAIL + "\"}", "{\"error\":\"\"}", "{\"error\":7}",
        "{\"error\":{\"code\":\"invalid_grant\"}}"})
    void anErrorWithoutAnErrorCodeIsUnexpected(String body) {
        assertThat(classify(400, body)).isEqualTo(new TokenResult.Unexpected(400, "HTTP 400 without an error code"));
    }

    @Test
    void throttlingIsTransientAndHonoursRetryAfter() {
        String at = ZonedDateTime.now().plusMinutes(2).format(DateTimeFormatter.RFC_1123_DATE_TIME);

        var inSeconds = classifier.classify(429, error("too_many_requests"), Optional.of("7"));
        var atADate = classifier.classify(429, "<html>Slow down</html>", Optional.of(at));
        var unreadable = classifier.classify(429, "", Optional.of("soon"));

        assertThat(inSeconds).isEqualTo(new TokenResult.Transient("LWA answered HTTP 429", Optional.of(Duration.ofSeconds(7))));
        assertThat(atADate).isInstanceOfSatisfying(TokenResult.Transient.class,
                t -> assertThat(t.retryAfter()).hasValueSatisfying(wait -> assertThat(wait).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(120))));
        assertThat(unreadable).isEqualTo(new TokenResult.Transient("LWA answered HTTP 429", Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "500 | `{\"error\":\"server_error\"}`",
        "502 | `<html>Bad gateway</html>`",
        "503 | `{\"error\":\"invalid_grant\"}`",
        "504 | ``"})
    void aServerErrorIsTransientWhateverItsBody(int status, String body) {
        var result = classifier.classify(status, body == null ? "" : body, Optional.of("3"));

        assertThat(result).isEqualTo(new TokenResult.Transient("LWA answered HTTP " + status, Optional.of(Duration.ofSeconds(3))));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101, 301, 302, 304, 307})
    void anInformationalOrRedirectAnswerIsUnexpected(int status) {
        assertThat(classify(status, "{\"access_token\":\"Atza|a\",\"refresh_token\":\"Atzr|r\"}"))
                .isEqualTo(new TokenResult.Unexpected(status, "HTTP " + status));
        assertThat(classify(status, "<html>Moved</html>")).isEqualTo(new TokenResult.Unexpected(status, "HTTP " + status));
    }
}
