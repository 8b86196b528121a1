package dev.authkeeper.alert;

import java.time.Instant;
import java.util.Optional;

/**
 * One alert as recorded in the outbox: where it is stored, what it is about, and the facts its
 * text is rendered from when it is published (the reauthorize link is minted then, fresh).
 *
 * @param subject  the connection id for merchant alerts, the incident name for operator alerts
 * @param detail   the probable reason, the days left before expiry, or the incident's detail
 */
public record Alert(
        String pk,
        String sk,
        AlertKind kind,
        Optional<String> merchantId,
        String subject,
        Optional<String> origin,
        String detail,
        Optional<Instant> since,
        Instant createdAt) {
}
