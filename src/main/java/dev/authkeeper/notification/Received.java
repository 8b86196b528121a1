package dev.authkeeper.notification;

import java.time.Instant;

import dev.authkeeper.api.Disconnections;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.marketplace.ReauthorizationReason;

/** What became of a signal, for its marketplace to log and answer in its own words. */
public sealed interface Received {

    /** Acted on before: nothing done again. */
    record Duplicate() implements Received {
    }

    /** It names no connection of the app here: recorded as received, nothing changed. */
    record UnknownAccount() implements Received {
    }

    /** It names no account and asks nothing: recorded as received. */
    record Noted() implements Received {
    }

    /** The connection it is about, as it was found, and what was done to it. */
    record Applied(Connection connection, Effect effect) implements Received {
    }

    /** What a signal did to its connection. */
    sealed interface Effect {

        /** Recorded as a check that found the authorization refused for {@code reason}; {@code SUPERSEDED} when it is disconnected here. */
        record Revoked(ReauthorizationReason reason, CheckRecorder.Result result) implements Effect {
        }

        /** Disconnected; {@code erased} items kept of it removed after (none unless the signal asked for it). */
        record Ended(Disconnections.Result result, int erased) implements Effect {
        }

        /** Whether the authorization's end was written (false: the connection changed meanwhile, or is disconnected). */
        record ExpiryLearned(Instant expiresAt, boolean learned) implements Effect {
        }

        record Unchanged() implements Effect {
        }
    }
}
