package dev.authkeeper.importing;

import java.time.Duration;
import java.util.Optional;

import dev.authkeeper.table.ConnectionId;

/** What became of one imported authorization. Only {@link Imported} stored anything. */
public sealed interface ImportOutcome {

    /** Proven with one grant and stored sealed; {@code migrated} when a non-expiring token was traded for a refresh token. */
    record Imported(ConnectionId id, boolean migrated) implements ImportOutcome {
    }

    /** The account is already authorized for this merchant: nothing changed, no grant spent. */
    record AlreadyPresent(ConnectionId id) implements ImportOutcome {
    }

    /** The marketplace refused the token ({@code reason}: its error code); nothing stored. */
    record Rejected(ConnectionId id, String reason) implements ImportOutcome {
    }

    /** The item itself is wrong ({@code problem} says how, never quoting a value); nothing asked, nothing stored. */
    record Invalid(String problem) implements ImportOutcome {
    }

    /** Another merchant holds the account; nothing changed. */
    record Conflict(ConnectionId id) implements ImportOutcome {
    }

    /**
     * Nothing concluded and nothing stored (throttled, an outage, no time left in this request, an
     * unexpected answer, the app's own credentials refused, a failure on AuthKeeper's side): send the
     * item again, after {@code after} when given.
     */
    record Retry(Optional<ConnectionId> id, String reason, Optional<Duration> after) implements ImportOutcome {
    }
}
