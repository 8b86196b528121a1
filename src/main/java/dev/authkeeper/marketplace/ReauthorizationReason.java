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
    APP_UNINSTALLED;

    /** Whether {@code code} names one of these reasons. */
    public static boolean isOne(String code) {
        return Arrays.stream(values()).anyMatch(reason -> reason.name().equals(code));
    }

    /** Every reason's name, for messages about a facts file. */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
