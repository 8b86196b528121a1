package dev.authkeeper.connection;

import java.net.URI;
import java.time.Instant;

import dev.authkeeper.table.ConnectionId;

/** A stored connection as the flows and the support views read it; the sealed token is left out. */
public record Connection(
        ConnectionId id,
        String merchantId,
        URI origin,
        ConnectionStatus status,
        Instant authorizedAt,
        Instant authorizationExpiresAt,
        long version) {
}
