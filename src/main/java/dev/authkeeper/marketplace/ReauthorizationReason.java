package dev.authkeeper.marketplace;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Why a marketplace probably refused an authorization; told to the merchant in plain words. */
public enum ReauthorizationReason {
    /** Past the marketplace's re-consent period (Amazon's yearly renewal): the periodic renewal lapsed. */
    YEARLY_RENEWAL,
    /** Younger: the seller revoked the app, changed the password, or changed the app's roles. */
    REVOKED_OR_CHANGED,
    /** A refresh token ran out: a sliding one unused (Shopify's 90 days without a refresh), or a fixed one at its end (eBay's 18 months). */
    REFRESH_TOKEN_EXPIRED,
    /** The marketplace said the app was uninstalled (Shopify's {@code app/uninstalled}). */
    APP_UNINSTALLED,
    /** The marketplace said the seller removed the app's access (eBay's {@code REVOKED_BY_USER}). */
    REVOKED_BY_SELLER,
    /** The marketplace said the seller's password changed, which ends every app's access (eBay's {@code PASSWORD_CHANGE}). */
    PASSWORD_CHANGED,
    /** The marketplace itself revoked the access (eBay's {@code REVOKED_BY_EBAY}, such as its customer service). */
    REVOKED_BY_MARKETPLACE,
    /** The marketplace said the app revoked the access itself (eBay's {@code REVOKED_BY_APP}). */
    REVOKED_BY_APP;

    /** Whether {@code code} names one of these reasons. */
    public static boolean isOne(String code) {
        return Arrays.stream(values()).anyMatch(reason -> reason.name().equals(code));
    }

    /** Every reason's name, for messages about a facts file. */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
