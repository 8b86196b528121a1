package dev.authkeeper.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class ShopProbeAnswersTest {

    static final ShopDomain ACME = new ShopDomain("acme.myshopify.com");
    static final String DETAIL = "detail-from-the-body";

    final ShopProbeAnswers answers = new ShopProbeAnswers(new ObjectMapper());

    ProbeResult classify(int status, String body) {
        return answers.classify(ACME, status, body, Optional.empty());
    }

    static String shop(String id, String domain) {
        return "{\"data\":{\"shop\":{\"id\":\"" + id + "\",\"myshopifyDomain\":\"" + domain + "\"}},"
                + "\"extensions\":{\"cost\":{\"requestedQueryCost\":1}}}";
    }

    @Test
    void theShopItWasSentToProvesTheToken() {
        assertThat(classify(200, shop("gid://shopify/Shop/548380009", "acme.myshopify.com")))
                .isEqualTo(new ProbeResult.Alive("gid://shopify/Shop/548380009"));
    }

    @Test
    void anotherShopProvesNothing() {
        assertThat(classify(200, shop("gid://shopify/Shop/1", "other.myshopify.com")))
                .isEqualTo(new ProbeResult.Unexpected(200, "HTTP 200 naming another shop"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"data\":{\"shop\":null}}", "{\"data\":{}}", "{}",
        "{\"data\":{\"shop\":{\"id\":\"gid://shopify/Shop/1\",\"myshopifyDomain\":\"acme.shopify.com\"}}}",
        "{\"data\":{\"shop\":{\"id\":\"" + DETAIL + "\",\"myshopifyDomain\":\"acme.myshopify.com\"}}}",
        "{\"data\":{\"shop\":{\"id\":1,\"myshopifyDomain\":\"acme.myshopify.com\"}}}"})
    void aSuccessWithoutTheShopsIdAndDomainIsUnexpected(String body) {
        assertThat(classify(200, body)).isEqualTo(new ProbeResult.Unexpected(200, "HTTP 200 without the shop's id and domain"));
    }

    @Test
    void graphQlThrottlingIsTransient() {
        var body = "{\"errors\":[{\"message\":\"Throttled\",\"extensions\":{\"code\":\"THROTTLED\",\"documentation\":\"" + DETAIL + "\"}}]}";

        assertThat(classify(200, body)).isEqualTo(new ProbeResult.Transient("Shopify throttled the shop query", Optional.empty()));
    }

    @Test
    void otherGraphQlErrorsAreUnexpected() {
        var body = "{\"errors\":[{\"message\":\"" + DETAIL + "\",\"extensions\":{\"code\":\"ACCESS_DENIED\"}}]}";

        assertThat(classify(200, body)).isEqualTo(new ProbeResult.Unexpected(200, "HTTP 200 with GraphQL errors"));
    }

    @Test
    void unauthorizedMeansTheTokenIsDead() {
        var body = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";

        assertThat(classify(401, body)).isEqualTo(new ProbeResult.TokenDead());
        assertThat(classify(401, "")).isEqualTo(new ProbeResult.TokenDead());
    }

    @Test
    void aNonExpiringTokenRefusedIsToldApartFromAnyOther403() {
        var legacy = "{\"errors\":\"[API] Non-expiring access tokens are no longer accepted for the Admin API. Start using expiring offline tokens: "
                + DETAIL + "\"}";

        assertThat(classify(403, legacy)).isEqualTo(new ProbeResult.LegacyTokenRefused());
        assertThat(classify(403, "{\"errors\":\"" + DETAIL + "\"}")).isEqualTo(new ProbeResult.Unexpected(403, "HTTP 403"));
    }

    @ParameterizedTest
    @ValueSource(ints = {402, 423})
    void aFrozenOrLockedShopIsUnavailable(int status) {
        assertThat(classify(status, "{\"errors\":\"Unavailable Shop\"}")).isEqualTo(new ProbeResult.ShopUnavailable(status));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 520})
    void throttlingAndOutagesAreTransient(int status) {
        assertThat(answers.classify(ACME, status, "<html>" + DETAIL + "</html>", Optional.of("4")))
                .isEqualTo(new ProbeResult.Transient("Shopify answered HTTP " + status, Optional.of(Duration.ofSeconds(4))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<html>" + DETAIL + "</html>", "{\"data\":", "[]"})
    void aSuccessThatIsNotAJsonObjectIsTransient(String body) {
        assertThat(classify(200, body)).isEqualTo(new ProbeResult.Transient("Shopify answered HTTP 200 with a body that is not JSON", Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 301, 400, 404, 406, 422})
    void anythingElseIsUnexpected(int status) {
        assertThat(classify(status, "{\"errors\":\"" + DETAIL + "\"}")).isEqualTo(new ProbeResult.Unexpected(status, "HTTP " + status));
    }
}
