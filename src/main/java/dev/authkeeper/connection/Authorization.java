package dev.authkeeper.connection;

import java.net.URI;
import java.time.Instant;

import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.table.ConnectionId;

/**
 * A fresh authorization to store: its token is already sealed for this connection and was issued
 * to {@code app} (the integrator's app, by configured name), whose credentials refresh it from now on.
 */
public record Authorization(
        ConnectionId id,
        String merchantId,
        String app,
        URI origin,
        Flow flow,
        SealedToken token,
        Instant authorizedAt,
        Instant authorizationExpiresAt) {
}
