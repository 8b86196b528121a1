package dev.authkeeper.connection;

/** How an authorization started. */
public enum Flow {
    /** From the marketplace (Seller Central's Authorize button, through the Login URI). */
    MARKETPLACE,
    /** From the integrator's website or an alert's link, through the authorize route. */
    WEBSITE
}
