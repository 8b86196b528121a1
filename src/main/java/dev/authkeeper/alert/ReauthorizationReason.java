package dev.authkeeper.alert;

/** Why a marketplace probably refused an authorization; told to the merchant in plain words. */
public enum ReauthorizationReason {
    /** Older than Amazon's 365 days: the yearly renewal lapsed. */
    YEARLY_RENEWAL,
    /** Younger: the seller revoked the app, changed the password, or changed the app's roles. */
    REVOKED_OR_CHANGED
}
