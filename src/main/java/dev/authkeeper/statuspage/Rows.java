package dev.authkeeper.statuspage;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;

import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.status.ConnectionView;

/**
 * Turns connection views into the page's rows: what to say about each and which button it needs.
 * A connection that needs reauthorization gets "Reauthorize"; a healthy one whose yearly
 * authorization ends within {@code warningDays} gets a warning and "Renew authorization". Only an
 * authorization in force has an expiry worth showing; a new one starts a new year.
 */
final class Rows {

    static final String REAUTHORIZE = "Reauthorize";
    static final String RENEW = "Renew authorization";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final String integrator;
    private final String marketplace;
    private final Instant now;
    private final int warningDays;
    private final Function<ConnectionView, URI> reauthorizeLink;

    /**
     * @param reauthorizeLink mints a link that repairs the connection, called only for the rows
     *                        that show a button
     */
    Rows(String integrator, String marketplace, Instant now, int warningDays, Function<ConnectionView, URI> reauthorizeLink) {
        this.integrator = integrator;
        this.marketplace = marketplace;
        this.now = now;
        this.warningDays = warningDays;
        this.reauthorizeLink = reauthorizeLink;
    }

    ConnectionsPage.Row row(ConnectionView view, int index) {
        var status = ConnectionStatus.valueOf(view.status());
        long daysLeft = ChronoUnit.DAYS.between(day(now), day(view.authorizationExpiresAt()));
        boolean active = status == ConnectionStatus.ACTIVE;
        boolean expiring = active && daysLeft <= warningDays;
        String statusTone = switch (status) {
            case ACTIVE -> "ok";
            case NEEDS_REAUTHORIZATION -> "problem";
            case DISCONNECTED -> "neutral";
        };
        String tone = expiring ? "warning" : statusTone;
        Note note = note(view, status, expiring);
        String action = switch (status) {
            case NEEDS_REAUTHORIZATION -> REAUTHORIZE;
            case ACTIVE -> expiring ? RENEW : null;
            case DISCONNECTED -> null;
        };
        Instant checked = view.lastCheckedAt();
        return new ConnectionsPage.Row("connection-" + index, view.connectionId(), view.accountId(), view.regionName(),
                view.statusText(), statusTone, tone, note == null ? null : note.label(), note == null ? null : note.text(),
                checked == null ? "Not checked yet" : MOMENT.format(checked), checked == null ? null : checked.toString(),
                active ? DAY.format(view.authorizationExpiresAt()) : null, active ? view.authorizationExpiresAt().toString() : null,
                expiring ? expiryWarning(daysLeft) : null,
                action == null ? null : new ConnectionsPage.Action(action, reauthorizeLink.apply(view).toString()));
    }

    private record Note(String label, String text) {
    }

    private Note note(ConnectionView view, ConnectionStatus status, boolean expiring) {
        return switch (status) {
            case NEEDS_REAUTHORIZATION -> new Note("Probable reason", view.reason() != null ? view.reason()
                    : marketplace + " no longer accepts this authorization.");
            case DISCONNECTED -> new Note("What to do", "This account is no longer connected to " + integrator
                    + ". To use it again, connect it below.");
            case ACTIVE -> {
                if (expiring) {
                    yield new Note("What to do", marketplace + " asks sellers to renew an app's authorization every 365 days. "
                            + "Renew it before it ends to keep " + integrator + " working.");
                }
                if ("FAILED".equals(view.lastCheckOutcome())) {
                    yield new Note("Last check", marketplace + " did not answer the last check. It is tried again soon; "
                            + "nothing to do.");
                }
                yield null;
            }
        };
    }

    private static String expiryWarning(long daysLeft) {
        if (daysLeft < 0) {
            return "Ended: renew it now";
        }
        if (daysLeft == 0) {
            return "Ends today";
        }
        return daysLeft == 1 ? "Ends tomorrow" : "Ends in " + daysLeft + " days";
    }

    private static LocalDate day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
