package dev.authkeeper.sweep;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * A run's figures, added up across its workers: the planner records how many units it handed out,
 * each worker adds its counts when it finishes, and the last one logs the run's summary and judges
 * whether LWA is out (runs in a row with nothing but transient failures).
 */
@ApplicationScoped
class SweepRuns {

    private static final Logger LOG = Logger.getLogger(SweepRuns.class);
    private static final Duration KEPT = Duration.ofDays(7);
    private static final String[] COUNTERS = {"examined", "checked", "valid", "needsReauthorization", "held", "released", "recovered",
            "reminders", "transientFailures", "unexpected", "applicationLevel", "expiryWarnings", "tokensRotated", "superseded", "errors",
            "alertsSent", "nonExpiringLeft"};

    private final DynamoDbClient dynamo;
    private final Incidents incidents;
    private final AlertDelivery delivery;
    private final SweepConfig config;
    private final String table;
    private final Clock clock;

    SweepRuns(DynamoDbClient dynamo, Incidents incidents, AlertDelivery delivery, SweepConfig config, AuthKeeperConfig authKeeper,
            Clock clock) {
        this.dynamo = dynamo;
        this.incidents = incidents;
        this.delivery = delivery;
        this.config = config;
        this.table = authKeeper.table();
        this.clock = clock;
    }

    void start(String runId, int units, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of(
                TableLayout.PK, s("RUN#" + runId), TableLayout.SK, s("RUN"),
                "units", n(units), "finished", n(0), "startedAt", s(now.toString()),
                TableLayout.TTL, n(now.plus(KEPT).getEpochSecond()))));
    }

    /** Adds one worker's figures; the last worker of the run logs the run's summary. */
    void add(SweepSummary worker) {
        var values = new LinkedHashMap<String, AttributeValue>();
        var names = new LinkedHashMap<String, String>();
        var expression = new StringBuilder("ADD #finished :one");
        values.put(":one", n(1));
        names.put("#finished", "finished");
        names.put("#pk", TableLayout.PK);
        long[] counts = {worker.examined(), worker.checked(), worker.valid(), worker.needsReauthorization(), worker.held(),
                worker.released(), worker.recovered(), worker.reminders(), worker.transientFailures(), worker.unexpected(),
                worker.applicationLevel(), worker.expiryWarnings(), worker.tokensRotated(), worker.superseded(), worker.errors(),
                worker.alertsSent(), worker.nonExpiringLeft()};
        for (int i = 0; i < COUNTERS.length; i++) {
            expression.append(", #").append(COUNTERS[i]).append(" :").append(COUNTERS[i]);
            names.put("#" + COUNTERS[i], COUNTERS[i]);
            values.put(":" + COUNTERS[i], n(counts[i]));
        }
        Map<String, AttributeValue> run;
        try {
            run = dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of(TableLayout.PK, s("RUN#" + worker.runId()), TableLayout.SK, s("RUN")))
                    .updateExpression(expression.toString())
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException e) {
            // A unit delivered again long after its run (its record expired): its checks are done and in its own
            // summary line; failing here would only send it round again until the dead-letter queue.
            LOG.infof("Sweep run %s is no longer recorded (it expired): %s's counts stay in its own summary line", worker.runId(),
                    worker.unit());
            return;
        }
        if (number(run, "finished").equals(number(run, "units"))) {
            finished(worker.runId(), run);
        }
    }

    private void finished(String runId, Map<String, AttributeValue> run) {
        var line = new StringBuilder("Sweep run ").append(runId).append(" finished across ")
                .append(number(run, "units").orElse(0L)).append(" worker(s):");
        for (String counter : COUNTERS) {
            line.append(' ').append(counter).append('=').append(number(run, counter).orElse(0L));
        }
        LOG.info(line);
        long valid = number(run, "valid").orElse(0L) + number(run, "recovered").orElse(0L);
        long transientOnly = number(run, "transientFailures").orElse(0L);
        if (valid == 0 && transientOnly > 0 && number(run, "applicationLevel").orElse(0L) == 0) {
            long runs = incidents.countTransientRun();
            if (runs >= config.outageRuns()) {
                Instant now = clock.instant();
                var recorded = incidents.open(Incidents.Kind.LWA_OUTAGE, Long.toString(runs), now);
                delivery.deliverNow(recorded, now.plus(SweepWorker.FINISHING));
            }
        }
    }
}
