package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The {@code connections-page} function as API Gateway invokes it, for an integrator that frames the page in its product. */
@QuarkusTest
@TestProfile(ConnectionsPageFunctionTest.FramedByTheIntegrator.class)
@WithTestResource(LocalAwsResource.class)
class ConnectionsPageFunctionTest {

    static final String INTEGRATOR = "Acme <Sync> & \"Co\"";

    public static class FramedByTheIntegrator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.funqy.export", "connections-page",
                    "authkeeper.integrator-name", INTEGRATOR,
                    "authkeeper.page.frame-ancestors", "https://app.example.test 'self'",
                    "authkeeper.page.accent-color", "#0B5394");
        }
    }

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    MerchantSessions sessions;
    @Inject
    ReauthorizeLinks links;
    @Inject
    AwsCalls calls;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    TokenCipher cipher;
    @Inject
    ConnectionRepository connections;
    @Inject
    SweepWorker sweep;

    Seeds seeds;

    @BeforeEach
    void clean() {
        new Table(dynamo).clear();
        amazon.reset();
        calls.reset();
        seeds = new Seeds(amazon, cipher, connections);
    }

    @Test
    void withoutAValidSessionTheMerchantIsSentToSignInAndComesBackHere() {
        String expired = sessions.cookieName() + "=" + sessions.sessionToken("merchant-a", Instant.now().minusSeconds(1));
        String forged = sessions.cookieName() + "=" + BrowserCookies.session(sessions, "merchant-a").split("=", 2)[1].replace('.', 'x');
        for (var cookies : List.of(List.<String>of(), List.of(expired), List.of(forged))) {
            var response = Lambda.get("/connections", "merchant=merchant-a", cookies.toArray(String[]::new));

            assertThat(response.statusCode()).isEqualTo(302);
            URI signIn = URI.create(response.headers().get("Location"));
            assertThat(signIn.getHost()).isEqualTo("app.example.test");
            var query = QueryString.parse(signIn.getRawQuery()).all();
            assertThat(query.get("return_to")).isEqualTo(aws.publicBaseUrl() + "/connections");
            assertThat(sessions.isSignedReturn(query.get("return_to"), query.get("return_sig"))).isTrue();
            assertThat(query).doesNotContainKey("login_hint");
            assertThat(response.headers()).containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer");
        }
        assertThat(calls.countService("DynamoDb")).isZero();
    }

    @Test
    void aMerchantSeesTheirOwnConnectionsOnlyWhateverTheQuerySaysAndEveryLinkIsTheirs() {
        Instant now = Instant.now();
        var revoked = seeds.connection("merchant-a", "A1ALPHAONE", now.minus(Duration.ofDays(20)));
        var expiring = seeds.connection("merchant-a", "A1ALPHATWO", now.minus(Duration.ofDays(355)));
        var other = seeds.connection("merchant-b", "B1BRAVOONE", now.minus(Duration.ofDays(1)));
        amazon.revoke("A1ALPHAONE");
        sweep.checkNow(revoked);
        assertThat(connections.find(revoked).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        calls.reset();

        ApiGatewayResponse response = Lambda.get("/connections", "merchant=merchant-b&connection=" + other.value().replace(":", "%3A"),
                BrowserCookies.session(sessions, "merchant-a"));

        assertThat(response.statusCode()).isEqualTo(200);
        String html = response.body();
        assertThat(html).contains("A1ALPHAONE", "A1ALPHATWO", "Needs reauthorization", "no longer accepts this authorization")
                .doesNotContain("B1BRAVOONE").doesNotContain("merchant-b");
        assertThat(calls.dynamoWrites()).isEmpty();

        var opened = hrefs(html).stream().map(href -> links.open(QueryString.parse(href.getRawQuery()).require("link"), now).orElseThrow())
                .toList();
        assertThat(opened).allSatisfy(link -> assertThat(link.merchant()).isEqualTo("merchant-a"));
        assertThat(opened).filteredOn(link -> link.connection() != null)
                .extracting(ReauthorizeLinks.Link::connection, ReauthorizeLinks.Link::origin)
                .containsExactly(
                        tuple(revoked.value(), Seeds.SELLER_CENTRAL.toString()),
                        tuple(expiring.value(), Seeds.SELLER_CENTRAL.toString()));
        assertThat(opened).filteredOn(link -> link.connection() == null).extracting(ReauthorizeLinks.Link::origin)
                .containsExactly(amazon.baseUri().toString(), "https://sellercentral-europe.amazon.com", "https://sellercentral.amazon.co.jp");
        assertThat(html).contains(">Reauthorize</a>", ">Renew authorization</a>");
    }

    @Test
    void theIntegratorMayFrameItInItsColoursAndItsNameIsEscaped() {
        var response = Lambda.get("/connections", "", BrowserCookies.session(sessions, "merchant-a"));

        assertThat(response.headers().get("Content-Security-Policy"))
                .isEqualTo("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
                        + "frame-ancestors https://app.example.test 'self'");
        assertThat(response.headers()).doesNotContainKey("X-Frame-Options")
                .containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("Content-Type", "text/html; charset=utf-8");
        assertThat(response.body()).contains("<header>Acme &lt;Sync&gt; &amp; &quot;Co&quot;</header>")
                .doesNotContain("<Sync>").contains("background: #0b5394;").contains("No Amazon account is connected yet.");
    }

    static List<URI> hrefs(String html) {
        return Pattern.compile("href=\"([^\"]+)\"").matcher(html).results()
                .map(m -> URI.create(m.group(1).replace("&amp;", "&"))).toList();
    }
}
