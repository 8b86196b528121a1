package dev.authkeeper.authorization;

import dev.authkeeper.marketplace.Marketplace;

/** The way back for a seller whose authorization could not go on, in the words of the marketplace's facts. */
final class StartAgain {

    private StartAgain() {
    }

    /** Where the seller starts again, such as Seller Central's Manage Your Apps. */
    static String place(Marketplace marketplace) {
        return marketplace.facts().wording().portal();
    }

    static String from(Marketplace marketplace) {
        return "To connect, start again from " + place(marketplace) + ". If you came from a reconnect link, open the newest one instead.";
    }
}
