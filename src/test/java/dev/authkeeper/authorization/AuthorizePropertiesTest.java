package dev.authkeeper.authorization;

import static dev.authkeeper.authorization.LoginFunctionTest.queryOf;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.RequestProperties;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(Profiles.AuthorizeFunction.class)
@WithTestResource(LocalAwsResource.class)
class AuthorizePropertiesTest {

    @Inject
    MerchantSessions sessions;
    @Inject
    ReauthorizeLinks links;

    @Test
    void anyAuthorizeRequestGetsAnAnswerWithoutA5xxOrALeak() {
        String link = queryOf(links.mint("merchant-p", URI.create("https://sellercentral-europe.amazon.com"),
                Optional.of("amazon:EU:A3EUSELLER01"))).get("link");
        String session = sessions.sessionToken("merchant-p", Instant.now().plusSeconds(3600));
        String other = sessions.sessionToken("merchant-q", Instant.now().plusSeconds(3600));
        String binding = BrowserCookies.newBinding();
        RequestProperties.forRoute("/authorize")
                .parameter("link", link)
                .cookie(sessions.cookieName(), session, other)
                .cookie(BrowserBindings.COOKIE, binding)
                .secret(link, session, other, binding)
                .check(150);
    }
}
