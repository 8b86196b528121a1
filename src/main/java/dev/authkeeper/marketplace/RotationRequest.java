package dev.authkeeper.marketplace;

/** The answer to a request for a new client secret. Descriptions hold only a status and sanitized codes, never a body. */
public sealed interface RotationRequest {

    /** Accepted: the new secret will be delivered (for Amazon, by the NEW_SECRET notification). */
    record Accepted() implements RotationRequest {
    }

    /** Refused for a reason an operator must act on (the app is not enrolled, its credentials were refused, ...). */
    record Refused(int status, String description) implements RotationRequest {
    }

    /** Throttled, an outage, or no answer in time: worth trying again later. */
    record Transient(String description) implements RotationRequest {
    }
}
