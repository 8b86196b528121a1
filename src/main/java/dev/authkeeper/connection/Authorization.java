package dev.authkeeper.connection;

import java.net.URI;
import java.time.Instant;

import dev.authkeeper.crypto.SealedToken;

/** A fresh authorization to store: its token is already sealed for this connection. */
public record Authorization(
        ConnectionId id,
        String merchantId,
        URI origin,
        Flow flow,
        SealedToken token,
        Instant authorizedAt,
        Instant authorizationExpiresAt) {
}
