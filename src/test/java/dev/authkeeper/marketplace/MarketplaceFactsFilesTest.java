package dev.authkeeper.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The marketplaces' facts files are data the start-up checks: each one shipped reads, and a broken one is named with its key. */
class MarketplaceFactsFilesTest {

    final ObjectMapper json = new ObjectMapper();
    final MarketplaceFactsFiles files = new MarketplaceFactsFiles(json);

    @Test
    void amazonsFactsSayWhatItsFlowsRelyOn() {
        var amazon = files.load("amazon");

        assertThat(amazon.authorization().reconsentEvery()).contains(Duration.ofDays(365));
        assertThat(amazon.clientSecret().map(MarketplaceFacts.ClientSecret::rotateEvery)).contains(Duration.ofDays(180));
        assertThat(amazon.token().classify("invalid_grant")).isEqualTo(MarketplaceFacts.ErrorClass.AUTHORIZATION);
        assertThat(amazon.token().classify("invalid_client")).isEqualTo(MarketplaceFacts.ErrorClass.APPLICATION);
        assertThat(amazon.token().classify("no_such_code")).isEqualTo(MarketplaceFacts.ErrorClass.UNEXPECTED);
        assertThat(amazon.account().canonical("a1b2c3d4e5")).contains("A1B2C3D4E5");
        assertThat(amazon.account().canonical("a1:b2")).isEmpty();
        assertThat(amazon.regions()).containsOnlyKeys("NA", "EU", "FE");
        assertThat(amazon.portals().get("seller-central").hosts()).containsEntry("sellercentral-europe.amazon.com", "EU");
    }

    @Test
    void shopifysFactsSayItsTokensRotateAndSlide() {
        var shopify = files.load("shopify");

        assertThat(shopify.hasRegions()).isFalse();
        assertThat(shopify.token().refreshToken().rotates()).isTrue();
        assertThat(shopify.token().refreshToken().lifetime()).isEqualTo(MarketplaceFacts.RefreshLifetime.SLIDING);
        assertThat(shopify.token().refreshToken().window()).contains(Duration.ofDays(90));
        assertThat(shopify.token().refreshToken().previousGrace()).contains(Duration.ofDays(30));
        assertThat(shopify.token().bodyFormat()).isEqualTo(MarketplaceFacts.BodyFormat.JSON);
        assertThat(shopify.token().dead("invalid_request", "This request requires an active refresh_token")).isTrue();
        assertThat(shopify.token().dead("invalid_request", "Something else")).isFalse();
        assertThat(shopify.account().canonical("Acme-Store.MyShopify.com")).contains("acme-store.myshopify.com");
        assertThat(shopify.account().canonical("acme.myshopify.com.evil.example")).isEmpty();
        assertThat(shopify.reason("APP_UNINSTALLED").text()).contains("uninstalled");
    }

    @Test
    void aFileMissingAKeyStopsStartUpNamingFileAndKey() {
        ObjectNode broken = amazonDocument();
        ((ObjectNode) broken.get("token")).remove("errors");

        assertThatThrownBy(() -> files.parse("marketplaces/amazon.json", "amazon", broken))
                .isInstanceOf(MarketplaceFactsFiles.InvalidFacts.class)
                .hasMessageContaining("marketplaces/amazon.json")
                .hasMessageContaining("errors");
    }

    @Test
    void aValueOutsideItsVocabularyIsNamed() {
        ObjectNode broken = amazonDocument();
        ((ObjectNode) broken.at("/token/refreshToken")).put("lifetime", "forever");

        assertThatThrownBy(() -> files.parse("marketplaces/amazon.json", "amazon", broken))
                .hasMessageContaining("/token/refreshToken/lifetime");
    }

    @Test
    void whatASchemaCannotSayIsCheckedToo() {
        ObjectNode wrongRegion = amazonDocument();
        ((ObjectNode) wrongRegion.at("/regions/EU")).put("defaultPortalHost", "sellercentral.amazon.com");
        ObjectNode badPattern = amazonDocument();
        ((ObjectNode) badPattern.get("account")).put("pattern", "[A-Z");

        assertThatThrownBy(() -> files.parse("marketplaces/amazon.json", "amazon", wrongRegion))
                .hasMessageContaining("/regions/EU/defaultPortalHost");
        assertThatThrownBy(() -> files.parse("marketplaces/amazon.json", "amazon", badPattern))
                .hasMessageContaining("/account/pattern");
        assertThatThrownBy(() -> files.parse("marketplaces/ebay.json", "ebay", amazonDocument()))
                .hasMessageContaining("/id");
        ObjectNode unknownReason = amazonDocument();
        ((ObjectNode) unknownReason.at("/wording/reasons")).set("MOON_PHASE", unknownReason.at("/wording/reasons/YEARLY_RENEWAL").deepCopy());
        assertThatThrownBy(() -> files.parse("marketplaces/amazon.json", "amazon", unknownReason))
                .hasMessageContaining("/wording/reasons/MOON_PHASE");
    }

    @Test
    void aCheckIntervalMustKeepASlidingRefreshTokenAlive() {
        assertThat(files.load("amazon").sweep().checkEvery()).isEqualTo(Duration.ofDays(1));
        assertThat(files.load("shopify").sweep().checkEvery()).isEqualTo(Duration.ofDays(7));
        ObjectNode tooRare = document("shopify");
        ((ObjectNode) tooRare.at("/token/refreshToken")).put("window", "P60D");
        ((ObjectNode) tooRare.get("sweep")).put("checkEvery", "P21D");
        ObjectNode notWholeDays = document("shopify");
        ((ObjectNode) notWholeDays.get("sweep")).put("checkEvery", "PT12H");

        assertThatThrownBy(() -> files.parse("marketplaces/shopify.json", "shopify", tooRare))
                .hasMessageContaining("/sweep/checkEvery").hasMessageContaining("60 days");
        assertThatThrownBy(() -> files.parse("marketplaces/shopify.json", "shopify", notWholeDays))
                .hasMessageContaining("/sweep/checkEvery");
    }

    @Test
    void aMarketplaceThatIsNotThereIsNamed() {
        assertThatThrownBy(() -> files.load("walmart")).hasMessageContaining("marketplaces/walmart.json").hasMessageContaining("missing");
    }

    @Test
    void durationsAreIsoPeriods() {
        assertThat(files.load("amazon").token().codeLifetime()).isEqualTo(Optional.of(Duration.ofMinutes(5)));
    }

    private ObjectNode amazonDocument() {
        return document("amazon");
    }

    private ObjectNode document(String marketplace) {
        try (var in = getClass().getClassLoader().getResourceAsStream("marketplaces/" + marketplace + ".json")) {
            return (ObjectNode) json.readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
