package dev.authkeeper.tiktok;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.TokenResult;

/** Every kind of answer TikTok Shop's token calls give, classified by the envelope codes of its facts file. */
class TikTokTokenAnswersTest {

    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    final TikTokTokenAnswers answers = new TikTokTokenAnswers(new ObjectMapper(),
            new MarketplaceFactsFiles(new ObjectMapper()).load("tiktok").token(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void codeZeroIsAGrantWhoseAbsoluteExpiriesBecomeLifetimesAndWhichNamesTheSeller() {
        long access = NOW.plus(Duration.ofDays(7)).getEpochSecond();
        long refresh = NOW.plus(Duration.ofDays(200)).getEpochSecond();
        var result = classify(200, "{\"code\":0,\"message\":\"success\",\"data\":{\"access_token\":\"TTP_a\",\"access_token_expire_in\":"
                + access + ",\"refresh_token\":\"TTP_r\",\"refresh_token_expire_in\":" + refresh + ",\"open_id\":\"seller-1\"}}");

        assertThat(result).isEqualTo(new TokenResult.Granted(new Secret("TTP_a"), Duration.ofDays(7), Optional.of(new Secret("TTP_r")),
                Optional.of(Duration.ofDays(200)), Optional.of("seller-1")));
    }

    @Test
    void aGrantWithoutTokensOrWithAPastExpiryConcludesNothing() {
        assertThat(classify(200, "{\"code\":0,\"data\":{\"access_token\":\"TTP_a\"}}")).isInstanceOf(TokenResult.Unexpected.class);
        assertThat(classify(200, "{\"code\":0,\"data\":{\"access_token\":\"a\",\"refresh_token\":\"r\",\"access_token_expire_in\":1,"
                + "\"refresh_token_expire_in\":1}}")).isInstanceOf(TokenResult.Unexpected.class);
    }

    @Test
    void aStaleCodeOrAnUnknownRefreshTokenEndsOneAuthorization() {
        assertThat(classify(200, "{\"code\":36004004,\"message\":\"invalid auth code\"}")).isInstanceOf(TokenResult.AuthorizationRejected.class);
        assertThat(classify(200, "{\"code\":36004005,\"message\":\"can not find related auth record\"}"))
                .isInstanceOf(TokenResult.AuthorizationRejected.class);
    }

    @Test
    void theReusedCodeIsTheAppsCredentialsOnlyWhenItsMessageSaysSo() {
        assertThat(classify(200, "{\"code\":36009004,\"message\":\"Invalid app_key\"}")).isEqualTo(new TokenResult.ApplicationRejected(200,
                "code 36009004"));
        assertThat(classify(200, "{\"code\":36009004,\"message\":\"timestamp is too old\"}")).isInstanceOf(TokenResult.Unexpected.class);
    }

    @Test
    void throttlingOutagesAndBodiesThatAreNotJsonAreTransientAndAnUnknownCodeIsUnexpected() {
        assertThat(classify(429, "{\"code\":36009002}")).isInstanceOf(TokenResult.Transient.class);
        assertThat(classify(503, "upstream")).isInstanceOf(TokenResult.Transient.class);
        assertThat(classify(200, "{\"code\":36009003}")).isInstanceOf(TokenResult.Transient.class);
        assertThat(classify(200, "<html>")).isInstanceOf(TokenResult.Transient.class);
        assertThat(classify(200, "{\"code\":12345678,\"message\":\"secret-ish text\"}"))
                .isEqualTo(new TokenResult.Unexpected(200, "HTTP 200 code 12345678"));
        assertThat(classify(200, "{\"message\":\"no code\"}")).isInstanceOf(TokenResult.Unexpected.class);
        assertThat(classify(404, "{}")).isEqualTo(new TokenResult.Unexpected(404, "HTTP 404"));
    }

    private TokenResult classify(int status, String body) {
        return answers.classify(status, body, Optional.empty());
    }
}
