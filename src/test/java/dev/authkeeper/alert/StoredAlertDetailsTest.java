package dev.authkeeper.alert;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Outbox entries keep their detail as the one string they always had: an entry of every kind,
 * written in that form, reads back as the detail its kind carries and would be written again unchanged.
 */
class StoredAlertDetailsTest {

    private record Example(String stored, AlertDetail detail) {
    }

    private static final Map<AlertKind, Example> WRITTEN = new EnumMap<>(Map.ofEntries(
            Map.entry(AlertKind.NEEDS_REAUTHORIZATION, new Example("REVOKED_OR_CHANGED", new AlertDetail.Reason("REVOKED_OR_CHANGED"))),
            Map.entry(AlertKind.REMINDER, new Example("YEARLY_RENEWAL", new AlertDetail.Reason("YEARLY_RENEWAL"))),
            Map.entry(AlertKind.DISCONNECTED, new Example("APP_UNINSTALLED", new AlertDetail.Reason("APP_UNINSTALLED"))),
            Map.entry(AlertKind.EVENT_NEEDS_REAUTHORIZATION, new Example("PASSWORD_CHANGED", new AlertDetail.Reason("PASSWORD_CHANGED"))),
            Map.entry(AlertKind.EXPIRY_WARNING, new Example("7", new AlertDetail.DaysLeft(7))),
            Map.entry(AlertKind.EVENT_AUTHORIZATION_EXPIRING, new Example("30", new AlertDetail.DaysLeft(30))),
            Map.entry(AlertKind.SELLER_CONFLICT, new Example("(no one any more)", new AlertDetail.Holder("(no one any more)"))),
            Map.entry(AlertKind.EVENT_TRANSFERRED, new Example("merchant-1", new AlertDetail.Holder("merchant-1"))),
            Map.entry(AlertKind.APP_SECRET_AGING, new Example("165 days", new AlertDetail.SecretAge(165))),
            Map.entry(AlertKind.RECONNECTED, new Example("", new AlertDetail.None())),
            Map.entry(AlertKind.EVENT_AUTHORIZED, new Example("", new AlertDetail.None())),
            Map.entry(AlertKind.EVENT_REAUTHORIZED, new Example("", new AlertDetail.None())),
            Map.entry(AlertKind.EVENT_RECONNECTED, new Example("", new AlertDetail.None())),
            Map.entry(AlertKind.EVENT_DISCONNECTED, new Example("", new AlertDetail.None())),
            Map.entry(AlertKind.APP_CREDENTIALS_REJECTED, new Example("invalid_client", new AlertDetail.Text("invalid_client"))),
            Map.entry(AlertKind.LWA_OUTAGE, new Example("3", new AlertDetail.Text("3"))),
            Map.entry(AlertKind.MASS_REJECTION, new Example("12 of 20 refused", new AlertDetail.Text("12 of 20 refused"))),
            Map.entry(AlertKind.AWS_DEPENDENCY_FAILING, new Example("dynamodb: timeout", new AlertDetail.Text("dynamodb: timeout"))),
            Map.entry(AlertKind.APP_SECRET_EXPIRING, new Example("PERIODIC_ROTATION", new AlertDetail.Text("PERIODIC_ROTATION"))),
            Map.entry(AlertKind.APP_SECRET_ROTATED, new Example("the old secret works until 2031-03-08T10:00:00Z",
                    new AlertDetail.Text("the old secret works until 2031-03-08T10:00:00Z"))),
            Map.entry(AlertKind.APP_SECRET_ROTATION_FAILED, new Example("HTTP 403", new AlertDetail.Text("HTTP 403"))),
            Map.entry(AlertKind.APP_NOTIFICATION_REFUSED, new Example("for another app", new AlertDetail.Text("for another app"))),
            Map.entry(AlertKind.EVENT_APP_CREDENTIALS_REJECTED, new Example("invalid_client", new AlertDetail.Text("invalid_client"))),
            Map.entry(AlertKind.EVENT_APP_CREDENTIALS_RESTORED, new Example("resolved", new AlertDetail.Text("resolved"))),
            Map.entry(AlertKind.EVENT_APP_SECRET_EXPIRING, new Example("PERIODIC_ROTATION", new AlertDetail.Text("PERIODIC_ROTATION")))));

    @Test
    void everyKindHasAnEntryWrittenInTodaysForm() {
        assertThat(WRITTEN.keySet()).containsExactlyInAnyOrder(AlertKind.values());
    }

    @Test
    void anEntryWrittenInTodaysFormReadsBackAsItsKindsDetailAndIsWrittenAgainUnchanged() {
        var softly = new SoftAssertions();
        WRITTEN.forEach((kind, example) -> {
            AlertDetail read = AlertOutbox.alert(item(kind, example.stored())).detail();
            softly.assertThat(read).as(kind.name()).isEqualTo(example.detail());
            softly.assertThat(read.stored()).as(kind.name()).isEqualTo(example.stored());
        });
        softly.assertAll();
    }

    /** An outbox item as the current release writes it. */
    private static Map<String, AttributeValue> item(AlertKind kind, String detail) {
        var item = new LinkedHashMap<String, AttributeValue>();
        item.put(TableLayout.PK, s("CONNECTION#amazon#NA#A1B2C3"));
        item.put(TableLayout.SK, s(TableLayout.ALERT_PREFIX + "2031-03-01T10:00:00Z#" + kind + "#0a1b2c3d"));
        item.put("kind", s(kind.name()));
        item.put("merchantId", s("merchant-2"));
        item.put("subject", s("amazon:NA:A1B2C3"));
        item.put("origin", s("https://sellercentral.amazon.com"));
        item.put("detail", s(detail));
        item.put("since", s("2031-03-01T10:00:00Z"));
        item.put("app", s("default"));
        item.put("createdAt", s("2031-03-01T10:00:00Z"));
        item.put(TableLayout.PENDING_ALERT, s(TableLayout.PENDING));
        item.put(TableLayout.ALERT_AT, n(1930298400000L));
        return item;
    }
}
