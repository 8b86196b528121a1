package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The status page in a real headless Chromium, through the local gateway in front of the
 * functions: a merchant signs in at the stand-in site, connects an account in simulated Seller
 * Central, sees it turn "Needs reauthorization" after it was revoked, and reauthorizes it from the
 * page; a second merchant sees none of it. Another merchant connects a Shopify shop by typing it
 * on the page, consents at the simulated Shopify, and later reconnects it from its row; others
 * connect an Etsy account, and an eBay account and a TikTok Shop seller, each from its link on the
 * page through that marketplace's consent. Writes {@code target/screenshots/connections.png}.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class StatusPageBrowserTest {

    static final String MERCHANT = "merchant-page";
    static final String HEALTHY = "A1PAGEHEALTHY";
    static final String REVOKED = "A1PAGEREVOKED";
    static final Path SCREENSHOT = Path.of("target", "screenshots", "connections.png");

    static final String SHOP_MERCHANT = "merchant-shop-page";
    static final String SHOP = SimulatedShopify.DEFAULT_SHOP;
    static final ConnectionId SHOP_CONNECTION = ConnectionId.of("shopify", SHOP);
    static final String ETSY_MERCHANT = "merchant-etsy-page";
    static final ConnectionId ETSY_CONNECTION = ConnectionId.of("etsy", SimulatedEtsy.DEFAULT_USER);
    static final String EBAY_TIKTOK_MERCHANT = "merchant-ebay-tiktok-page";
    static final ConnectionId EBAY_CONNECTION = ConnectionId.of("ebay", SimulatedEbay.DEFAULT_USER_ID);
    static final ConnectionId TIKTOK_CONNECTION = new ConnectionId("tiktok", "WW", SimulatedTikTokShop.DEFAULT_SELLER);

    SimulatedAmazon amazon;
    SimulatedShopify shopify;
    SimulatedEtsy etsy;
    SimulatedEbay ebay;
    SimulatedTikTokShop tiktok;
    LocalAws aws;

    @Inject
    DynamoDbClient dynamo;
    @Inject
    TokenCipher cipher;
    @Inject
    ConnectionRepository connections;
    @Inject
    SweepWorker sweep;

    @BeforeEach
    void clean() {
        new Table(dynamo).clear();
        amazon.reset();
        shopify.reset();
        etsy.reset();
        ebay.reset();
        tiktok.reset();
    }

    String gateway(String pathAndQuery) {
        return "http://127.0.0.1:" + aws.gatewayPort() + pathAndQuery;
    }

    @Test
    void aMerchantFindsTheRevokedConnectionAndReauthorizesItFromThePage() throws IOException {
        // Authorized 350 days ago: its yearly authorization ends in 15 days.
        new Seeds(amazon, cipher, connections).connection(MERCHANT, HEALTHY, Instant.now().minus(Duration.ofDays(350)));
        try (var chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            var wait = new WebDriverWait(browser, Duration.ofSeconds(20));

            // Not signed in: the integrator's sign-in page, which sends the merchant back to the page.
            browser.get(gateway("/connections"));
            assertThat(path(browser)).isEqualTo("/local/sign-in");
            signIn(browser, MERCHANT);
            wait.until(ExpectedConditions.urlToBe(gateway("/connections")));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your Amazon, Shopify, Etsy, eBay and TikTok Shop connections");

            // A second account, connected in simulated Seller Central (signed in already: straight to Amazon's confirm page).
            browser.get(amazon.baseUri().resolve("/simulator/launch?selling_partner_id=" + REVOKED).toString());
            approve(browser, wait, "Amazon");
            amazon.revoke(REVOKED);
            sweep.checkNow(new ConnectionId("amazon", "NA", REVOKED));

            browser.get(gateway("/connections"));
            WebElement revoked = card(browser, REVOKED);
            assertThat(badge(revoked)).isEqualTo("Needs reauthorization");
            assertThat(revoked.getText()).contains("Probable reason")
                    .contains("Amazon no longer accepts this authorization").contains("password was changed");
            WebElement healthy = card(browser, HEALTHY);
            assertThat(badge(healthy)).isEqualTo("Connected");
            assertThat(healthy.findElement(By.className("expiring")).getText()).isEqualTo("Ends in 15 days");
            assertThat(healthy.findElements(By.linkText("Reauthorize"))).isEmpty();
            screenshot(browser);

            // The keyboard reaches every button and field in reading order, with a visible focus ring, and Enter follows a link.
            var focused = new ArrayList<String>();
            for (int i = 0; i < 10; i++) {
                new Actions(browser).sendKeys(Keys.TAB).perform();
                WebElement element = browser.switchTo().activeElement();
                focused.add(element.getTagName().equals("input") ? "field " + element.getAttribute("name") : element.getText());
                assertThat(element.getCssValue("outline-style")).as(focused.getLast()).isEqualTo("solid");
            }
            assertThat(focused).containsExactly("Renew authorization", "Reauthorize", "Connect an account in North America",
                    "Connect an account in Europe", "Connect an account in Far East", "Connect an account in North America",
                    "Connect an account in Europe", "Connect an account in Far East", "field account", "Connect a Shopify shop");
            new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB)
                    .keyUp(Keys.SHIFT).sendKeys(Keys.ENTER).perform();
            wait.until(ExpectedConditions.urlContains("/apps/authorize/consent?"));
            assertThat(browser.getCurrentUrl()).startsWith(amazon.baseUri() + "/apps/authorize/consent?");

            // Reauthorize, clicked: the consent page in that account's Seller Central; approving there repairs that connection.
            browser.get(gateway("/connections"));
            card(browser, REVOKED).findElement(By.linkText("Reauthorize")).click();
            wait.until(ExpectedConditions.urlContains("/apps/authorize/consent?"));
            assertThat(browser.getCurrentUrl()).startsWith(amazon.baseUri() + "/apps/authorize/consent?");
            WebElement account = browser.findElement(By.name("selling_partner_id"));
            account.clear();
            account.sendKeys(REVOKED);
            approve(browser, wait, "Amazon");
            assertThat(connections.find(new ConnectionId("amazon", "NA", REVOKED)).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
            browser.get(gateway("/connections"));
            assertThat(badge(card(browser, REVOKED))).isEqualTo("Connected");
            assertThat(card(browser, REVOKED).findElements(By.className("button"))).isEmpty();

            // Another merchant in this browser sees none of it, whatever the address asks for.
            browser.get(gateway("/local/sign-in"));
            signIn(browser, "merchant-other");
            // Signed in once the site has answered (its own page), not when the button was clicked.
            wait.until(ExpectedConditions.urlToBe(gateway("/local/connections")));
            browser.get(gateway("/connections?merchant=" + MERCHANT + "&connection=amazon%3ANA%3A" + REVOKED));
            assertThat(browser.findElement(By.tagName("main")).getText())
                    .contains("Signed in as merchant-other").contains("No Amazon, Shopify, Etsy, eBay or TikTok Shop account is connected yet.");
            assertThat(browser.getPageSource()).doesNotContain(REVOKED).doesNotContain(HEALTHY).doesNotContain(MERCHANT);
        }
    }

    @Test
    void aMerchantConnectsAShopifyShopByTypingItThenReconnectsItFromItsRow() {
        try (var chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            openSignedIn(browser, wait, SHOP_MERCHANT);

            // A host that is not a shop: a page saying what to type, nothing stored, and the way back.
            typeShop(browser, "acme-store.example.com");
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "That is not a Shopify shop"));
            assertThat(connections.ofMerchant(SHOP_MERCHANT)).isEmpty();
            browser.findElement(By.linkText("Back to your connections")).click();
            wait.until(ExpectedConditions.urlToBe(gateway("/connections")));

            // The shop's name is enough: that shop's consent at (simulated) Shopify, then back to a connected shop.
            typeShop(browser, "Acme-Store");
            wait.until(ExpectedConditions.urlContains("/admin/oauth/authorize?"));
            assertThat(browser.getCurrentUrl()).startsWith(shopify.shopBase(SHOP) + "/admin/oauth/authorize?");
            approve(browser, wait, "Shopify");
            var connected = connections.find(SHOP_CONNECTION).orElseThrow();
            assertThat(connected.merchantId()).isEqualTo(SHOP_MERCHANT);
            assertThat(connected.status()).isEqualTo(ConnectionStatus.ACTIVE);
            browser.get(gateway("/connections"));
            WebElement shop = shopCard(browser);
            assertThat(shop.findElement(By.tagName("h2")).getText()).isEqualTo("Shopify account " + SHOP);
            assertThat(badge(shop)).isEqualTo("Connected");
            assertThat(shop.findElements(By.className("button"))).isEmpty();

            // Its access revoked in the shop: the row says so in Shopify's words, and its button repairs that shop.
            shopify.revoke(LocalAwsResource.SHOPIFY_APP, SHOP);
            sweep.checkNow(SHOP_CONNECTION);
            browser.get(gateway("/connections"));
            assertThat(badge(shopCard(browser))).isEqualTo("Needs reauthorization");
            assertThat(shopCard(browser).getText()).contains("Shopify no longer accepts this authorization");
            shopCard(browser).findElement(By.linkText("Reauthorize")).click();
            wait.until(ExpectedConditions.urlContains("/admin/oauth/authorize?"));
            assertThat(browser.getCurrentUrl()).startsWith(shopify.shopBase(SHOP) + "/admin/oauth/authorize?");
            approve(browser, wait, "Shopify");
            assertThat(connections.find(SHOP_CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
            browser.get(gateway("/connections"));
            assertThat(badge(shopCard(browser))).isEqualTo("Connected");
            assertThat(connections.ofMerchant(SHOP_MERCHANT)).hasSize(1);
        }
    }

    @Test
    void aMerchantConnectsAnEtsyAccountFromThePageThroughEtsysPkceConsent() {
        try (var chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            openSignedIn(browser, wait, ETSY_MERCHANT);

            browser.findElement(By.linkText("Connect your Etsy account")).click();
            wait.until(ExpectedConditions.urlContains("/oauth/connect?"));
            assertThat(browser.getCurrentUrl()).startsWith(etsy.baseUri() + "/oauth/connect?").contains("code_challenge_method=S256");
            approve(browser, wait, "Etsy");

            var connected = connections.find(ETSY_CONNECTION).orElseThrow();
            assertThat(connected.merchantId()).isEqualTo(ETSY_MERCHANT);
            assertThat(connected.status()).isEqualTo(ConnectionStatus.ACTIVE);
            browser.get(gateway("/connections"));
            WebElement card = connectionCard(browser, ETSY_CONNECTION);
            assertThat(card.findElement(By.tagName("h2")).getText()).isEqualTo("Etsy account " + SimulatedEtsy.DEFAULT_USER);
            assertThat(badge(card)).isEqualTo("Connected");
        }
    }

    @Test
    void aMerchantConnectsAnEbayAccountAndATikTokShopSellerFromThePage() {
        try (var chromium = new HeadlessChromium()) {
            WebDriver browser = chromium.driver();
            var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            openSignedIn(browser, wait, EBAY_TIKTOK_MERCHANT);

            // eBay: its one sign-in, with the app's RuName as redirect_uri; the account is the user id the Identity API names.
            browser.findElement(By.linkText("Connect your eBay account")).click();
            wait.until(ExpectedConditions.urlContains("/oauth2/authorize?"));
            assertThat(browser.getCurrentUrl()).startsWith(ebay.baseUri().toString()).contains("redirect_uri=" + LocalAwsResource.EBAY_RU_NAME);
            approve(browser, wait, "eBay");
            assertThat(connections.find(EBAY_CONNECTION).orElseThrow().merchantId()).isEqualTo(EBAY_TIKTOK_MERCHANT);

            // TikTok Shop: the link of the region the simulator stands in for, consent by service id, back to a connected seller.
            browser.get(gateway("/connections"));
            assertThat(badge(connectionCard(browser, EBAY_CONNECTION))).isEqualTo("Connected");
            browser.findElement(By.cssSelector("ul[aria-labelledby='connect-" + LocalAwsResource.TIKTOK_APP + "']"))
                    .findElement(By.partialLinkText("Connect an account in the rest of the world")).click();
            wait.until(ExpectedConditions.urlContains("service_id="));
            assertThat(browser.getCurrentUrl()).startsWith(tiktok.baseUri().toString());
            approve(browser, wait, "TikTok Shop");
            assertThat(connections.find(TIKTOK_CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);

            browser.get(gateway("/connections"));
            WebElement seller = connectionCard(browser, TIKTOK_CONNECTION);
            assertThat(seller.findElement(By.tagName("h2")).getText()).startsWith("TikTok Shop account " + SimulatedTikTokShop.DEFAULT_SELLER);
            assertThat(badge(seller)).isEqualTo("Connected");
            WebElement ebayCard = connectionCard(browser, EBAY_CONNECTION);
            assertThat(ebayCard.findElement(By.tagName("h2")).getText()).isEqualTo("eBay account " + SimulatedEbay.DEFAULT_USER_ID);
            assertThat(badge(ebayCard)).isEqualTo("Connected");
            assertThat(connections.ofMerchant(EBAY_TIKTOK_MERCHANT)).hasSize(2);
        }
    }

    /** The status page, for {@code merchant} signed in at the integrator's site on the way. */
    void openSignedIn(WebDriver browser, WebDriverWait wait, String merchant) {
        browser.get(gateway("/connections"));
        signIn(browser, merchant);
        wait.until(ExpectedConditions.urlToBe(gateway("/connections")));
    }

    static void typeShop(WebDriver browser, String shop) {
        WebElement field = browser.findElement(By.id("connect-shopify-account"));
        field.clear();
        field.sendKeys(shop);
        browser.findElement(By.xpath("//button[normalize-space()='Connect a Shopify shop']")).click();
    }

    static WebElement shopCard(WebDriver browser) {
        return connectionCard(browser, SHOP_CONNECTION);
    }

    static String path(WebDriver browser) {
        return URI.create(browser.getCurrentUrl()).getPath();
    }

    static void signIn(WebDriver browser, String merchant) {
        WebElement field = browser.findElement(By.name("merchant"));
        field.clear();
        field.sendKeys(merchant);
        browser.findElement(By.tagName("button")).click();
    }

    /** Approves on the marketplace's (simulated) confirm or consent page; the callback then says the account is connected. */
    static void approve(WebDriver browser, WebDriverWait wait, String marketplace) {
        browser.findElement(By.cssSelector("button[name=decision][value=approve]")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Your " + marketplace + " account is connected"));
    }

    static WebElement connectionCard(WebDriver browser, ConnectionId connection) {
        return browser.findElement(By.cssSelector("li[data-connection='" + connection.value() + "']"));
    }

    static WebElement card(WebDriver browser, String account) {
        return browser.findElement(By.cssSelector("li[data-connection='amazon:NA:" + account + "']"));
    }

    static String badge(WebElement card) {
        return card.findElement(By.className("badge")).getText();
    }

    static void screenshot(WebDriver browser) throws IOException {
        Files.createDirectories(SCREENSHOT.getParent());
        var shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
}
