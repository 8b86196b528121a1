package dev.authkeeper.check;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.config.Backoff;
import dev.authkeeper.config.GuardConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.marketplace.ReauthorizationReason;

/**
 * Records what a check found, the same way wherever the check ran (the sweep, "check now", an
 * access-token request): status changes with their history, alerts and events in one transaction;
 * a healthy connection written only when something about it changed.
 */
@ApplicationScoped
public class CheckRecorder {

    private static final Logger LOG = Logger.getLogger(CheckRecorder.class);

    /** What the record did with a connection. */
    public enum Result {
        /** Works, as before (anything worth keeping was written). */
        VALID,
        /** Newly refused: NEEDS_REAUTHORIZATION, merchant alert and event recorded. */
        NEEDS_REAUTHORIZATION,
        /** Newly refused while a mass rejection is investigated: alert and event held, re-tested later. */
        HELD,
        /** Still refused after a mass-rejection incident closed: its held alert and event go out now. */
        RELEASED,
        /** Still refused, and a reminder was due: recorded. */
        REMINDED,
        /** Still refused; nothing to say yet (its alert waits for delivery, or is held). */
        STILL_REFUSED,
        /** Needed reauthorization and works again: ACTIVE, back in the round. */
        RECOVERED,
        TRANSIENT,
        UNEXPECTED,
        APP_CREDENTIALS_REFUSED,
        /** The connection changed while it was checked (a re-authorization won): nothing written. */
        SUPERSEDED
    }

    /** {@code NON_EXPIRING_LEFT}: the connection still holds a non-expiring token after its check (its migration has not worked yet). */
    public enum Note { TOKEN_ROTATED, TOKEN_RESEALED, EXPIRY_WARNED, MIGRATED, NON_EXPIRING_LEFT }

    /** The result, the alerts and events recorded (to deliver), and anything else worth counting. */
    public record Recorded(Result result, List<Alert> entries, Set<Note> notes) {
        static Recorded of(Result result) {
            return new Recorded(result, List.of(), Set.of());
        }

        Recorded noting(Note note) {
            var more = EnumSet.of(note);
            more.addAll(notes);
            return new Recorded(result, entries, more);
        }
    }

    private final CheckStore store;
    private final AlertOutbox outbox;
    private final MassRejectionGuard guard;
    private final TokenCipher cipher;
    private final SweepConfig config;
    private final GuardConfig guardConfig;
    private final Clock clock;

    public CheckRecorder(CheckStore store, AlertOutbox outbox, MassRejectionGuard guard, TokenCipher cipher, SweepConfig config,
            GuardConfig guardConfig, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.guard = guard;
        this.cipher = cipher;
        this.config = config;
        this.guardConfig = guardConfig;
        this.clock = clock;
    }

    public Recorded record(CheckedConnection c, CheckOutcome outcome) {
        Instant now = clock.instant();
        Recorded recorded = switch (c.status()) {
            case ACTIVE -> active(c, outcome, now);
            case NEEDS_REAUTHORIZATION -> needingReauthorization(c, outcome, now);
            case DISCONNECTED -> Recorded.of(Result.SUPERSEDED);
        };
        boolean migrated = outcome instanceof CheckOutcome.Valid valid && valid.rotated() && recorded.result() != Result.SUPERSEDED;
        return c.nonExpiring() && !migrated ? recorded.noting(Note.NON_EXPIRING_LEFT) : recorded;
    }

    private Recorded active(CheckedConnection c, CheckOutcome outcome, Instant now) {
        return switch (outcome) {
            case CheckOutcome.Valid valid -> healthy(c, valid, now);
            case CheckOutcome.Revoked revoked -> revoked(c, revoked.reason(), now);
            case CheckOutcome.AppCredentialsBroken broken -> failed(c, "app credentials refused (" + broken.error() + ")", now,
                    Result.APP_CREDENTIALS_REFUSED);
            case CheckOutcome.Transient failure -> failed(c, failure.cause(), now, Result.TRANSIENT);
            case CheckOutcome.Unexpected unexpected -> failed(c, "unexpected answer: " + unexpected.description(), now, Result.UNEXPECTED);
        };
    }

    private Recorded healthy(CheckedConnection c, CheckOutcome.Valid valid, Instant now) {
        var notes = EnumSet.noneOf(Note.class);
        Optional<SealedToken> token = Optional.empty();
        Optional<Instant> rotatedUntil = Optional.empty();
        if (valid.rotated()) {
            token = Optional.of(cipher.seal(c.id().value(), valid.refreshToken()));
            rotatedUntil = valid.refreshTokenExpiresIn().map(now::plus);
            notes.add(Note.TOKEN_ROTATED);
        } else if (cipher.needsResealing(c.token())) {
            token = Optional.of(cipher.seal(c.id().value(), valid.refreshToken()));
            notes.add(Note.TOKEN_RESEALED);
        }
        if (!c.inRound()) {
            notes.add(Note.MIGRATED);
        }
        long version = c.version();
        if (CheckStore.healthyNeedsWrite(c, token)) {
            if (!store.keepHealthy(c, token, valid.rotated(), rotatedUntil)) {
                return Recorded.of(Result.SUPERSEDED);
            }
            version += token.isPresent() ? 1 : 0;
        }
        var entries = new ArrayList<Alert>();
        if (warnOfExpiry(c, version, now, entries)) {
            notes.add(Note.EXPIRY_WARNED);
        }
        return new Recorded(Result.VALID, entries, notes);
    }

    /** The most urgent threshold the authorization's expiry has crossed, once per threshold. */
    private boolean warnOfExpiry(CheckedConnection c, long version, Instant now, List<Alert> entries) {
        Duration left = Duration.between(now, c.authorizationExpiresAt());
        Optional<Integer> threshold = config.expiryWarningDays().stream()
                .sorted()
                .filter(days -> left.compareTo(Duration.ofDays(days)) <= 0)
                .findFirst()
                .filter(days -> c.expiryWarnedDays().map(warned -> warned > days).orElse(true));
        if (threshold.isEmpty()) {
            return false;
        }
        var daysLeft = new AlertDetail.DaysLeft((int) Math.max(1, (left.toHours() + 23) / 24));
        Alert alert = entry(c, AlertKind.EXPIRY_WARNING, daysLeft, Optional.of(c.authorizationExpiresAt()), now);
        Alert event = entry(c, AlertKind.EVENT_AUTHORIZATION_EXPIRING, daysLeft, Optional.of(c.authorizationExpiresAt()), now);
        if (!store.recordExpiryWarning(c, version, threshold.get(), alert, event)) {
            return false;
        }
        entries.add(alert);
        entries.add(event);
        return true;
    }

    private Recorded revoked(CheckedConnection c, ReauthorizationReason reason, Instant now) {
        boolean held = guard.holding(c.app());
        var code = new AlertDetail.Reason(reason.name());
        Alert alert = entry(c, AlertKind.NEEDS_REAUTHORIZATION, code, Optional.of(now), now);
        Alert event = entry(c, AlertKind.EVENT_NEEDS_REAUTHORIZATION, code, Optional.of(now), now);
        Instant next = held ? now.plus(guardConfig.retestEvery()) : now.plus(config.reminders().get(0));
        if (!store.recordRevoked(c, reason, alert, event, held, next, now)) {
            return Recorded.of(Result.SUPERSEDED);
        }
        LOG.infof("Connection %s of merchant %s needs reauthorization (%s)%s", c.id(), c.merchantId(), reason,
                held ? "; its alert is held while a mass rejection is investigated" : "");
        return held ? Recorded.of(Result.HELD) : new Recorded(Result.NEEDS_REAUTHORIZATION, List.of(alert, event), Set.of());
    }

    /**
     * A check that could not run (an AWS call it needed failed, or the stored token does not open):
     * remembered as a failed check with what it met, never a value, so {@code /v1} and the status
     * page do not read VALID, and tried again from the due index; false when nothing was written
     * (the connection changed meanwhile, or the table is what fails).
     */
    public boolean recordNotChecked(CheckedConnection c, String kind) {
        Instant now = clock.instant();
        return store.recordFailure(c, TableLayout.NOT_CHECKED + kind, now.plus(Backoff.withJitter(config.retryAfterTransient())), now);
    }

    private Recorded failed(CheckedConnection c, String cause, Instant now, Result result) {
        Instant retry = now.plus(Backoff.withJitter(config.retryAfterTransient()));
        return store.recordFailure(c, cause, retry, now) ? Recorded.of(result) : Recorded.of(Result.SUPERSEDED);
    }

    /** A re-test (or reminder time) of a connection that needs reauthorization: the authorization is always tried first. */
    private Recorded needingReauthorization(CheckedConnection c, CheckOutcome outcome, Instant now) {
        return switch (outcome) {
            case CheckOutcome.Valid valid -> recovered(c, valid, now);
            case CheckOutcome.Revoked revoked -> stillRefused(c, now);
            case CheckOutcome.AppCredentialsBroken broken -> failed(c, "app credentials refused (" + broken.error() + ")", now,
                    Result.APP_CREDENTIALS_REFUSED);
            case CheckOutcome.Transient failure -> failed(c, failure.cause(), now, Result.TRANSIENT);
            case CheckOutcome.Unexpected unexpected -> failed(c, "unexpected answer: " + unexpected.description(), now, Result.UNEXPECTED);
        };
    }

    /**
     * Works again. A merchant who was told gets a "reconnected" notice (and the integrator's app an
     * event); one who was not is never told anything, and the alert waiting to go out is removed.
     */
    private Recorded recovered(CheckedConnection c, CheckOutcome.Valid valid, Instant now) {
        var recovery = outbox.recovery(c.pk(), c.merchantId(), c.id().value(), c.app(), c.origin().toString(), c.incidentAlert(),
                c.incidentEvent(), now);
        Optional<SealedToken> token = valid.rotated() || cipher.needsResealing(c.token())
                ? Optional.of(cipher.seal(c.id().value(), valid.refreshToken())) : Optional.empty();
        if (!store.recordRecovered(c, token, recovery, now)) {
            // An alert to cancel may have been leased, or one being published sent or given back, meanwhile: read again and decide once more.
            var again = store.read(c.pk()).filter(fresh -> fresh.version() == c.version());
            if (again.isEmpty() || recovery.cancelled().isEmpty() && recovery.followed().isEmpty()) {
                return Recorded.of(Result.SUPERSEDED);
            }
            var told = outbox.recovery(c.pk(), c.merchantId(), c.id().value(), c.app(), c.origin().toString(), c.incidentAlert(),
                    c.incidentEvent(), now);
            if (!store.recordRecovered(again.get(), token, told, now)) {
                return Recorded.of(Result.SUPERSEDED);
            }
            recovery = told;
        }
        if (recovery.wasHeld()) {
            guard.heldConnectionWorks(c.app(), now);
        }
        LOG.infof("Connection %s of merchant %s works again%s", c.id(), c.merchantId(),
                recovery.anyoneTold() ? "; a reconnected notice is sent" : " before any alert went out: nobody is told");
        return new Recorded(Result.RECOVERED, recovery.recorded(), Set.of());
    }

    private Recorded stillRefused(CheckedConnection c, Instant now) {
        AlertOutbox.State alertState = c.incidentAlert().map(sk -> outbox.state(c.pk(), sk)).orElse(AlertOutbox.State.SENT);
        return switch (alertState) {
            case HELD -> {
                if (guard.holding(c.app())) {
                    yield store.retestAt(c, now.plus(guardConfig.retestEvery())) ? Recorded.of(Result.STILL_REFUSED)
                            : Recorded.of(Result.SUPERSEDED);
                }
                // The mass rejection is over and this one is still refused: it is genuine, the merchant is told now.
                yield store.release(c, now, now.plus(config.reminders().get(0))) ? Recorded.of(Result.RELEASED)
                        : Recorded.of(Result.SUPERSEDED);
            }
            case PENDING, PUBLISHING -> store.retestAt(c, now.plus(config.reminders().get(0))) ? Recorded.of(Result.STILL_REFUSED)
                    : Recorded.of(Result.SUPERSEDED);
            case SENT, ABSENT -> remind(c, now);
        };
    }

    /** Reminders after 1, 3 and 7 days (configurable), counted from the first alert; then silence. */
    private Recorded remind(CheckedConnection c, Instant now) {
        List<Duration> schedule = config.reminders();
        int sent = c.remindersSent();
        if (sent >= schedule.size()) {
            return store.leaveDueIndex(c) ? Recorded.of(Result.STILL_REFUSED) : Recorded.of(Result.SUPERSEDED);
        }
        Instant since = c.needsReauthorizationSince().orElse(now);
        Alert alert = entry(c, AlertKind.REMINDER,
                new AlertDetail.Reason(c.statusReason().orElse(ReauthorizationReason.REVOKED_OR_CHANGED.name())), Optional.of(since), now);
        Optional<Instant> next = sent + 1 < schedule.size() ? Optional.of(since.plus(schedule.get(sent + 1))) : Optional.empty();
        return store.recordReminder(c, alert, next) ? new Recorded(Result.REMINDED, List.of(alert), Set.of())
                : Recorded.of(Result.SUPERSEDED);
    }

    private Alert entry(CheckedConnection c, AlertKind kind, AlertDetail detail, Optional<Instant> since, Instant now) {
        return outbox.create(c.pk(), kind, Optional.of(c.merchantId()), c.id().value(), Optional.of(c.origin().toString()), detail,
                since, now).withApp(c.app());
    }
}
