package dev.authkeeper.sweep;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.SealedToken;

/** A connection this run has claimed, as the claim's write returned it. */
record ClaimedConnection(
        ConnectionId id,
        String merchantId,
        URI origin,
        ConnectionStatus status,
        SealedToken token,
        Instant authorizedAt,
        Instant authorizationExpiresAt,
        long version,
        Optional<Instant> needsReauthorizationSince,
        Optional<String> statusReason,
        int remindersSent,
        Optional<Integer> expiryWarnedDays) {
}
