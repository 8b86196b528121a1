package dev.authkeeper.connection;

/** How an authorization started. */
public enum Flow {
    /** From the marketplace (Seller Central's Authorize button, through the Login URI). */
    MARKETPLACE,
    /** From the integrator's website or an alert's link, through the authorize route. */
    WEBSITE,
    /** Brought in through the import route with a token the integrator already held, proven before it was stored. */
    IMPORT
}
