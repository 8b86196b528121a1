package dev.authkeeper.authorization;

import static dev.authkeeper.authorization.LoginFunctionTest.queryOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.session.SignedPayloads;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestProfile(Profiles.AuthorizeFunction.class)
@WithTestResource(LocalAwsResource.class)
class AuthorizeFunctionTest extends MerchantFacingTestBase {

    static final URI SELLER_CENTRAL_EU = URI.create("https://sellercentral-europe.amazon.com");
    static final String LINK_SECRET = "test-link-secret-0123456789abcdef01234567";

    @Inject
    ReauthorizeLinks links;

    static String linkQuery(URI link) {
        return link.getRawQuery();
    }

    @Test
    void aLinkForAConnectionLeadsToItsConsentPageWithAFreshState() {
        URI link = links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01"));

        var response = Lambda.get("/authorize", linkQuery(link), session("merchant-3"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(BrowserCookies.bindingSet(response)).isPresent();
        assertThat(response.headers()).containsEntry("Referrer-Policy", "no-referrer").containsEntry("Cache-Control", "no-store");
        URI consent = URI.create(response.headers().get("Location"));
        assertThat(consent.getScheme() + "://" + consent.getHost() + consent.getPath())
                .isEqualTo("https://sellercentral-europe.amazon.com/apps/authorize/consent");
        var query = queryOf(consent);
        assertThat(query.get("application_id")).startsWith("amzn1.");
        assertThat(query.get("version")).isEqualTo("beta");
        assertThat(query.get("state")).matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");

        assertThat(calls.dynamoWrites()).containsExactly("DynamoDb.PutItem");
        var state = table.withPrefix("STATE#").get(0);
        assertThat(state.get("merchantId").s()).isEqualTo("merchant-3");
        assertThat(state.get("flow").s()).isEqualTo("WEBSITE");
        assertThat(state.get("region").s()).isEqualTo("EU");
        assertThat(state.get("expectedAccountId").s()).isEqualTo("A3EUSELLER01");
    }

    @Test
    void aLinkNamingAnAppLeadsToThatAppsConsentPageAndItsStateRemembersTheApp() {
        URI link = links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01"), Optional.of(LocalAwsResource.DRAFT_APP));

        var response = Lambda.get("/authorize", linkQuery(link), session("merchant-3"));

        assertThat(response.statusCode()).isEqualTo(302);
        var query = queryOf(URI.create(response.headers().get("Location")));
        assertThat(query.get("application_id")).isEqualTo(LocalAwsResource.DRAFT_APPLICATION_ID);
        assertThat(query.get("version")).isEqualTo("beta");
        assertThat(table.withPrefix("STATE#")).singleElement().satisfies(state -> assertThat(state.get("app").s()).isEqualTo("draft"));
    }

    @Test
    void aReconnectLinkNamingNoAppUsesTheAppTheConnectionWasAuthorizedWith() {
        dynamo.putItem(r -> r.tableName(LocalAwsResource.TABLE).item(Map.of(
                "pk", AttributeValue.fromS("CONNECTION#amazon:EU:A3EUSELLER01"), "sk", AttributeValue.fromS("CONNECTION"),
                "app", AttributeValue.fromS(LocalAwsResource.DRAFT_APP))));
        URI link = links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01"));

        var response = Lambda.get("/authorize", linkQuery(link), session("merchant-3"));

        assertThat(queryOf(URI.create(response.headers().get("Location"))).get("application_id"))
                .isEqualTo(LocalAwsResource.DRAFT_APPLICATION_ID);
    }

    @Test
    void aLinkNamingAnAppThatIsNoLongerServedIsRefused() {
        URI link = links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.empty(), Optional.of("retired-app"));

        var response = Lambda.get("/authorize", linkQuery(link), session("merchant-3"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(table.withPrefix("STATE#")).isEmpty();
    }

    @Test
    void aLinkForANewConnectionExpectsNoParticularAccount() {
        var response = Lambda.get("/authorize", linkQuery(links.mint("merchant-3", URI.create("https://sellercentral.amazon.co.jp"), Optional.empty())),
                session("merchant-3"));

        assertThat(URI.create(response.headers().get("Location")).getHost()).isEqualTo("sellercentral.amazon.co.jp");
        var state = table.withPrefix("STATE#").get(0);
        assertThat(state.get("region").s()).isEqualTo("FE");
        assertThat(state).doesNotContainKey("expectedAccountId");
    }

    @Test
    void aLinkOpenedWithoutASessionLeadsToSignInAsItsMerchantAndStoresNothing() {
        URI link = links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01"));

        var response = Lambda.get("/authorize", linkQuery(link));

        assertThat(response.statusCode()).isEqualTo(302);
        var signIn = URI.create(response.headers().get("Location"));
        assertThat(signIn.getHost()).isEqualTo("app.example.test");
        var query = queryOf(signIn);
        assertThat(query).containsEntry("login_hint", "merchant-3");
        assertThat(sessions.isSignedReturn(query.get("return_to"), query.get("return_sig"))).isTrue();
        assertThat(URI.create(query.get("return_to")).getPath()).isEqualTo("/authorize");
        assertThat(queryOf(URI.create(query.get("return_to")))).isEqualTo(queryOf(link));
        assertThat(response.cookies()).isEmpty();
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();

        // Back from sign-in as that merchant: the same address continues to the consent page.
        var again = Lambda.get("/authorize", URI.create(query.get("return_to")).getRawQuery(), session("merchant-3"));
        assertThat(URI.create(again.headers().get("Location")).getPath()).isEqualTo("/apps/authorize/consent");
    }

    @Test
    void aLinkOpenedByAnotherMerchantIsRefusedWithAWayToSignInAsTheRightOne() {
        URI link = links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01"));

        var response = Lambda.get("/authorize", linkQuery(link), session("merchant-9"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("This link belongs to another account").contains("sign in as the account it was sent to")
                .contains("login_hint=merchant-3").doesNotContain("merchant-9");
        assertThat(response.cookies()).isEmpty();
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();
    }

    @Test
    void twentyOpeningsOfOneLinkInOneBrowserLeaveOneStateAndOnlyTheNewestWorks() {
        String query = linkQuery(links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01")));
        String binding = BrowserCookies.binding(BrowserCookies.newBinding());
        var issued = new java.util.ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            issued.add(queryOf(URI.create(Lambda.get("/authorize", query, session("merchant-3"), binding).headers().get("Location"))).get("state"));
        }

        assertThat(table.withPrefix("STATE#")).hasSize(1);
        for (String old : issued.subList(0, 19)) {
            assertThat(states.consume(old, Instant.now())).isInstanceOf(OAuthStates.Consumed.Unknown.class);
        }
        assertThat(states.consume(issued.get(19), Instant.now())).isInstanceOf(OAuthStates.Consumed.Valid.class);
    }

    static String sealed(String secret, String purpose, Map<String, Object> claims, ObjectMapper json) {
        return new SignedPayloads(secret, json).sealJson(purpose, claims);
    }

    Stream<Arguments> unusableLinks() {
        long future = Instant.now().plusSeconds(600).getEpochSecond();
        String valid = queryOf(links.mint("merchant-3", SELLER_CENTRAL_EU, Optional.of("amazon:EU:A3EUSELLER01"))).get("link");
        return Stream.of(
                Arguments.of("no link", ""),
                Arguments.of("empty link", "link="),
                Arguments.of("tampered", "link=" + valid.substring(0, valid.length() - 2) + "xx"),
                Arguments.of("expired", "link=" + sealed(LINK_SECRET, "link",
                        Map.of("merchant", "merchant-3", "origin", SELLER_CENTRAL_EU.toString(), "exp", Instant.now().minusSeconds(1).getEpochSecond()), json)),
                Arguments.of("signed with another key", "link=" + sealed("someone-elses-secret-0123456789abcdef", "link",
                        Map.of("merchant", "merchant-3", "origin", SELLER_CENTRAL_EU.toString(), "exp", future), json)),
                Arguments.of("a session token from the sign-in flow", "link=" + sessions.sessionToken("merchant-3", Instant.now().plusSeconds(600))),
                Arguments.of("an OAuth state value", "link=" + "Q".repeat(43)),
                Arguments.of("signed but naming a foreign origin", "link=" + sealed(LINK_SECRET, "link",
                        Map.of("merchant", "merchant-3", "origin", "https://evil.example", "exp", future), json)),
                Arguments.of("signed, connection in another region", "link=" + sealed(LINK_SECRET, "link",
                        Map.of("merchant", "merchant-3", "origin", SELLER_CENTRAL_EU.toString(), "connection", "amazon:NA:A3SELLER", "exp", future), json)),
                Arguments.of("signed, malformed connection", "link=" + sealed(LINK_SECRET, "link",
                        Map.of("merchant", "merchant-3", "origin", SELLER_CENTRAL_EU.toString(), "connection", "amazon:EU", "exp", future), json)),
                Arguments.of("repeated link", "link=" + valid + "&link=" + valid),
                Arguments.of("oversized query", "link=" + URLEncoder.encode(valid, StandardCharsets.UTF_8) + "&pad=" + "p".repeat(5000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableLinks")
    void unusableLinksAreRefusedWithAPageAndNothingStored(String name, String rawQuery) {
        ApiGatewayResponse response;
        try (var logs = CapturedLogs.capture()) {
            response = Lambda.get("/authorize", rawQuery);
            String link = rawQuery.startsWith("link=") ? rawQuery.substring(5) : "";
            assertThat(logs.leaked(List.of(link))).isEmpty();
        }
        assertThat(response.statusCode()).isBetween(400, 414);
        assertThat(response.headers()).doesNotContainKey("Location");
        assertThat(response.body()).contains("<h1>").doesNotContain("Exception");
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();
    }
}
