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
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.status.ConnectionView;

/**
 * Turns connection views into the page's rows, each in its own marketplace's words: what to say
 * about it and which button it needs. A connection that needs reauthorization gets "Reauthorize";
 * a healthy one whose authorization ends within {@code warningDays} gets a warning and "Renew
 * authorization". Only an authorization in force has an expiry worth showing; a new one starts
 * afresh.
 */
final class Rows {

    static final String REAUTHORIZE = "Reauthorize";
    static final String RENEW = "Renew authorization";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final String integrator;
    private final Function<String, MarketplaceFacts> marketplaces;
    private final Instant now;
    private final int warningDays;
    private final Function<ConnectionView, URI> reauthorizeLink;

    /**
     * @param marketplaces    the facts of a marketplace, by the id a connection names
     * @param reauthorizeLink mints a link that repairs the connection, called only for the rows
     *                        that show a button
     */
    Rows(String integrator, Function<String, MarketplaceFacts> marketplaces, Instant now, int warningDays,
            Function<ConnectionView, URI> reauthorizeLink) {
        this.integrator = integrator;
        this.marketplaces = marketplaces;
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
        MarketplaceFacts marketplace = marketplaces.apply(view.marketplace());
        Note note = note(view, marketplace, status, expiring);
        String action = switch (status) {
            case NEEDS_REAUTHORIZATION -> REAUTHORIZE;
            case ACTIVE -> expiring ? RENEW : null;
            case DISCONNECTED -> null;
        };
        Instant checked = view.lastCheckedAt();
        return new ConnectionsPage.Row("connection-" + index, view.connectionId(), marketplace.displayName(), view.accountId(),
                view.regionName(),
                view.statusText(), statusTone, tone, note == null ? null : note.label(), note == null ? null : note.text(),
                checked == null ? "Not checked yet" : MOMENT.format(checked), checked == null ? null : checked.toString(),
                active ? DAY.format(view.authorizationExpiresAt()) : null, active ? view.authorizationExpiresAt().toString() : null,
                expiring ? expiryWarning(daysLeft) : null,
                action == null ? null : new ConnectionsPage.Action(action, reauthorizeLink.apply(view).toString()));
    }

    private record Note(String label, String text) {
    }

    private Note note(ConnectionView view, MarketplaceFacts marketplace, ConnectionStatus status, boolean expiring) {
        String name = marketplace.displayName();
        return switch (status) {
            case NEEDS_REAUTHORIZATION -> new Note("Probable reason", view.reason() != null ? view.reason()
                    : name + " no longer accepts this authorization.");
            case DISCONNECTED -> new Note("What to do", "This account is no longer connected to " + integrator
                    + ". To use it again, connect it below.");
            case ACTIVE -> {
                if (expiring) {
                    String rule = marketplace.wording().renewal().map(renewal -> renewal + " ")
                            .or(() -> marketplace.authorization().reconsentEvery()
                                    .map(every -> name + " asks sellers to renew an app's authorization every " + every.toDays() + " days. "))
                            .orElse(name + " ends this authorization on that day unless it is renewed. ");
                    yield new Note("What to do", rule + "Renew it before it ends to keep " + integrator + " working.");
                }
                if ("FAILED".equals(view.lastCheckOutcome()) && view.lastCheckError() != null
                        && view.lastCheckError().startsWith(TableLayout.NOT_CHECKED)) {
                    yield new Note("Last check", integrator + " could not run the last check on its side. It is tried again soon; "
                            + "nothing to do.");
                }
                if ("FAILED".equals(view.lastCheckOutcome())) {
                    yield new Note("Last check", name + " did not answer the last check. It is tried again soon; "
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
