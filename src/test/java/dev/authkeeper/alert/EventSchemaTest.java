package dev.authkeeper.alert;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.testing.EventSchema;

/** The published schema says what it must: it accepts AuthKeeper's events and refuses what must never be in one. */
class EventSchemaTest {

    static final ObjectMapper JSON = new ObjectMapper();

    ObjectNode needsReauthorization() {
        var detail = JSON.createObjectNode()
                .put("schemaVersion", "1")
                .put("eventId", "2f1c7a3e-5b1d-3c44-9a8e-0c1d2e3f4a5b")
                .put("type", "connection.needs_reauthorization")
                .put("occurredAt", "2026-11-29T14:28:50Z")
                .put("connectionId", "amazon:NA:A1SELLER0001")
                .put("merchantId", "merchant-1")
                .put("marketplace", "amazon")
                .put("accountId", "A1SELLER0001")
                .put("region", "NA")
                .put("sellingPartnerId", "A1SELLER0001")
                .put("status", "NEEDS_REAUTHORIZATION");
        detail.putObject("reason").put("code", "REVOKED_OR_CHANGED").put("text", "Amazon no longer accepts this authorization.");
        return detail;
    }

    @Test
    void aNeedsReauthorizationEventSatisfiesIt() {
        assertThatCode(() -> EventSchema.requireValid(needsReauthorization())).doesNotThrowAnyException();
    }

    @Test
    void aTokenOrAnyFieldTheSchemaDoesNotNameIsRefused() {
        var leaking = needsReauthorization().put("refreshToken", "Atzr|secret");

        assertThatThrownBy(() -> EventSchema.requireValid(leaking)).isInstanceOf(AssertionError.class).hasMessageContaining("refreshToken");
    }

    @Test
    void aConnectionEventWithoutItsConnectionOrAReasonIsRefused() {
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().without("connectionId")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().without("reason")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().put("schemaVersion", "2")))
                .isInstanceOf(AssertionError.class);
    }

    ObjectNode transferred() {
        var detail = needsReauthorization();
        detail.remove("reason");
        return detail.put("type", "connection.transferred")
                .put("merchantId", "merchant-2")
                .put("fromMerchantId", "merchant-1")
                .put("status", "ACTIVE");
    }

    @Test
    void aTransferNamesTheMerchantItLeftAndOnlyATransferDoes() {
        assertThatCode(() -> EventSchema.requireValid(transferred())).doesNotThrowAnyException();
        assertThatThrownBy(() -> EventSchema.requireValid(transferred().without("fromMerchantId"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(transferred().put("status", "NEEDS_REAUTHORIZATION")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().put("fromMerchantId", "merchant-1")))
                .isInstanceOf(AssertionError.class);
    }

    ObjectNode shopifyUninstalled() {
        var detail = JSON.createObjectNode()
                .put("schemaVersion", "1")
                .put("eventId", "7a1c7a3e-5b1d-3c44-9a8e-0c1d2e3f4a5b")
                .put("type", "connection.needs_reauthorization")
                .put("occurredAt", "2026-12-07T14:28:50Z")
                .put("app", "shopify")
                .put("connectionId", "shopify:acme-store.myshopify.com")
                .put("merchantId", "merchant-1")
                .put("marketplace", "shopify")
                .put("accountId", "acme-store.myshopify.com")
                .put("shopDomain", "acme-store.myshopify.com")
                .put("status", "NEEDS_REAUTHORIZATION");
        detail.putObject("reason").put("code", "APP_UNINSTALLED").put("text", "The app was uninstalled from this Shopify store.");
        return detail;
    }

    @Test
    void eachMarketplaceCarriesItsOwnAccountFieldAndNoOther() {
        assertThatCode(() -> EventSchema.requireValid(shopifyUninstalled())).doesNotThrowAnyException();
        assertThatThrownBy(() -> EventSchema.requireValid(shopifyUninstalled().put("region", "NA"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(shopifyUninstalled().without("shopDomain"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().without("sellingPartnerId")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().without("region"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().put("shopDomain", "acme-store.myshopify.com")))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void everyConnectionEventNamesItsMarketplaceAndAccount() {
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().without("accountId"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(shopifyUninstalled().without("marketplace"))).isInstanceOf(AssertionError.class);
    }

    @Test
    void anAppEventNamesNoMerchant() {
        var restored = JSON.createObjectNode().put("schemaVersion", "1").put("eventId", "2f1c7a3e-5b1d-3c44-9a8e-0c1d2e3f4a5b")
                .put("type", "app.credentials_restored").put("occurredAt", "2026-11-29T14:28:50Z").put("detail", "resolved");

        assertThatCode(() -> EventSchema.requireValid(restored)).doesNotThrowAnyException();
        assertThatThrownBy(() -> EventSchema.requireValid(restored.deepCopy().put("merchantId", "merchant-1")))
                .isInstanceOf(AssertionError.class);
    }
}
