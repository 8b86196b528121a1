package dev.authkeeper.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Operator alerts about an app speak of its marketplace: in the marketplace's own words where it
 * has them (Amazon's LWA and portals), in neutral ones naming it otherwise; an outage names the
 * marketplaces in use. The test configuration serves Amazon, Shopify, Etsy, eBay and TikTok Shop apps.
 */
@QuarkusTest
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class OperatorTextsTest {

    private static final Instant NOW = Instant.parse("2031-03-01T10:00:00Z");

    @Inject
    AlertTexts texts;

    @Test
    void anAmazonAppIsSpokenOfInAmazonsWordsAndAShopifyAppInNeutralOnesNamingShopify() {
        var amazon = texts.render(alert(AlertKind.APP_CREDENTIALS_REJECTED, "invalid_client", Optional.of("default")));
        assertThat(amazon.subject()).contains("Amazon refused the client credentials of app default");
        assertThat(amazon.body()).contains("Login with Amazon refused").contains("180 days");

        var shopify = texts.render(alert(AlertKind.APP_CREDENTIALS_REJECTED, "invalid_client", Optional.of(LocalAwsResource.SHOPIFY_APP)));
        assertThat(shopify.subject()).contains("Shopify refused the client credentials of app " + LocalAwsResource.SHOPIFY_APP);
        assertThat(shopify.body()).contains("registered with Shopify").doesNotContainIgnoringCase("amazon").doesNotContain("LWA");

        var aging = texts.render(alert(AlertKind.APP_SECRET_AGING, "165 days", Optional.of(LocalAwsResource.ETSY_APP)));
        assertThat(aging.body()).contains("Etsy lets client secrets expire").doesNotContainIgnoringCase("amazon");
    }

    @Test
    void aRefusedNotificationNamesTheMarketplaceThatSentItEvenForAnAppNotServedHere() {
        var foreign = texts.render(new Alert("NOTICE#foreign", "ALERT#1", AlertKind.APP_NOTIFICATION_REFUSED, Optional.empty(), "amazon",
                Optional.empty(), new AlertDetail.Text("for another app"), Optional.of(NOW), NOW, NOW, Optional.empty()));
        assertThat(foreign.subject()).contains("A notification from Amazon could not be used");
        assertThat(foreign.body()).startsWith("A notification from Amazon reached").contains("for another app");
    }

    @Test
    void anOutageNamesTheMarketplacesInUseAndTheirFixedTokenHosts() {
        var outage = texts.render(alert(AlertKind.LWA_OUTAGE, "3", Optional.empty()));
        assertThat(outage.subject()).endsWith("Checks keep failing at Amazon, Shopify, Etsy, eBay and TikTok Shop");
        assertThat(outage.body()).contains("for 3 sweeps in a row").contains("api.amazon.com").contains("api.etsy.com")
                .contains("api.ebay.com").contains("auth.tiktok-shops.com").doesNotContain("{");
    }

    private static Alert alert(AlertKind kind, String detail, Optional<String> app) {
        return new Alert("INCIDENT#" + kind, "ALERT#1", kind, Optional.empty(), kind.name(), Optional.empty(), AlertDetail.read(kind, detail),
                Optional.of(NOW), NOW, NOW, app);
    }
}
