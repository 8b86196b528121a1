package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.alert.ReauthorizationReason;
import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.connection.TableLayout;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.marketplace.Backoff;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.TokenResult;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Proves that stored authorizations still work. A run reads due connections shard by shard,
 * claims each with one conditional write, asks LWA for an access token with bounded concurrency,
 * records what changed together with the alert it causes, and sends the alerts at the end.
 */
@ApplicationScoped
public class SweepService {

    private static final Logger LOG = Logger.getLogger(SweepService.class);
    private static final Duration YEAR = Duration.ofDays(365);
    private static final int PROGRESS_EVERY = 1000;

    private final SweepStore store;
    private final Incidents incidents;
    private final AlertOutbox outbox;
    private final AlertDelivery delivery;
    private final TokenCipher cipher;
    private final Marketplace marketplace;
    private final SweepMetrics metrics;
    private final SweepConfig config;
    private final AlertConfig alertConfig;
    private final Clock clock;

    public SweepService(SweepStore store, Incidents incidents, AlertOutbox outbox, AlertDelivery delivery, TokenCipher cipher,
            Marketplace marketplace, SweepMetrics metrics, SweepConfig config, AlertConfig alertConfig, Clock clock) {
        this.store = store;
        this.incidents = incidents;
        this.outbox = outbox;
        this.delivery = delivery;
        this.cipher = cipher;
        this.marketplace = marketplace;
        this.metrics = metrics;
        this.config = config;
        this.alertConfig = alertConfig;
        this.clock = clock;
    }

    /** One scheduled run: every due connection it can check within the time budget. */
    public SweepSummary sweep() {
        return sweep(config.concurrency());
    }

    /** A run with {@code concurrency} LWA calls in flight instead of the configured number. */
    public SweepSummary sweep(int concurrency) {
        if (concurrency < 1 || concurrency > 512) {
            throw new IllegalArgumentException("concurrency must be between 1 and 512");
        }
        var run = new Run(clock.instant());
        LOG.infof("Sweep %s started (concurrency %d, time budget %s)", run.id, concurrency, config.timeBudget());
        var shards = new ArrayList<Iterator<QueryResponse>>();
        for (int shard = 0; shard < TableLayout.DUE_SHARDS; shard++) {
            shards.add(store.duePages("due#" + shard, run.started));
        }
        // A random first shard, then one page per shard in turn: no shard waits behind the others.
        Collections.rotate(shards, ThreadLocalRandom.current().nextInt(TableLayout.DUE_SHARDS));
        var permits = new Semaphore(concurrency);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            int turn = 0;
            pages:
            while (!shards.isEmpty()) {
                var shard = shards.get(turn % shards.size());
                if (!shard.hasNext()) {
                    shards.remove(turn % shards.size());
                    continue;
                }
                for (var key : shard.next().items()) {
                    if (run.shouldStop(clock.instant())) {
                        break pages;
                    }
                    run.due.incrementAndGet();
                    permits.acquireUninterruptibly();
                    executor.submit(() -> {
                        try {
                            check(run, key.get(TableLayout.PK).s(), false);
                        } finally {
                            permits.release();
                        }
                    });
                }
                turn++;
            }
        }
        return finish(run);
    }

    /** Checks one connection now, due or not: what support asks for. */
    public SweepSummary checkNow(ConnectionId id) {
        var run = new Run(clock.instant());
        run.due.incrementAndGet();
        check(run, TableLayout.connectionKey(id), true);
        return finish(run);
    }

    private void check(Run run, String pk, boolean force) {
        Instant now = clock.instant();
        Optional<ClaimedConnection> claim = store.claim(pk, now, healthyNextCheck(now), force);
        if (claim.isEmpty()) {
            run.takenByOthers.incrementAndGet();
            return;
        }
        var connection = claim.get();
        try {
            switch (connection.status()) {
                case ACTIVE -> prove(run, connection);
                case NEEDS_REAUTHORIZATION -> remind(run, connection);
            }
        } catch (RuntimeException e) {
            run.errors.incrementAndGet();
            LOG.errorf(e, "Checking %s failed; it is tried again later", connection.id());
            store.reschedule(connection, now.plus(config.retryAfterTransient()), e.getClass().getSimpleName());
        }
        int checked = run.checked.incrementAndGet();
        if (checked % PROGRESS_EVERY == 0) {
            LOG.infof("Sweep %s: %d checked, %d valid, %d need reauthorization, %d transient", run.id, checked,
                    run.valid.get(), run.needsReauthorization.get(), run.transientFailures.get());
        }
    }

    private void prove(Run run, ClaimedConnection connection) {
        Instant now = clock.instant();
        if (run.appRefused.get()) {
            run.applicationLevel.incrementAndGet();
            store.reschedule(connection, soon(now), "app credentials refused");
            return;
        }
        Secret token = cipher.open(connection.id().value(), connection.token());
        switch (askLwa(run, connection, token)) {
            case CheckOutcome.Valid valid -> {
                run.valid.incrementAndGet();
                long version = connection.version();
                if (valid.rotatedToken().isPresent()) {
                    if (!store.replaceToken(connection, cipher.seal(connection.id().value(), valid.rotatedToken().get()))) {
                        run.superseded.incrementAndGet();
                        return;
                    }
                    run.tokensRotated.incrementAndGet();
                    version++;
                }
                warnOfExpiry(run, connection, version, now);
            }
            case CheckOutcome.Revoked revoked -> {
                Alert alert = outbox.create(TableLayout.connectionKey(connection.id()), AlertKind.NEEDS_REAUTHORIZATION,
                        Optional.of(connection.merchantId()), connection.id().value(), Optional.of(connection.origin().toString()),
                        revoked.reason().name(), Optional.of(now), now);
                Instant firstReminder = now.plus(config.reminders().get(0));
                if (store.recordRevoked(connection, connection.version(), revoked.reason(), alert, lease(now), firstReminder, now)) {
                    run.needsReauthorization.incrementAndGet();
                    run.alerts.add(alert);
                    LOG.infof("Connection %s of merchant %s needs reauthorization (%s)", connection.id(), connection.merchantId(), revoked.reason());
                } else {
                    run.superseded.incrementAndGet();
                }
            }
            case CheckOutcome.AppCredentialsBroken broken -> {
                run.applicationLevel.incrementAndGet();
                if (run.appRefused.compareAndSet(false, true)) {
                    run.appError.set(broken.error());
                    LOG.errorf("OPERATOR: LWA refused the app's credentials (%s); the sweep stops calling LWA for this run", broken.error());
                }
                store.reschedule(connection, soon(now), "app credentials refused");
            }
            case CheckOutcome.Transient failure -> {
                run.transientFailures.incrementAndGet();
                store.reschedule(connection, soon(now), failure.cause());
            }
            case CheckOutcome.Unexpected unexpected -> {
                run.unexpected.incrementAndGet();
                run.firstUnexpected.compareAndSet(null, unexpected.description());
                store.reschedule(connection, soon(now), unexpected.description());
            }
        }
    }

    /** Up to {@code attempts} refresh grants; only throttling, outages and timeouts are tried again. */
    private CheckOutcome askLwa(Run run, ClaimedConnection connection, Secret token) {
        Duration pause = config.backoff();
        for (int attempt = 1; ; attempt++) {
            switch (marketplace.refresh(token, run.deadline)) {
                case TokenResult.Granted granted -> {
                    return new CheckOutcome.Valid(granted.refreshToken().filter(rotated -> !rotated.equals(token)));
                }
                case TokenResult.AuthorizationRejected rejected -> {
                    return new CheckOutcome.Revoked(reason(connection, clock.instant()));
                }
                case TokenResult.ApplicationRejected rejected -> {
                    return new CheckOutcome.AppCredentialsBroken(rejected.error());
                }
                case TokenResult.Unexpected unexpected -> {
                    return new CheckOutcome.Unexpected(unexpected.description());
                }
                case TokenResult.Transient failure -> {
                    Duration wait = failure.retryAfter().orElse(Backoff.withJitter(pause));
                    if (attempt >= config.attempts() || run.appRefused.get() || clock.instant().plus(wait).isAfter(run.deadline)) {
                        return new CheckOutcome.Transient(failure.cause());
                    }
                    Backoff.pause(wait);
                    pause = pause.multipliedBy(2);
                }
            }
        }
    }

    private static ReauthorizationReason reason(ClaimedConnection connection, Instant now) {
        return connection.authorizedAt().plus(YEAR).isAfter(now) ? ReauthorizationReason.REVOKED_OR_CHANGED : ReauthorizationReason.YEARLY_RENEWAL;
    }

    /** The most urgent threshold the authorization's expiry has crossed, once per threshold. */
    private void warnOfExpiry(Run run, ClaimedConnection connection, long version, Instant now) {
        Duration left = Duration.between(now, connection.authorizationExpiresAt());
        Optional<Integer> threshold = config.expiryWarningDays().stream()
                .sorted()
                .filter(days -> left.compareTo(Duration.ofDays(days)) <= 0)
                .findFirst()
                .filter(days -> connection.expiryWarnedDays().map(warned -> warned > days).orElse(true));
        if (threshold.isEmpty()) {
            return;
        }
        long daysLeft = Math.max(1, (left.toHours() + 23) / 24);
        Alert alert = outbox.create(TableLayout.connectionKey(connection.id()), AlertKind.EXPIRY_WARNING,
                Optional.of(connection.merchantId()), connection.id().value(), Optional.of(connection.origin().toString()),
                Long.toString(daysLeft), Optional.of(connection.authorizationExpiresAt()), now);
        if (store.recordExpiryWarning(connection, version, threshold.get(), alert, lease(now))) {
            run.expiryWarnings.incrementAndGet();
            run.alerts.add(alert);
        }
    }

    /** Reminders after 1, 3 and 7 days (configurable), counted from the first alert; then silence. */
    private void remind(Run run, ClaimedConnection connection) {
        Instant now = clock.instant();
        List<Duration> schedule = config.reminders();
        int sent = connection.remindersSent();
        if (sent >= schedule.size()) {
            store.leaveDueIndex(connection);
            return;
        }
        Instant since = connection.needsReauthorizationSince().orElse(now);
        Alert alert = outbox.create(TableLayout.connectionKey(connection.id()), AlertKind.REMINDER,
                Optional.of(connection.merchantId()), connection.id().value(), Optional.of(connection.origin().toString()),
                connection.statusReason().orElse(ReauthorizationReason.REVOKED_OR_CHANGED.name()), Optional.of(since), now);
        Optional<Instant> next = sent + 1 < schedule.size() ? Optional.of(since.plus(schedule.get(sent + 1))) : Optional.empty();
        if (store.recordReminder(connection, alert, lease(now), next)) {
            run.reminders.incrementAndGet();
            run.alerts.add(alert);
        } else {
            run.superseded.incrementAndGet();
        }
    }

    private SweepSummary finish(Run run) {
        Instant now = clock.instant();
        if (run.unexpected.get() > 0) {
            LOG.warnf("OPERATOR: LWA gave %d unexpected answers in sweep %s (first: %s); those connections are checked again "
                    + "in about %s, no merchant was alerted", run.unexpected.get(), run.id, run.firstUnexpected.get(),
                    config.retryAfterTransient());
        }
        if (run.appError.get() != null) {
            incidents.open(Incidents.Kind.APP_CREDENTIALS, run.appError.get(), now, lease(now)).ifPresent(alert -> {
                run.operatorIncidents.incrementAndGet();
                run.alerts.add(alert);
            });
        }
        if (run.valid.get() > 0) {
            incidents.checksSucceeded(now);
        } else if (run.transientFailures.get() > 0 && run.appError.get() == null) {
            long runs = incidents.countTransientRun();
            if (runs >= config.outageRuns()) {
                incidents.open(Incidents.Kind.LWA_OUTAGE, Long.toString(runs), now, lease(now)).ifPresent(alert -> {
                    run.operatorIncidents.incrementAndGet();
                    run.alerts.add(alert);
                });
            }
        }
        int sent = delivery.deliver(List.copyOf(run.alerts)) + delivery.redeliverPending();
        var summary = run.summary(sent, clock.instant());
        LOG.infof("Sweep %s finished: due=%d checked=%d valid=%d needsReauthorization=%d transient=%d unexpected=%d "
                + "applicationLevel=%d reminders=%d expiryWarnings=%d tokensRotated=%d superseded=%d takenByOtherRuns=%d errors=%d "
                + "alertsSent=%d operatorIncidents=%d durationMs=%d%s", summary.runId(), summary.due(), summary.checked(),
                summary.valid(), summary.needsReauthorization(), summary.transientFailures(), summary.unexpected(),
                summary.applicationLevel(), summary.reminders(), summary.expiryWarnings(), summary.tokensRotated(),
                summary.superseded(), summary.takenByOtherRuns(), summary.errors(), summary.alertsSent(),
                summary.operatorIncidents(), summary.durationMillis(),
                summary.stoppedEarly() ? " (stopped early: " + summary.stopReason() + ")" : "");
        metrics.emit(summary, now.toEpochMilli());
        return summary;
    }

    private Instant healthyNextCheck(Instant now) {
        long jitter = config.jitter().toSeconds();
        long offset = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        return now.plus(config.interval()).plusSeconds(offset);
    }

    private Instant soon(Instant now) {
        return now.plus(Backoff.withJitter(config.retryAfterTransient()));
    }

    private Instant lease(Instant now) {
        return now.plus(alertConfig.publishLease());
    }


    /** The counters of one run, shared by its concurrent checks. */
    private final class Run {
        final String id = UUID.randomUUID().toString().substring(0, 8);
        final Instant started;
        final Instant deadline;
        final AtomicInteger due = new AtomicInteger();
        final AtomicInteger checked = new AtomicInteger();
        final AtomicInteger valid = new AtomicInteger();
        final AtomicInteger needsReauthorization = new AtomicInteger();
        final AtomicInteger transientFailures = new AtomicInteger();
        final AtomicInteger unexpected = new AtomicInteger();
        final AtomicInteger applicationLevel = new AtomicInteger();
        final AtomicInteger reminders = new AtomicInteger();
        final AtomicInteger expiryWarnings = new AtomicInteger();
        final AtomicInteger tokensRotated = new AtomicInteger();
        final AtomicInteger superseded = new AtomicInteger();
        final AtomicInteger takenByOthers = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger operatorIncidents = new AtomicInteger();
        final AtomicBoolean appRefused = new AtomicBoolean();
        final AtomicReference<String> appError = new AtomicReference<>();
        final AtomicReference<String> firstUnexpected = new AtomicReference<>();
        final AtomicReference<String> stopReason = new AtomicReference<>();
        final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());

        Run(Instant started) {
            this.started = started;
            this.deadline = started.plus(config.timeBudget());
        }

        boolean shouldStop(Instant now) {
            if (appRefused.get()) {
                stopReason.compareAndSet(null, "LWA refused the app's credentials");
            } else if (now.isAfter(deadline)) {
                stopReason.compareAndSet(null, "time budget used; the rest stays due for the next run");
            }
            return stopReason.get() != null;
        }

        SweepSummary summary(int alertsSent, Instant end) {
            return new SweepSummary(id, due.get(), checked.get(), valid.get(), needsReauthorization.get(), transientFailures.get(),
                    unexpected.get(), applicationLevel.get(), reminders.get(), expiryWarnings.get(), tokensRotated.get(), superseded.get(),
                    takenByOthers.get(), errors.get(), alertsSent, operatorIncidents.get(), stopReason.get() != null,
                    stopReason.get(), Duration.between(started, end).toMillis());
        }
    }
}
