package dev.authkeeper.alert;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of the outbox: where it is stored, what it is about, when it may go out, and the facts
 * its text (or event) is rendered from when it is published (a reauthorize link is minted then, fresh).
 *
 * @param subject   the connection id for merchant alerts and connection events, the incident name otherwise
 * @param detail    what it says beyond its kind, such as the probable reason or the days left before expiry
 * @param deliverAt not before this: grouped merchant alerts wait for their siblings
 * @param app       the integrator's app (by configured name) it concerns, when it concerns one
 */
public record Alert(
        String pk,
        String sk,
        AlertKind kind,
        Optional<String> merchantId,
        String subject,
        Optional<String> origin,
        AlertDetail detail,
        Optional<Instant> since,
        Instant createdAt,
        Instant deliverAt,
        Optional<String> app) {

    /** The same entry, about {@code app}. */
    public Alert withApp(String app) {
        return new Alert(pk, sk, kind, merchantId, subject, origin, detail, since, createdAt, deliverAt, Optional.of(app));
    }
}
