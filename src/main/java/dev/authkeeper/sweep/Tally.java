package dev.authkeeper.sweep;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.DependencyFailures;
import dev.authkeeper.check.CheckRecorder;

/** The counters of one worker's checks, shared by its concurrent checks, and what they recorded. */
final class Tally {

    final String runId;
    final String unit;
    final Instant started;
    final Instant deadline;
    final String owner = UUID.randomUUID().toString();
    final AtomicInteger examined = new AtomicInteger();
    final AtomicInteger takenByOthers = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final DependencyFailures dependencies = new DependencyFailures();
    final AtomicInteger alertsSent = new AtomicInteger();
    final AtomicInteger operatorIncidents = new AtomicInteger();
    /** Apps whose credentials LWA refused in this worker, with the error: their connections are not sent to LWA any more. */
    final Map<String, String> refusedApps = new ConcurrentHashMap<>();
    /** Apps LWA answered for in this worker (a valid or recovered connection). */
    final Set<String> appsWorking = ConcurrentHashMap.newKeySet();
    /** How many apps the deployment serves: once all are refused, nothing is left to check. */
    private final int apps;
    final AtomicReference<String> firstUnexpected = new AtomicReference<>();
    final AtomicReference<String> stopReason = new AtomicReference<>();
    private final Map<CheckRecorder.Result, AtomicInteger> results = new EnumMap<>(CheckRecorder.Result.class);
    private final Map<CheckRecorder.Note, AtomicInteger> notes = new EnumMap<>(CheckRecorder.Note.class);
    final List<Alert> recorded = Collections.synchronizedList(new ArrayList<>());

    Tally(String runId, String unit, Instant started, Duration budget, int apps) {
        this.apps = apps;
        this.runId = runId;
        this.unit = unit;
        this.started = started;
        this.deadline = started.plus(budget);
        for (var result : CheckRecorder.Result.values()) {
            results.put(result, new AtomicInteger());
        }
        for (var note : CheckRecorder.Note.values()) {
            notes.put(note, new AtomicInteger());
        }
    }

    void add(CheckRecorder.Recorded recorded) {
        results.get(recorded.result()).incrementAndGet();
        recorded.notes().forEach(note -> notes.get(note).incrementAndGet());
        this.recorded.addAll(recorded.entries());
    }

    int count(CheckRecorder.Result result) {
        return results.get(result).get();
    }

    int checked() {
        return results.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** True, with the reason kept, once the worker should take no more work. */
    boolean shouldStop(Instant now) {
        if (refusedApps.size() >= apps) {
            stopReason.compareAndSet(null, "the marketplace refused the credentials of app " + String.join(", ", new TreeSet<>(refusedApps.keySet())));
        } else if (now.isAfter(deadline)) {
            stopReason.compareAndSet(null, "time budget used; the rest is handed out again by the next planner run");
        }
        return stopReason.get() != null;
    }

    SweepSummary summary(Instant end) {
        return new SweepSummary(runId, unit, examined.get(), checked(), count(CheckRecorder.Result.VALID),
                count(CheckRecorder.Result.NEEDS_REAUTHORIZATION), count(CheckRecorder.Result.HELD), count(CheckRecorder.Result.RELEASED),
                count(CheckRecorder.Result.RECOVERED), count(CheckRecorder.Result.REMINDED), count(CheckRecorder.Result.STILL_REFUSED),
                count(CheckRecorder.Result.TRANSIENT), count(CheckRecorder.Result.UNEXPECTED),
                count(CheckRecorder.Result.APP_CREDENTIALS_REFUSED), notes.get(CheckRecorder.Note.EXPIRY_WARNED).get(),
                notes.get(CheckRecorder.Note.TOKEN_ROTATED).get(), notes.get(CheckRecorder.Note.TOKEN_RESEALED).get(),
                notes.get(CheckRecorder.Note.MIGRATED).get(), count(CheckRecorder.Result.SUPERSEDED), takenByOthers.get(), errors.get(),
                alertsSent.get(), operatorIncidents.get(), stopReason.get() != null, stopReason.get(),
                Duration.between(started, end).toMillis());
    }
}
