package dev.authkeeper.authorization;

/** The way back for a seller whose authorization could not go on. */
final class StartAgain {

    static final String SELLER_CENTRAL_PATH = "Seller Central (Apps and Services, then Manage Your Apps, then Authorize)";
    static final String FROM_SELLER_CENTRAL = "To connect, start again from " + SELLER_CENTRAL_PATH
            + ". If you came from a reconnect link, open the newest one instead.";

    private StartAgain() {
    }
}
