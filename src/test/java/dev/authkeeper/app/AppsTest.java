package dev.authkeeper.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.MarketplaceFactsFiles;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The apps as configuration: the default app from the settings of a single-app deployment, the others from JSON, checked at start-up. */
class AppsTest {

    static final String DRAFT = "{\"name\":\"draft\",\"applicationId\":\"amzn1.sp.solution.draft\","
            + "\"clientId\":\"amzn1.application-oa2-client.draft\",\"secretId\":\"arn:secret:draft\",\"draft\":true,\"regions\":[\"EU\"]}";

    @Test
    void aDeploymentFromBeforeSeveralAppsIsTheDefaultAppWithItsSecretInTheAuthKeeperSecret() {
        var apps = apps(Map.of());

        assertThat(apps.all()).singleElement().satisfies(app -> {
            assertThat(app.name()).isEqualTo("default");
            assertThat(app.applicationId()).isEqualTo("amzn1.sp.solution.published");
            assertThat(app.secretId()).contains("arn:secret:authkeeper");
            assertThat(app.regions()).containsExactlyInAnyOrder("NA", "EU", "FE");
            assertThat(app.loginPath()).isEqualTo("/login");
            assertThat(apps.redirectUri(app)).isEqualTo(URI.create("https://auth.example.com/callback"));
        });
    }

    @Test
    void otherAppsComeFromJsonWithTheirOwnRoutesSecretsAndRegions() {
        var apps = apps(Map.of("authkeeper.amazon.apps", "[" + DRAFT + "]"));

        var draft = apps.find("draft").orElseThrow();
        assertThat(draft.draft()).isTrue();
        assertThat(draft.secretId()).contains("arn:secret:draft");
        assertThat(draft.regions()).containsExactly("EU");
        assertThat(draft.loginPath()).isEqualTo("/login/draft");
        assertThat(apps.redirectUri(draft)).isEqualTo(URI.create("https://auth.example.com/callback/draft"));
        assertThat(apps.byApplicationId("amzn1.sp.solution.draft")).contains(draft);
        assertThat(apps.describeAll()).isEqualTo("default = amzn1.sp.solution.published, draft = amzn1.sp.solution.draft");
    }

    static final String SHOPIFY = "{\"marketplace\":\"shopify\",\"name\":\"shop-sync\",\"clientId\":\"shopify-api-key\","
            + "\"secretId\":\"arn:secret:shopify\",\"scopes\":[\"read_orders\",\"read_products\"]}";

    @Test
    void appsOfOtherMarketplacesComeFromAuthKeeperAppsWithTheirScopes() {
        var apps = apps(Map.of("authkeeper.apps", "[" + SHOPIFY + "]"));

        var shop = apps.find("shop-sync").orElseThrow();
        assertThat(shop.marketplace()).isEqualTo("shopify");
        assertThat(shop.scopes()).containsExactly("read_orders", "read_products");
        assertThat(shop.regions()).isEmpty();
        assertThat(shop.applicationId()).isEqualTo("shopify-api-key");
        assertThat(shop.loginPath()).isEqualTo("/login/shop-sync");
        assertThat(apps.defaultApp().marketplace()).isEqualTo("amazon");
    }

    @Test
    void anAppOfAnUnknownMarketplaceOrWithoutScopesStopsTheStart() {
        assertThatThrownBy(() -> apps(Map.of("authkeeper.apps", "[" + SHOPIFY.replace("\"shopify\"", "\"walmart\"") + "]")))
                .hasMessageContaining("marketplaces/walmart.json");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.apps", "[" + SHOPIFY.replace("\"marketplace\":\"shopify\",", "") + "]")))
                .hasMessageContaining("names its marketplace");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.apps",
                "[" + SHOPIFY.replace(",\"scopes\":[\"read_orders\",\"read_products\"]", "") + "]")))
                .hasMessageContaining("names no scopes");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.apps", "[" + SHOPIFY.replace("shop-sync", "default") + "]")))
                .hasMessageContaining("not \"default\"");
    }

    @Test
    void aConfigurationThatCannotWorkStopsTheStartWithWhatIsWrong() {
        assertThatThrownBy(() -> apps(Map.of("authkeeper.amazon.apps", "[" + DRAFT + "," + DRAFT + "]")))
                .hasMessageContaining("two apps have the same name: draft");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.amazon.apps", "[" + DRAFT.replace("\"draft\",", "\"default\",") + "]")))
                .hasMessageContaining("not \"default\"");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.amazon.apps", "[" + DRAFT.replace("\"EU\"", "\"US\"") + "]")))
                .hasMessageContaining("among NA, EU, FE, not [US]");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.amazon.apps", "[" + DRAFT.replace(",\"secretId\":\"arn:secret:draft\"", "") + "]")))
                .hasMessageContaining("secretId");
        assertThatThrownBy(() -> apps(Map.of("authkeeper.amazon.apps", "{not json")))
                .hasMessageContaining("not a JSON array");
    }

    private static Apps apps(Map<String, String> extra) {
        var properties = new HashMap<String, String>(Map.of(
                "authkeeper.public-base-url", "https://auth.example.com",
                "authkeeper.secrets-arn", "arn:secret:authkeeper",
                "authkeeper.session.secret", "s".repeat(32),
                "authkeeper.session.sign-in-url", "https://app.example.com/sign-in",
                "authkeeper.link.secret", "l".repeat(32),
                "authkeeper.kms.key-id", "alias/k",
                "authkeeper.amazon.application-id", "amzn1.sp.solution.published",
                "authkeeper.amazon.client-id", "amzn1.application-oa2-client.published"));
        properties.putAll(extra);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(AmazonConfig.class)
                .withMapping(AuthKeeperConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return new Apps(config.getConfigMapping(AmazonConfig.class), config.getConfigMapping(AuthKeeperConfig.class),
                new MarketplaceFactsFiles(new ObjectMapper()), new ObjectMapper());
    }
}
