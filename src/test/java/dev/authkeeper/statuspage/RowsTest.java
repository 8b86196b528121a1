package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.status.ConnectionView;

class RowsTest {

    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    static final String REVOKED = "Amazon no longer accepts this authorization. This usually means the account's password was changed.";

    /** The marketplaces' own facts files, as the page reads them. */
    static final MarketplaceFactsFiles FACTS = new MarketplaceFactsFiles(new ObjectMapper());

    final List<String> minted = new ArrayList<>();
    final Rows rows = new Rows("Acme Sync", FACTS::load, NOW, 30, view -> {
        minted.add(view.connectionId());
        return URI.create("https://auth.example.test/authorize?link=for-" + view.accountId());
    });

    static ConnectionView view(String status, String statusText, String reason, Instant expires, Instant checked, String outcome) {
        return new ConnectionView("amazon:EU:A1SELLER", "merchant-1", "amazon", "EU", "Europe", "A1SELLER",
                Map.of("sellingPartnerId", "A1SELLER"), status, statusText,
                reason == null ? null : "REVOKED_OR_CHANGED", reason, null, expires.minus(Duration.ofDays(365)), expires, checked, outcome,
                null, URI.create("https://sellercentral-europe.amazon.com"), List.of());
    }

    static ConnectionView shop(String status, String statusText, String reason, Instant expires) {
        return new ConnectionView("shopify:acme-store.myshopify.com", "merchant-1", "shopify", null, null, "acme-store.myshopify.com",
                Map.of("shopDomain", "acme-store.myshopify.com"), status, statusText, reason == null ? null : "APP_UNINSTALLED", reason,
                null, expires.minus(Duration.ofDays(90)), expires, NOW.minus(Duration.ofHours(1)), "VALID", null,
                URI.create("https://acme-store.myshopify.com"), List.of());
    }

    static ConnectionView healthy(Instant expires) {
        return view("ACTIVE", "Connected", null, expires, NOW.minus(Duration.ofHours(3)), "VALID");
    }

    @Test
    void aHealthyConnectionSaysConnectedWithNothingToDo() {
        var row = rows.row(healthy(NOW.plus(Duration.ofDays(200))), 0);

        assertThat(row.status()).isEqualTo("Connected");
        assertThat(row.statusTone()).isEqualTo("ok");
        assertThat(row.tone()).isEqualTo("ok");
        assertThat(row.marketplace()).isEqualTo("Amazon");
        assertThat(row.account()).isEqualTo("A1SELLER");
        assertThat(row.region()).isEqualTo("Europe");
        assertThat(row.note()).isNull();
        assertThat(row.expiryWarning()).isNull();
        assertThat(row.action()).isNull();
        assertThat(row.lastChecked()).isEqualTo("29 November 2026, 07:00 UTC");
        assertThat(row.lastCheckedAt()).isEqualTo("2026-11-29T07:00:00Z");
        assertThat(row.expires()).isEqualTo("17 June 2027");
        assertThat(minted).isEmpty();
    }

    @Test
    void aRevokedConnectionSaysWhyAndOffersReauthorize() {
        var row = rows.row(view("NEEDS_REAUTHORIZATION", "Needs reauthorization", REVOKED, NOW.plus(Duration.ofDays(300)),
                NOW.minus(Duration.ofMinutes(5)), "REJECTED"), 3);

        assertThat(row.status()).isEqualTo("Needs reauthorization");
        assertThat(row.statusTone()).isEqualTo("problem");
        assertThat(row.tone()).isEqualTo("problem");
        assertThat(row.noteLabel()).isEqualTo("Probable reason");
        assertThat(row.note()).isEqualTo(REVOKED);
        assertThat(row.action().label()).isEqualTo("Reauthorize");
        assertThat(row.action().href()).isEqualTo("https://auth.example.test/authorize?link=for-A1SELLER");
        assertThat(row.elementId()).isEqualTo("connection-3");
        assertThat(row.expires()).as("a new authorization starts a new year").isNull();
        assertThat(row.expiryWarning()).isNull();
        assertThat(minted).containsExactly("amazon:EU:A1SELLER");
    }

    @Test
    void withinThirtyDaysOfTheYearlyExpiryAHealthyConnectionIsWarnedAndOfferedRenewal() {
        var row = rows.row(healthy(NOW.plus(Duration.ofDays(12))), 0);

        assertThat(row.status()).isEqualTo("Connected");
        assertThat(row.statusTone()).isEqualTo("ok");
        assertThat(row.tone()).isEqualTo("warning");
        assertThat(row.expiryWarning()).isEqualTo("Ends in 12 days");
        assertThat(row.noteLabel()).isEqualTo("What to do");
        assertThat(row.note()).contains("every 365 days").contains("Acme Sync");
        assertThat(row.action().label()).isEqualTo("Renew authorization");
    }

    @Test
    void theWarningCountsCalendarDaysAndStartsOnTheThirtiethDay() {
        assertThat(rows.row(healthy(Instant.parse("2026-12-29T23:59:00Z")), 0).expiryWarning()).isEqualTo("Ends in 30 days");
        assertThat(rows.row(healthy(Instant.parse("2026-12-30T00:01:00Z")), 0).expiryWarning()).isNull();
        assertThat(rows.row(healthy(Instant.parse("2026-11-30T01:00:00Z")), 0).expiryWarning()).isEqualTo("Ends tomorrow");
        assertThat(rows.row(healthy(Instant.parse("2026-11-29T23:00:00Z")), 0).expiryWarning()).isEqualTo("Ends today");
        assertThat(rows.row(healthy(Instant.parse("2026-11-20T00:00:00Z")), 0).expiryWarning()).isEqualTo("Ended: renew it now");
    }

    @Test
    void aCheckThatGotNoAnswerIsNotTheMerchantsProblem() {
        var row = rows.row(view("ACTIVE", "Connected", null, NOW.plus(Duration.ofDays(100)), NOW.minus(Duration.ofMinutes(1)), "FAILED"), 0);

        assertThat(row.status()).isEqualTo("Connected");
        assertThat(row.note()).contains("did not answer the last check").contains("nothing to do");
        assertThat(row.action()).isNull();
    }

    @Test
    void aConnectionNotCheckedYetSaysSo() {
        var row = rows.row(view("ACTIVE", "Connected", null, NOW.plus(Duration.ofDays(365)), null, "NOT_CHECKED_YET"), 0);

        assertThat(row.lastChecked()).isEqualTo("Not checked yet");
        assertThat(row.lastCheckedAt()).isNull();
    }

    @Test
    void aDisconnectedConnectionPointsToConnectingAgain() {
        var row = rows.row(view("DISCONNECTED", "Disconnected", null, NOW.plus(Duration.ofDays(5)), null, "NOT_CHECKED_YET"), 0);

        assertThat(row.status()).isEqualTo("Disconnected");
        assertThat(row.statusTone()).isEqualTo("neutral");
        assertThat(row.tone()).isEqualTo("neutral");
        assertThat(row.note()).contains("no longer connected to Acme Sync");
        assertThat(row.expires()).isNull();
        assertThat(row.expiryWarning()).isNull();
        assertThat(row.action()).isNull();
    }

    @Test
    void aShopifyConnectionIsInShopifysWordsWithoutARegion() {
        var healthy = rows.row(shop("ACTIVE", "Connected", null, NOW.plus(Duration.ofDays(80))), 0);
        var expiring = rows.row(shop("ACTIVE", "Connected", null, NOW.plus(Duration.ofDays(6))), 1);
        var revoked = rows.row(shop("NEEDS_REAUTHORIZATION", "Needs reauthorization", null, NOW.plus(Duration.ofDays(80))), 2);

        assertThat(healthy.marketplace()).isEqualTo("Shopify");
        assertThat(healthy.account()).isEqualTo("acme-store.myshopify.com");
        assertThat(healthy.region()).isNull();
        assertThat(healthy.action()).isNull();
        assertThat(expiring.expiryWarning()).isEqualTo("Ends in 6 days");
        assertThat(expiring.note()).startsWith("Shopify ends this authorization on that day unless it is renewed.")
                .doesNotContain("365").contains("Acme Sync");
        assertThat(expiring.action().label()).isEqualTo("Renew authorization");
        assertThat(revoked.note()).isEqualTo("Shopify no longer accepts this authorization.");
        assertThat(revoked.action().href()).isEqualTo("https://auth.example.test/authorize?link=for-acme-store.myshopify.com");
        assertThat(minted).containsExactly("shopify:acme-store.myshopify.com", "shopify:acme-store.myshopify.com");
    }

    @Test
    void anAmazonConnectionsYearlyRenewalIsSaidInAmazonsTerms() {
        assertThat(rows.row(healthy(NOW.plus(Duration.ofDays(12))), 0).note())
                .startsWith("Amazon asks sellers to renew an app's authorization every 365 days.");
    }
}
