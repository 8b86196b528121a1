package dev.authkeeper.authorization;

import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.testing.CallbackBrowser;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.RequestProperties;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(Profiles.CallbackFunction.class)
@WithTestResource(LocalAwsResource.class)
class CallbackPropertiesTest {

    SimulatedAmazon amazon;

    @Inject
    MerchantSessions sessions;
    @Inject
    OAuthStates states;

    @Test
    void anyCallbackRequestGetsAnAnswerWithoutA5xxOrALeak() {
        var browser = new CallbackBrowser(states, sessions, amazon);
        String state = browser.state("merchant-p", Optional.of("A1SELLER0001"));
        String unknownState = "Q".repeat(22) + "." + "W".repeat(43);
        String code = amazon.authorizationCode("A1SELLER0001");
        String[] cookies = browser.signedIn("merchant-p");
        String session = cookies[0].substring(cookies[0].indexOf('=') + 1);
        RequestProperties.forRoute("/callback")
                .parameter("state", state, unknownState)
                .parameter("selling_partner_id", "A1SELLER0001", "a1seller0001", "A9OTHERSELLER")
                .parameter("spapi_oauth_code", code, "ANstalecode0123456789")
                .parameter("error")
                .cookie(sessions.cookieName(), session)
                .cookie(BrowserBindings.COOKIE, browser.binding())
                .secret(state, state.substring(23), code, session, browser.binding(), amazon.settings().clientSecret())
                .check(150);
    }
}
