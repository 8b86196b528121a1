package dev.authkeeper.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;

class ShopifyRequestsTest {

    static final ShopDomain ACME = new ShopDomain("acme.myshopify.com");
    static final String CLIENT_ID = "3c1e9b0a7d";
    static final Secret CLIENT_SECRET = new Secret("shpss_client-secret");

    final ObjectMapper json = new ObjectMapper();
    final ShopifyRequests requests = new ShopifyRequests(ShopHosts.production(), json);

    JsonNode body(ShopifyPost post) throws Exception {
        return json.readTree(post.json());
    }

    JsonNode expected(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void theAuthorizeUriAsksTheShopForAnOfflineToken() {
        var uri = requests.authorizeUri(ACME, CLIENT_ID, List.of("read_orders", "write_products"),
                URI.create("https://auth.example.test/callback"), new Secret("st/ate+1"));

        assertThat(uri).isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/authorize?client_id=3c1e9b0a7d"
                + "&scope=read_orders%2Cwrite_products&redirect_uri=https%3A%2F%2Fauth.example.test%2Fcallback&state=st%2Fate%2B1"));
        assertThat(uri.getQuery()).doesNotContain("grant_options");
    }

    @Test
    void scopesAreCheckedBeforeTheyGoIntoAnAddress() {
        assertThatThrownBy(() -> requests.authorizeUri(ACME, CLIENT_ID, List.of("read_orders&evil=1"), URI.create("https://a.test/cb"),
                new Secret("s"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.authorizeUri(ACME, CLIENT_ID, List.of(), URI.create("https://a.test/cb"), new Secret("s")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCodeExchangeAsksForAnExpiringToken() throws Exception {
        var post = requests.codeExchange(ACME, CLIENT_ID, CLIENT_SECRET, new Secret("0907a61c"));

        assertThat(post.uri()).isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/access_token"));
        assertThat(post.accessToken()).isEmpty();
        assertThat(body(post)).isEqualTo(expected(
                "{\"client_id\":\"3c1e9b0a7d\",\"client_secret\":\"shpss_client-secret\",\"code\":\"0907a61c\",\"expiring\":\"1\"}"));
    }

    @Test
    void theRefreshSendsTheRefreshTokenWithTheClientCredentials() throws Exception {
        var post = requests.refresh(ACME, CLIENT_ID, CLIENT_SECRET, new Secret("shprt_r"));

        assertThat(post.uri()).isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/access_token"));
        assertThat(body(post)).isEqualTo(expected("{\"client_id\":\"3c1e9b0a7d\",\"client_secret\":\"shpss_client-secret\","
                + "\"grant_type\":\"refresh_token\",\"refresh_token\":\"shprt_r\"}"));
    }

    @Test
    void theMigrationExchangesANonExpiringTokenForAnExpiringOne() throws Exception {
        var post = requests.migrate(ACME, CLIENT_ID, CLIENT_SECRET, new Secret("shpat_legacy"));

        assertThat(post.uri()).isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/access_token"));
        assertThat(body(post)).isEqualTo(expected("{\"client_id\":\"3c1e9b0a7d\",\"client_secret\":\"shpss_client-secret\","
                + "\"grant_type\":\"urn:ietf:params:oauth:grant-type:token-exchange\",\"subject_token\":\"shpat_legacy\","
                + "\"subject_token_type\":\"urn:shopify:params:oauth:token-type:offline-access-token\","
                + "\"requested_token_type\":\"urn:shopify:params:oauth:token-type:offline-access-token\",\"expiring\":\"1\"}"));
    }

    @Test
    void theShopQueryCarriesTheAccessTokenAsAHeaderOnly() throws Exception {
        var post = requests.shopQuery(ACME, "2026-10", new Secret("shpat_a"));

        assertThat(post.uri()).isEqualTo(URI.create("https://acme.myshopify.com/admin/api/2026-10/graphql.json"));
        assertThat(post.accessToken()).contains(new Secret("shpat_a"));
        assertThat(body(post)).isEqualTo(expected("{\"query\":\"{ shop { id myshopifyDomain } }\"}"));
        assertThatThrownBy(() -> requests.shopQuery(ACME, "../../evil", new Secret("shpat_a"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSimulatedShopifyReceivesEveryRequestUnderItsBase() {
        var simulated = new ShopifyRequests(ShopHosts.of(Optional.of(URI.create("http://127.0.0.1:8123"))), json);

        assertThat(simulated.refresh(ACME, CLIENT_ID, CLIENT_SECRET, new Secret("shprt_r")).uri())
                .isEqualTo(URI.create("http://127.0.0.1:8123/acme.myshopify.com/admin/oauth/access_token"));
        assertThat(simulated.shopQuery(ACME, "2026-10", new Secret("shpat_a")).uri())
                .isEqualTo(URI.create("http://127.0.0.1:8123/acme.myshopify.com/admin/api/2026-10/graphql.json"));
        assertThat(simulated.authorizeUri(ACME, CLIENT_ID, List.of("read_orders"), URI.create("https://a.test/cb"), new Secret("s")))
                .hasToString("http://127.0.0.1:8123/acme.myshopify.com/admin/oauth/authorize?client_id=3c1e9b0a7d&scope=read_orders"
                        + "&redirect_uri=https%3A%2F%2Fa.test%2Fcb&state=s");
    }

    @Test
    void aRequestPrintedNamesOnlyItsAddress() {
        var post = requests.migrate(ACME, CLIENT_ID, CLIENT_SECRET, new Secret("shpat_legacy"));

        assertThat(post.toString()).isEqualTo("POST https://acme.myshopify.com/admin/oauth/access_token")
                .doesNotContain("shpss_client-secret").doesNotContain("shpat_legacy");
    }
}
