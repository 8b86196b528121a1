package dev.authkeeper.local;

import static dev.authkeeper.local.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.amazon.AppNotifications;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.AppSecretsFixture;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What a person does in the local run, over real HTTP: Seller Central → Login URI → sign-in at
 * the integrator's site → Amazon's confirm page → callback, and a reconnect link → consent →
 * callback; each redirect checked on the way.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class LocalRunFlowTest extends LocalRunTestBase {

    SimulatedAmazon amazon;

    @Inject
    ReauthorizeLinks links;
    @Inject
    AppNotifications notifications;
    @Inject
    ObjectMapper json;
    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;

    AppSecretsFixture fixture;

    @BeforeEach
    void resetAmazonAndItsApps() {
        amazon.reset();
        fixture = new AppSecretsFixture(amazon, aws, apps, secrets);
        fixture.reset();
    }

    @AfterEach
    void noRotationLeftOver() {
        amazon.reset();
        fixture.reset();
    }

    @Test
    void aSellerNotYetSignedInConnectsFromSellerCentral() {
        var browser = new Browser();

        var login = browser.get(location(browser.get(amazon.baseUri().resolve("/simulator/launch?selling_partner_id=A1FLOWSELLER"))));
        assertThat(login.statusCode()).isEqualTo(302);
        var signInPage = browser.get(location(login));
        assertThat(signInPage.uri().getPath()).isEqualTo("/local/sign-in");

        var signedIn = browser.submit(signInPage, Map.of("merchant", "merchant-flow"));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        var backAtLogin = browser.get(location(signedIn));
        assertThat(backAtLogin.statusCode()).isEqualTo(302);

        var confirm = browser.get(location(backAtLogin));
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.uri().getPath()).startsWith("/apps/authorize/confirm/");
        var callback = browser.submit(confirm, Map.of("decision", "approve"));
        var result = browser.get(location(callback));

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("Your Amazon account is connected");
        // Reloading the page (the callback address again) still says so.
        var reload = browser.get(location(callback));
        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(reload.body()).contains("Your Amazon account is connected");
        var connection = connections.find(new ConnectionId("amazon", "NA", "A1FLOWSELLER")).orElseThrow();
        assertThat(connection.merchantId()).isEqualTo("merchant-flow");
        assertThat(connection.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(browser.get(visits.uri("/local/connections")).body()).contains("amazon:NA:A1FLOWSELLER").contains("ACTIVE");
    }

    @Test
    void aSignedInSellerGoesStraightToAmazonAndCanReconnectFromALink() {
        var browser = visits.signedIn("merchant-flow");

        var login = browser.get(location(browser.get(amazon.baseUri().resolve("/simulator/launch?selling_partner_id=A1FLOWSELLER"))));
        var confirm = browser.get(location(login));
        assertThat(confirm.uri().getPath()).startsWith("/apps/authorize/confirm/");
        assertThat(browser.get(location(browser.submit(confirm, Map.of("decision", "approve")))).statusCode()).isEqualTo(200);

        var page = browser.get(visits.uri("/local/connections")).body();
        var reconnect = URI.create(page.replaceAll("(?s).*href=\"(http[^\"]*/authorize\\?link=[^\"]*)\">Reconnect.*", "$1").replace("&amp;", "&"));
        var consent = browser.get(location(browser.get(reconnect)));
        assertThat(consent.uri().getPath()).isEqualTo("/apps/authorize/consent");
        var result = browser.get(location(browser.submit(consent, Map.of("decision", "approve", "selling_partner_id", "A1FLOWSELLER"))));

        assertThat(result.body()).contains("Your Amazon account is connected");
        assertThat(connections.find(new ConnectionId("amazon", "NA", "A1FLOWSELLER")).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aConnectLinkOpenedInSomebodyElsesBrowserConnectsNothing() {
        URI link = links.mint("merchant-x", amazon.baseUri(), Optional.empty());

        // Not signed in there (a forwarded link, a mail scanner): the sign-in page, for merchant-x.
        var stranger = new Browser();
        var signIn = stranger.get(link);
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(location(signIn).getPath()).isEqualTo("/local/sign-in");
        assertThat(location(signIn).getQuery()).contains("login_hint=merchant-x");

        // Signed in there as another merchant: refused, no state.
        stranger.submit(stranger.get(visits.uri("/local/sign-in")), Map.of("merchant", "merchant-y"));
        var refused = stranger.get(link);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("This link belongs to another account");
        assertThat(new Table(dynamo).withPrefix("STATE#")).isEmpty();

        // The consent merchant-x's own browser reached, approved in the stranger's browser: refused.
        var owner = visits.signedIn("merchant-x");
        var consent = owner.get(location(owner.get(link)));
        var callback = location(stranger.submit(consent, Map.of("decision", "approve", "selling_partner_id", "A1STRANGER")));
        var result = stranger.get(callback);
        assertThat(result.statusCode()).isEqualTo(403);
        assertThat(result.body()).contains("started in another browser");
        assertThat(connections.ofMerchant("merchant-x")).isEmpty();
        assertThat(amazon.codesExchanged()).isZero();
    }

    @Test
    void twoAppsSideBySideAndARotationOfOneThatNothingNotices() {
        var browser = visits.signedIn("merchant-apps");
        var id = new ConnectionId("amazon", "NA", "A1DRAFTSELLER");

        // The draft app: its own Login URI, confirm page (version=beta) and callback.
        var login = location(browser.get(amazon.baseUri().resolve("/simulator/launch?app=draft&selling_partner_id=A1DRAFTSELLER")));
        assertThat(login.getPath()).isEqualTo("/login/draft");
        assertThat(login.getQuery()).contains("version=beta");
        var confirm = browser.get(location(browser.get(login)));
        assertThat(confirm.uri().getPath()).isEqualTo("/apps/authorize/confirm/" + LocalAwsResource.DRAFT_APPLICATION_ID);
        var callback = location(browser.submit(confirm, Map.of("decision", "approve")));
        assertThat(callback.getPath()).isEqualTo("/callback/draft");
        assertThat(browser.get(callback).body()).contains("Your Amazon account is connected");
        assertThat(browser.get(visits.uri("/local/connections")).body()).contains("<td>amazon:NA:A1DRAFTSELLER</td><td>draft</td>");

        // Rotate in simulated Seller Central: the notification is stored, checks and callbacks use the new secret.
        String before = amazon.clientSecret("draft");
        assertThat(browser.post(amazon.baseUri().resolve("/simulator/rotate"), Map.of("app", "draft")).statusCode()).isEqualTo(303);
        assertThat(new LocalNotifications(LocalProvisioning.sqs(aws.ministackEndpoint()), aws.notificationsQueueUrl(), notifications, json)
                .drain()).isEqualTo(1);
        assertThat(fixture.value(aws.appSecrets().draftApp(), "AWSCURRENT")).isEqualTo(amazon.clientSecret("draft")).isNotEqualTo(before);
        amazon.clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(8)));
        assertThat(sweep.checkNow(id).valid()).isEqualTo(1);
        var again = browser.get(location(browser.get(location(browser.get(
                amazon.baseUri().resolve("/simulator/launch?app=draft&selling_partner_id=A1DRAFTSELLER"))))));
        assertThat(browser.get(location(browser.submit(again, Map.of("decision", "approve")))).body())
                .contains("Your Amazon account is connected");
        assertThat(connections.find(id).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aSignInPageNeverFollowsAnUnsignedReturnAddress() {
        var browser = new Browser();
        var response = browser.post(visits.uri("/local/sign-in"),
                Map.of("merchant", "m-1", "return_to", "https://evil.example/", "return_sig", "forged"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }
}
