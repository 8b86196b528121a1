package dev.authkeeper.etsy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.TokenResult;

/** Every kind of answer of Etsy's token endpoint, as Etsy gives them, and the user id its tokens start with. */
class EtsyTokenAnswersTest {

    final MarketplaceFacts facts = new MarketplaceFactsFiles(new ObjectMapper()).load("etsy");
    final EtsyTokenAnswers answers = new EtsyTokenAnswers(new ObjectMapper(), facts);

    TokenResult classify(int status, String body) {
        return answers.classify(status, body, Optional.empty());
    }

    static String pair(String access, String refresh) {
        return "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"" + refresh + "\"}";
    }

    @Test
    void aGrantCarriesBothTokensAndTheRefreshTokensNinetyDaysFromTheFacts() {
        var result = classify(200, pair("12345678.access-secret", "12345678.refresh-secret"));

        assertThat(result).isInstanceOfSatisfying(TokenResult.Granted.class, granted -> {
            assertThat(granted.accessToken().value()).isEqualTo("12345678.access-secret");
            assertThat(granted.expiresIn()).isEqualTo(Duration.ofHours(1));
            assertThat(granted.refreshToken()).contains(new Secret("12345678.refresh-secret"));
            assertThat(granted.refreshTokenExpiresIn()).contains(Duration.ofDays(90));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"access_token\":\"1.a\",\"expires_in\":3600}", "{\"refresh_token\":\"1.r\",\"expires_in\":3600}",
            "{\"access_token\":\"1.a\",\"refresh_token\":\"1.r\"}", "{\"access_token\":\"1.a\",\"refresh_token\":\"2.r\",\"expires_in\":3600}",
            "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":3600}",
            "{\"access_token\":\"01.a\",\"refresh_token\":\"01.r\",\"expires_in\":3600}"})
    void aSuccessWithoutBothTokensOfOneUserIsUnexpectedAndNeverQuotesThem(String body) {
        var result = classify(200, body);

        assertThat(result).isInstanceOf(TokenResult.Unexpected.class);
        assertThat(result.toString()).doesNotContain("1.a").doesNotContain("1.r").doesNotContain("\"r\"");
    }

    @Test
    void aRevokedRefreshTokenOrAUsedCodeIsTheAuthorizations() {
        assertThat(classify(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh_token is revoked\"}"))
                .isEqualTo(new TokenResult.AuthorizationRejected("invalid_grant"));
        assertThat(classify(400, "{\"error\":\"invalid_grant\",\"error_description\":\"code has been used previously\"}"))
                .isEqualTo(new TokenResult.AuthorizationRejected("invalid_grant"));
    }

    @Test
    void anUnknownKeystringIsTheApps() {
        assertThat(classify(401, "{\"error\":\"invalid_client\",\"error_description\":\"client_id is not valid\"}"))
                .isEqualTo(new TokenResult.ApplicationRejected(401, "invalid_client"));
    }

    @Test
    void etsysServerErrorAndThrottlingAreWorthAnotherTry() {
        assertThat(classify(500, "{\"error\":\"Server Error\"}")).isInstanceOf(TokenResult.Transient.class);
        assertThat(classify(429, "{\"error\":\"Too Many Requests\"}")).isInstanceOf(TokenResult.Transient.class);
    }

    @Test
    void theUserIdIsTheNumberBeforeTheFirstDot() {
        assertThat(EtsyTokenAnswers.userIdOf(new Secret("12345678.abc.def"), facts.account())).contains("12345678");
        assertThat(EtsyTokenAnswers.userIdOf(new Secret("12345678."), facts.account())).isEmpty();
        assertThat(EtsyTokenAnswers.userIdOf(new Secret("abc.def"), facts.account())).isEmpty();
        assertThat(EtsyTokenAnswers.userIdOf(new Secret("12345678"), facts.account())).isEmpty();
    }
}
