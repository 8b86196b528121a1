package dev.authkeeper.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import dev.authkeeper.testing.RequestProperties;

class ShopDomainTest {

    @ParameterizedTest
    @ValueSource(strings = {"acme.myshopify.com", "a.myshopify.com", "9.myshopify.com", "acme-store-2.myshopify.com",
        "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq.myshopify.com"})
    void aMyshopifyDomainIsAccepted(String raw) {
        assertThat(ShopDomain.parse(raw)).contains(new ShopDomain(raw));
    }

    @Test
    void anUpperCaseSpellingNamesTheSameShop() {
        assertThat(ShopDomain.parse("Acme-Store.MyShopify.COM")).contains(new ShopDomain("acme-store.myshopify.com"));
        assertThat(ShopDomain.parse("ACME.MYSHOPIFY.COM").map(ShopDomain::name)).contains("acme");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // Other hosts, and Shopify's other spellings of a shop: the identity must be the host itself.
        "acme.shopify.com", "admin.shopify.com/store/acme", "https://admin.shopify.com/store/acme", "acme.myshopify.io",
        "acme.shop.dev", "acme", "myshopify.com", ".myshopify.com", "shopify.com",
        // Look-alike suffixes and prefixes.
        "evilmyshopify.com", "acme.evilmyshopify.com", "acme.myshopify.com.evil.com", "acme.myshopify.comevil",
        "acme.myshopify.co", "acme.myshopify.com.", "acme.myshopify.com..", "a.b.myshopify.com", "acme..myshopify.com",
        // URL parts.
        "https://acme.myshopify.com", "//acme.myshopify.com", "acme.myshopify.com/", "acme.myshopify.com/admin",
        "acme.myshopify.com:443", "acme.myshopify.com:8080", "evil.com@acme.myshopify.com", "acme.myshopify.com@evil.com",
        "user:pass@acme.myshopify.com", "acme.myshopify.com?x=1", "acme.myshopify.com#x", "acme.myshopify.com\\@evil.com",
        "evil.com\\acme.myshopify.com", "evil.com/acme.myshopify.com",
        // Escapes and whitespace.
        "acme%2Emyshopify.com", "acme.myshopify%2Ecom", "%61cme.myshopify.com", "acme.myshopify.com%00", "acme.myshopify.com%2F",
        " acme.myshopify.com", "acme.myshopify.com ", "acme.myshopify.com\n", "acme.myshopify.com\t", "ac me.myshopify.com",
        "acme.myshopify.com\u0000", "\u00a0acme.myshopify.com",
        // Label rules.
        "-acme.myshopify.com", "acme-.myshopify.com", "ac_me.myshopify.com", "xn--80ak6aa92e.myshopify.com",
        "ab--cd.myshopify.com", "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqr.myshopify.com",
        // Unicode: look-alikes, full-width dots, and letters that lower-case to ASCII.
        "аcme.myshopify.com", "acme\u3002myshopify.com", "acme\uff0emyshopify.com", "acme.myshopify\u3002com",
        "\u212aacme.myshopify.com", "acme.my\u017fhopify.com", "\u0130acme.myshopify.com", "acme.myshopify.com\u200b",
        "ａｃｍｅ.myshopify.com", ""})
    void anythingElseIsRefused(String raw) {
        assertThat(ShopDomain.parse(raw)).isEmpty();
    }

    @Test
    void nothingIsNoShop() {
        assertThat(ShopDomain.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme.myshopify.com", "acme.shopify.com", "acme.myshopify.com "})
    void onlyACanonicalValueMakesAShopDomainDirectly(String value) {
        assertThatThrownBy(() -> new ShopDomain(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noAcceptedValueEverYieldsAnotherHost() {
        qt().withExamples(5_000).forAll(candidates()).checkAssert(raw -> ShopDomain.parse(raw).ifPresent(shop -> {
            URI base = ShopHosts.production().base(shop);
            assertThat(base.getHost()).as("host of %s", raw).isEqualTo(shop.value()).endsWith(ShopDomain.SUFFIX);
            assertThat(base.getRawAuthority()).as("authority of %s", raw).isEqualTo(shop.value());
            assertThat(base.getRawPath()).isEmpty();
            assertThat(base.getUserInfo()).isNull();
            assertThat(base.getPort()).isEqualTo(-1);
            assertThat(shop.value()).matches("[a-z0-9-]{1,63}\\.myshopify\\.com").isEqualToIgnoringCase(raw);
            assertThat(ShopDomain.parse(shop.value())).contains(shop);
        }));
    }

    @Test
    void everyWellFormedNameIsAcceptedInAnyCase() {
        qt().withExamples(1_000).forAll(names(), Generate.booleans()).checkAssert((name, upper) -> {
            String raw = (upper ? name.toUpperCase() : name) + ".myshopify.com";
            assertThat(ShopDomain.parse(raw).map(ShopDomain::name)).contains(name);
        });
    }

    /** Names by the rule: a letter or digit at both ends, hyphens inside, no reserved "??--" label. */
    static Gen<String> names() {
        Gen<String> alnum = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 1)
                .mix(strings().betweenCodePoints('0', '9').ofLengthBetween(1, 1));
        Gen<String> inner = lists().of(alnum.mix(Generate.constant("-"), 20)).ofSizeBetween(0, 61).map(parts -> String.join("", parts));
        return alnum.zip(inner, alnum, Generate.booleans(), (first, middle, last, single) -> single ? first : first + middle + last)
                .assuming(name -> !name.startsWith("--", 2));
    }

    /** Good domains, good domains with hostile text spliced in anywhere, and hostile text alone. */
    static Gen<String> candidates() {
        Gen<String> good = names().map(name -> name + ".myshopify.com");
        Gen<String> splice = lists().of(Generate.pick(List.of(".", "/", "\\", "@", ":", "%", "?", "#", " ", "\t", "\n", "\u0000",
                "\u3002", "\uff0e", "\u212a", "\u017f", "\u0130", "а", "_", "-", "..", "%2e", "%2E", "evil.com", "myshopify.com",
                ".myshopify.com", "xn--", "https://", "A", "Z"))).ofSizeBetween(1, 3).map(parts -> String.join("", parts));
        Gen<String> spliced = good.zip(splice, integers().between(0, 100),
                (domain, text, at) -> {
                    int position = at * domain.length() / 100;
                    return domain.substring(0, position) + text + domain.substring(position);
                });
        Gen<String> wrapped = good.zip(splice, Generate.booleans(), (domain, text, before) -> before ? text + domain : domain + text);
        return Generate.frequency(List.of(
                Pair.of(2, good),
                Pair.of(4, spliced),
                Pair.of(2, wrapped),
                Pair.of(2, RequestProperties.hostile()),
                Pair.of(1, RequestProperties.hostile().map(text -> text + ".myshopify.com"))));
    }

    @Test
    void aSimulatedBaseHoldsEveryShopUnderIt() {
        var shop = new ShopDomain("acme.myshopify.com");

        var simulated = ShopHosts.simulated(URI.create("http://127.0.0.1:8123/"));

        assertThat(simulated.base(shop)).isEqualTo(URI.create("http://127.0.0.1:8123/acme.myshopify.com"));
        assertThat(simulated.resolve(shop, "/admin/oauth/access_token"))
                .isEqualTo(URI.create("http://127.0.0.1:8123/acme.myshopify.com/admin/oauth/access_token"));
        assertThat(ShopHosts.of(Optional.empty()).resolve(shop, "/admin/oauth/access_token"))
                .isEqualTo(URI.create("https://acme.myshopify.com/admin/oauth/access_token"));
        assertThatThrownBy(() -> simulated.resolve(shop, "@evil.com/admin")).isInstanceOf(IllegalArgumentException.class);
    }
}
