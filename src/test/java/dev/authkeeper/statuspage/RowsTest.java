package dev.authkeeper.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.authkeeper.status.ConnectionView;

class RowsTest {

    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    static final String REVOKED = "Amazon no longer accepts this authorization. This usually means the account's password was changed.";

    final List<String> minted = new ArrayList<>();
    final Rows rows = new Rows("Acme Sync", "Amazon", NOW, 30, view -> {
        minted.add(view.connectionId());
        return URI.create("https://auth.example.test/authorize?link=for-" + view.accountId());
    });

    static ConnectionView view(String status, String statusText, String reason, Instant expires, Instant checked, String outcome) {
        return new ConnectionView("amazon:EU:A1SELLER", "merchant-1", "amazon", "EU", "Europe", "A1SELLER",
                Map.of("sellingPartnerId", "A1SELLER"), status, statusText,
                reason == null ? null : "REVOKED_OR_CHANGED", reason, null, expires.minus(Duration.ofDays(365)), expires, checked, outcome,
                null, URI.create("https://sellercentral-europe.amazon.com"), List.of());
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
}
