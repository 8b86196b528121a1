package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
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

    static final String SHOP = SimulatedShopify.DEFAULT_SHOP;

    SimulatedAmazon amazon;
    SimulatedTikTokShop tiktok;
    SimulatedShopify shopify;
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
        shopify.reset();
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
        // A new account of each Amazon app in each of its regions, and eBay's at its one sign-in; Shopify's is the form, which has no link yet.
        assertThat(opened).filteredOn(link -> link.connection() == null).extracting(ReauthorizeLinks.Link::app, ReauthorizeLinks.Link::origin)
                .containsExactly(
                        tuple("default", amazon.baseUri().toString()),
                        tuple("default", "https://sellercentral-europe.amazon.com"),
                        tuple("default", "https://sellercentral.amazon.co.jp"),
                        tuple(LocalAwsResource.DRAFT_APP, amazon.baseUri().toString()),
                        tuple(LocalAwsResource.DRAFT_APP, "https://sellercentral-europe.amazon.com"),
                        tuple(LocalAwsResource.DRAFT_APP, "https://sellercentral.amazon.co.jp"),
                        tuple(LocalAwsResource.ETSY_APP, "https://www.etsy.com"),
                        tuple(LocalAwsResource.EBAY_APP, "https://auth.ebay.com"),
                        tuple(LocalAwsResource.TIKTOK_APP, "https://services.us.tiktokshop.com"),
                        tuple(LocalAwsResource.TIKTOK_APP, tiktok.baseUri().toString()));
        assertThat(html).contains(">Reauthorize</a>", ">Renew authorization</a>")
                .contains("<h3 id=\"connect-default\">Amazon (default)</h3>", "<h3 id=\"connect-draft\">Amazon (draft)</h3>",
                        "<h3 id=\"connect-shopify\">Shopify</h3>", "<h3 id=\"connect-etsy\">Etsy</h3>");
    }

    @Test
    void theIntegratorMayFrameItInItsColoursAndItsNameIsEscaped() {
        var response = Lambda.get("/connections", "", BrowserCookies.session(sessions, "merchant-a"));

        assertThat(response.headers().get("Content-Security-Policy"))
                .isEqualTo("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                        + "form-action 'self' https://app.example.test " + origin(shopify.baseUri()) + " https://*.myshopify.com; "
                        + "frame-ancestors https://app.example.test 'self'");
        assertThat(response.headers()).doesNotContainKey("X-Frame-Options")
                .containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("Content-Type", "text/html; charset=utf-8");
        assertThat(response.body()).contains("<header>Acme &lt;Sync&gt; &amp; &quot;Co&quot;</header>")
                .doesNotContain("<Sync>").contains("background: #0b5394;").contains("No Amazon, Shopify, Etsy, eBay or TikTok Shop account is connected yet.");
    }

    @Test
    void aMerchantWithAnAmazonAndAShopifyConnectionSeesEachInItsMarketplacesWords() {
        Instant now = Instant.now();
        var amazonConnection = seeds.connection("merchant-a", "A1ALPHAONE", now.minus(Duration.ofDays(20)));
        var shop = Seeds.shop(cipher, connections, shopify, LocalAwsResource.SHOPIFY_APP, "merchant-a", SHOP, now.minus(Duration.ofDays(3)));
        shopify.revoke(LocalAwsResource.SHOPIFY_APP, SHOP);
        sweep.checkNow(shop);
        assertThat(connections.find(shop).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);

        String html = Lambda.get("/connections", "", BrowserCookies.session(sessions, "merchant-a")).body();

        assertThat(html).contains("<h1>Your Amazon, Shopify, Etsy, eBay and TikTok Shop connections</h1>");
        assertThat(card(html, amazonConnection.value())).contains("Amazon account A1ALPHAONE <span class=\"region\">· North America</span>")
                .contains("Connected").doesNotContain("Shopify");
        assertThat(card(html, shop.value())).contains(">Shopify account " + SHOP + "</h2>").doesNotContain("class=\"region\"")
                .contains("Needs reauthorization", "Shopify no longer accepts this authorization").doesNotContain("Amazon");
        var repair = links.open(QueryString.parse(hrefs(card(html, shop.value())).getFirst().getRawQuery()).require("link"), now).orElseThrow();
        assertThat(repair.connection()).isEqualTo(shop.value());
        assertThat(repair.origin()).isEqualTo("https://" + SHOP);
    }

    @Test
    void theShopFormTakesAShopsNameOrDomainAndAnswersWithASignedLinkToThatShopsConsent() {
        Instant now = Instant.now();
        for (String typed : List.of("Acme-Store", " acme-store.myshopify.com ", "ACME-STORE.MYSHOPIFY.COM")) {
            var response = Lambda.get(StatusPage.CONNECT_ROUTE, "app=shopify&account=" + URLEncoder.encode(typed, StandardCharsets.UTF_8),
                    BrowserCookies.session(sessions, "merchant-a"));

            assertThat(response.statusCode()).as(typed).isEqualTo(302);
            URI location = URI.create(response.headers().get("Location"));
            assertThat(location.toString()).startsWith(aws.publicBaseUrl() + "/authorize?link=");
            var link = links.open(QueryString.parse(location.getRawQuery()).require("link"), now).orElseThrow();
            assertThat(link.merchant()).isEqualTo("merchant-a");
            assertThat(link.origin()).isEqualTo("https://" + SHOP);
            assertThat(link.app()).isEqualTo(LocalAwsResource.SHOPIFY_APP);
            assertThat(link.connection()).isNull();
        }
        assertThat(calls.dynamoWrites()).isEmpty();
    }

    @Test
    void anythingButAShopIsRefusedWithAPageSayingWhatToTypeAndNothingIsStored() {
        String session = BrowserCookies.session(sessions, "merchant-a");
        for (String typed : List.of("evil.example.com", "acme-store.myshopify.com.evil.example", "https://acme-store.myshopify.com",
                "acme_store", "xn--acme-store", "acme-store.myshopify.com/admin", "", "a".repeat(70))) {
            var response = Lambda.get(StatusPage.CONNECT_ROUTE, "app=shopify&account=" + URLEncoder.encode(typed, StandardCharsets.UTF_8), session);

            assertThat(response.statusCode()).as(typed).isEqualTo(400);
            assertThat(response.headers()).as(typed).doesNotContainKey("Location");
            assertThat(response.body()).as(typed).contains("That is not a Shopify shop", "such as acme-store.myshopify.com",
                    "Back to your connections").doesNotContain("authorize?link=").doesNotContain("Exception");
        }
        for (String query : List.of("account=acme-store", "app=default&account=acme-store", "app=nope&account=acme-store")) {
            var response = Lambda.get(StatusPage.CONNECT_ROUTE, query, session);

            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(response.body()).as(query).contains("This form is out of date").doesNotContain("authorize?link=");
        }
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(new Table(dynamo).items()).isEmpty();
    }

    @Test
    void theShopFormWithoutASessionSendsTheMerchantToSignInAndBackToTheSameForm() {
        var response = Lambda.get(StatusPage.CONNECT_ROUTE, "app=shopify&account=acme-store");

        assertThat(response.statusCode()).isEqualTo(302);
        var query = QueryString.parse(URI.create(response.headers().get("Location")).getRawQuery()).all();
        assertThat(URI.create(query.get("return_to")).getPath()).isEqualTo(StatusPage.CONNECT_ROUTE);
        assertThat(QueryString.parse(URI.create(query.get("return_to")).getRawQuery()).all())
                .containsEntry("app", "shopify").containsEntry("account", "acme-store");
        assertThat(sessions.isSignedReturn(query.get("return_to"), query.get("return_sig"))).isTrue();
    }

    /** The card of one connection. */
    static String card(String html, String connectionId) {
        int start = html.indexOf("data-connection=\"" + connectionId + "\"");
        assertThat(start).as("card of %s", connectionId).isNotNegative();
        return html.substring(start, html.indexOf("</li>", start));
    }

    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static List<URI> hrefs(String html) {
        return Pattern.compile("href=\"([^\"]+)\"").matcher(html).results()
                .map(m -> URI.create(m.group(1).replace("&amp;", "&"))).toList();
    }
}
