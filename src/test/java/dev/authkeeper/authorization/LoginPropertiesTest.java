package dev.authkeeper.authorization;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.RequestProperties;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(Profiles.LoginFunction.class)
@WithTestResource(LocalAwsResource.class)
class LoginPropertiesTest {

    @Inject
    MerchantSessions sessions;

    @Test
    void anyLoginUriRequestGetsAnAnswerWithoutA5xxOrALeak() {
        String session = sessions.sessionToken("merchant-p", Instant.now().plusSeconds(3600));
        String binding = BrowserCookies.newBinding();
        RequestProperties.forRoute("/login")
                .parameter("amazon_callback_uri", LoginFunctionTest.CONFIRM)
                .parameter("amazon_state", "amzn1.state.Zx9-Lm3")
                .parameter("selling_partner_id", "A2SELLER0001", "a2seller0001")
                .parameter("version", "beta")
                .cookie(sessions.cookieName(), session)
                .cookie(BrowserBindings.COOKIE, binding)
                .secret(session, binding)
                .check(150);
    }
}
