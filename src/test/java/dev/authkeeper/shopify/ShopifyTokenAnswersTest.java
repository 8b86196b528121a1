package dev.authkeeper.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.MarketplaceFactsFiles;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.TokenResult;

/** Every kind of answer of a shop's token endpoint, to a code exchange, a refresh or a token exchange. */
class ShopifyTokenAnswersTest {

    /** Text from an answer's body that must never reach a description, a log line or a page. */
    static final String DETAIL = "detail-from-the-body";

    final ShopifyTokenAnswers answers = new ShopifyTokenAnswers(new ObjectMapper(),
            new MarketplaceFactsFiles(new ObjectMapper()).load("shopify").token());

    TokenResult classify(int status, String body) {
        return answers.classify(status, body, Optional.empty());
    }

    static String error(String code, String description) {
        return "{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}";
    }

    @Test
    void anExpiringOfflineTokenIsGrantedWithBothRelativeLifetimes() {
        var result = classify(200, "{\"access_token\":\"shpat_a\",\"scope\":\"read_orders\",\"expires_in\":3600,"
                + "\"refresh_token\":\"shprt_r\",\"refresh_token_expires_in\":7776000}");

        assertThat(result).isEqualTo(new TokenResult.Granted(new Secret("shpat_a"), Duration.ofHours(1),
                Optional.of(new Secret("shprt_r")), Optional.of(Duration.ofDays(90))));
    }

    @Test
    void aGrantWithoutRefreshTokenOrItsLifetimeCarriesNone() {
        var withoutRefresh = classify(200, "{\"access_token\":\"shpat_a\",\"expires_in\":\"3600\",\"refresh_token_expires_in\":7776000}");
        var withoutLifetime = classify(200, "{\"access_token\":\"shpat_a\",\"expires_in\":3600,\"refresh_token\":\"shprt_r\"}");

        assertThat(withoutRefresh).isEqualTo(new TokenResult.Granted(new Secret("shpat_a"), Duration.ofHours(1), Optional.empty()));
        assertThat(withoutLifetime).isEqualTo(new TokenResult.Granted(new Secret("shpat_a"), Duration.ofHours(1),
                Optional.of(new Secret("shprt_r")), Optional.empty()));
    }

    @Test
    void aNonExpiringTokenIsUnexpectedForEveryRequestAsksForAnExpiringOne() {
        var result = classify(200, "{\"access_token\":\"shpat_a\",\"scope\":\"read_orders\"}");

        assertThat(result).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 without expires_in (a non-expiring token)"));
    }

    @Test
    void anOnlineTokenIsUnexpected() {
        var result = classify(200, "{\"access_token\":\"shpat_a\",\"expires_in\":86399,\"associated_user_scope\":\"read_orders\","
                + "\"associated_user\":{\"id\":902541635,\"email\":\"" + DETAIL + "\"}}");

        assertThat(result).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 with an online (per-user) token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1.5", "\"soon\"", "null", "{}", "9999999999"})
    void aLifetimeThatIsNotAPositiveWholeNumberIsUnexpected(String seconds) {
        var access = classify(200, "{\"access_token\":\"shpat_a\",\"expires_in\":" + seconds + ",\"refresh_token\":\"shprt_r\"}");
        var refresh = classify(200, "{\"access_token\":\"shpat_a\",\"expires_in\":3600,\"refresh_token\":\"shprt_r\","
                + "\"refresh_token_expires_in\":" + seconds + "}");

        assertThat(access).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 with an invalid expires_in"));
        assertThat(refresh).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 with an invalid refresh_token_expires_in"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"refresh_token\":\"shprt_r\",\"expires_in\":3600}", "{\"access_token\":\"\"}", "{\"access_token\":42}", "{}"})
    void aSuccessWithoutAccessTokenIsUnexpected(String body) {
        assertThat(classify(200, body)).isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 without access_token"));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401})
    void invalidGrantRejectsTheAuthorization(int status) {
        assertThat(classify(status, error("invalid_grant", DETAIL))).isEqualTo(new TokenResult.AuthorizationRejected("invalid_grant"));
    }

    @Test
    void aRefreshTokenNoLongerActiveRejectsTheAuthorization() {
        // Shopify community report, June 2026: the answer to a refresh whose earlier answer was lost.
        var result = classify(401, error("invalid_request", "This request requires an active refresh_token"));

        assertThat(result).isEqualTo(new TokenResult.AuthorizationRejected("invalid_request (This request requires an active refresh_token)"));
    }

    @Test
    void aSpentAuthorizationCodeRejectsTheAuthorization() {
        var result = classify(400, error("invalid_request", "The authorization code was not found or was already used"));

        assertThat(result).isEqualTo(new TokenResult.AuthorizationRejected("invalid_request (The authorization code was not found or was already used)"));
    }

    @Test
    void aRefusedSubjectTokenRejectsTheAuthorization() {
        assertThat(classify(400, error("invalid_subject_token", DETAIL))).isEqualTo(new TokenResult.AuthorizationRejected("invalid_subject_token"));
    }

    @ParameterizedTest
    @CsvSource({"401, invalid_client", "400, invalid_client", "400, unauthorized_client", "403, unauthorized_client"})
    void invalidOrUnauthorizedClientRejectsTheApplication(int status, String code) {
        assertThat(classify(status, error(code, DETAIL))).isEqualTo(new TokenResult.ApplicationRejected(status, code));
    }

    @Test
    void anyOtherInvalidRequestIsUnexpectedAndItsDescriptionIsNeverRepeated() {
        var result = classify(400, error("invalid_request", DETAIL));

        assertThat(result).isEqualTo(new TokenResult.Unexpected(400, "HTTP 400 invalid_request"));
    }

    @ParameterizedTest
    @CsvSource({"400, unsupported_grant_type", "400, invalid_scope", "400, weird_new_code", "404, not_found"})
    void anyOtherErrorCodeIsUnexpectedAndNamedSanitized(int status, String code) {
        assertThat(classify(status, error(code, DETAIL))).isEqualTo(new TokenResult.Unexpected(status, "HTTP " + status + " " + code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"shprt_looks-like-a-token", "<script>alert(1)</script>", "INVALID_GRANT"})
    void anErrorCodeThatIsNotAnIdentifierIsNeverRepeated(String code) {
        assertThat(classify(400, "{\"error\":\"" + code + "\"}")).isEqualTo(new TokenResult.Unexpected(400, "HTTP 400 unrecognised error code"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"errors\":\"[API] Invalid API key or access token\"}", "{\"error\":\"\"}", "{\"error\":7}"})
    void anErrorWithoutAnErrorCodeIsUnexpected(String body) {
        assertThat(classify(401, body)).isEqualTo(new TokenResult.Unexpected(401, "HTTP 401 without an error code"));
    }

    @Test
    void throttlingIsTransientAndHonoursRetryAfter() {
        var result = answers.classify(429, "{\"errors\":\"Exceeded 2 calls per second\"}", Optional.of("2"));

        assertThat(result).isEqualTo(new TokenResult.Transient("Shopify answered HTTP 429", Optional.of(Duration.ofSeconds(2))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "500 | `{\"error\":\"server_error\"}`",
        "502 | `<html>Bad gateway</html>`",
        "503 | `{\"error\":\"invalid_grant\"}`",
        "520 | `<html>Web server is returning an unknown error</html>`",
        "504 | ``"})
    void aServerErrorIncludingTheEdges520IsTransientWhateverItsBody(int status, String body) {
        var result = answers.classify(status, body == null ? "" : body, Optional.empty());

        assertThat(result).isEqualTo(new TokenResult.Transient("Shopify answered HTTP " + status, Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "200 | `<html><body>Oauth error " + DETAIL + "</body></html>`",
        "200 | ``",
        "200 | `{\"access_token\":\"shpat_a\",\"expires_in\":36`",
        "400 | `<html>Oauth error invalid_request: " + DETAIL + "</html>`",
        "401 | ``"})
    void aBodyThatIsNotAJsonObjectIsTransient(int status, String body) {
        assertThat(classify(status, body == null ? "" : body))
                .isEqualTo(new TokenResult.Transient("Shopify answered HTTP " + status + " with a body that is not JSON", Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(ints = {101, 201, 204, 302, 303})
    void anInformationalRedirectOrOtherSuccessStatusIsUnexpected(int status) {
        assertThat(classify(status, "{\"access_token\":\"shpat_a\",\"expires_in\":3600}")).isEqualTo(new TokenResult.Unexpected(status, "HTTP " + status));
    }

    @Test
    void noResultEverCarriesBodyTextOtherThanTheTokens() {
        for (int status : new int[] {200, 400, 401, 403, 404, 422, 429, 500, 520}) {
            for (String body : new String[] {error(DETAIL, DETAIL), error("invalid_request", DETAIL), "{\"errors\":\"" + DETAIL + "\"}",
                    "<p>" + DETAIL + "</p>", "{\"access_token\":\"shpat_a\",\"expires_in\":\"" + DETAIL + "\"}"}) {
                assertThat(classify(status, body).toString()).doesNotContain(DETAIL);
            }
        }
    }
}
