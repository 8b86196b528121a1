package dev.authkeeper.alert;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.testing.EventSchema;

/** The published schema says what it must: it accepts AuthKeeper's events and refuses what must never be in one. */
class EventSchemaTest {

    static final ObjectMapper JSON = new ObjectMapper();

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

    @Test
    void aTransferNamesTheMerchantItLeftAndOnlyATransferDoes() {
        assertThatCode(() -> EventSchema.requireValid(transferred())).doesNotThrowAnyException();
        assertThatThrownBy(() -> EventSchema.requireValid(transferred().without("fromMerchantId"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(transferred().put("status", "NEEDS_REAUTHORIZATION")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> EventSchema.requireValid(needsReauthorization().put("fromMerchantId", "merchant-1")))
                .isInstanceOf(AssertionError.class);
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

    /** A {@code connection.needs_reauthorization} event of one account, with its marketplace's own fields. */
    static ObjectNode needsReauthorization(String connectionId, String marketplace, String accountId, Map<String, String> marketplaceFields,
            String reasonCode, String reasonText) {
        var detail = JSON.createObjectNode()
                .put("schemaVersion", "1")
                .put("eventId", "2f1c7a3e-5b1d-3c44-9a8e-0c1d2e3f4a5b")
                .put("type", "connection.needs_reauthorization")
                .put("occurredAt", "2026-11-29T14:28:50Z")
                .put("connectionId", connectionId)
                .put("merchantId", "merchant-1")
                .put("marketplace", marketplace)
                .put("accountId", accountId)
                .put("status", "NEEDS_REAUTHORIZATION");
        marketplaceFields.forEach(detail::put);
        detail.putObject("reason").put("code", reasonCode).put("text", reasonText);
        return detail;
    }

    ObjectNode needsReauthorization() {
        return needsReauthorization("amazon:NA:A1SELLER0001", "amazon", "A1SELLER0001",
                Map.of("region", "NA", "sellingPartnerId", "A1SELLER0001"),
                "REVOKED_OR_CHANGED", "Amazon no longer accepts this authorization.");
    }

    ObjectNode transferred() {
        var detail = needsReauthorization();
        detail.remove("reason");
        return detail.put("type", "connection.transferred")
                .put("merchantId", "merchant-2")
                .put("fromMerchantId", "merchant-1")
                .put("status", "ACTIVE");
    }

    ObjectNode shopifyUninstalled() {
        return needsReauthorization("shopify:acme-store.myshopify.com", "shopify", "acme-store.myshopify.com",
                Map.of("app", "shopify", "shopDomain", "acme-store.myshopify.com"),
                "APP_UNINSTALLED", "The app was uninstalled from this Shopify store.");
    }
}
