package dev.authkeeper.connection;

public enum ConnectionStatus {
    /** The last authorization or check worked. */
    ACTIVE,
    /** The marketplace refused the authorization: the seller has to authorize again. */
    NEEDS_REAUTHORIZATION,
    /** The integrator disconnected it (the merchant uninstalled): tokens destroyed, history kept. */
    DISCONNECTED
}
