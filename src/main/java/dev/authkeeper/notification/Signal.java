package dev.authkeeper.notification;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.table.ConnectionId;

/**
 * A verified delivery as its marketplace read it.
 *
 * @param deliveryId the marketplace's id of the delivery, acted on once (a delivery without one is acted on each time)
 * @param topic      what the marketplace calls it, remembered with the delivery
 * @param candidates the connections it may be about, the first of the app's that exists being the one; none when it names no account
 * @param change     what it asks of that connection
 */
public record Signal(Optional<String> deliveryId, String topic, List<ConnectionId> candidates, Change change) {

    /** What a signal asks of the connection it is about. */
    public sealed interface Change {

        /** The authorization ended and the merchant can give it again: NEEDS_REAUTHORIZATION, as a check that found it refused. */
        record Revoke(ReauthorizationReason reason) implements Change {
        }

        /** The app was removed for good: DISCONNECTED with its tokens destroyed, and the merchant told. */
        record Disconnect(String reason) implements Change {
        }

        /** Nothing of the account may be kept: DISCONNECTED without a notice, then everything kept of it erased. */
        record Erase(String reason) implements Change {
        }

        /** The marketplace told when the authorization ends. */
        record LearnExpiry(Instant expiresAt) implements Change {
        }

        /** Nothing to change: the delivery is only remembered as received. */
        record None() implements Change {
        }
    }
}
