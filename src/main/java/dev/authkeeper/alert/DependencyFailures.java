package dev.authkeeper.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.aws.FailedCall;

/**
 * The AWS failures of one sweep worker's run. A failing dependency (Secrets Manager, KMS, DynamoDB
 * unreachable or refusing) fails every check that needs it; the worker logs the first failure of
 * each kind, naming the call ({@link FailedCall}), counts the rest, and at its end opens one
 * incident with one operator alert for all of them, or closes it when a run meets none.
 */
public final class DependencyFailures {

    private static final Logger LOG = Logger.getLogger(DependencyFailures.class);

    private final Map<FailedCall, LongAdder> failures = new ConcurrentHashMap<>();

    /** Counts {@code e} if an AWS call failed in it (logging the first of its kind); false if it is some other failure. */
    public boolean failed(Throwable e) {
        Optional<FailedCall> call = FailedCall.of(e);
        if (call.isEmpty()) {
            return false;
        }
        var count = new LongAdder();
        var previous = failures.putIfAbsent(call.get(), count);
        (previous == null ? count : previous).increment();
        if (previous == null) {
            LOG.errorf("OPERATOR: AWS %s; the checks that need it are tried again in the next round, and further failures"
                    + " like it in this run are counted, not logged", call.get());
        }
        return true;
    }

    /** The incident's alert when this run met failing dependencies; the incident closed when it met none yet checked connections. */
    public List<Alert> settle(Incidents incidents, boolean checkedAny, Instant now) {
        if (failures.isEmpty()) {
            return checkedAny && incidents.isOpen(Incidents.Kind.AWS_DEPENDENCY) ? incidents.resolve(Incidents.Kind.AWS_DEPENDENCY, now)
                    : List.of();
        }
        String detail = failures.entrySet().stream()
                .map(failure -> failure.getKey() + ": " + failure.getValue().sum() + " check(s)")
                .sorted().collect(Collectors.joining("; "));
        LOG.errorf("OPERATOR: checks failed on AWS in this run: %s", detail);
        return incidents.open(Incidents.Kind.AWS_DEPENDENCY, detail, now);
    }
}
