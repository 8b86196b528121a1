package dev.authkeeper.function;

import dev.authkeeper.sweep.PlanSummary;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepRequest;
import dev.authkeeper.sweep.SweepSummary;
import dev.authkeeper.sweep.SweepUnit;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.table.ConnectionId;
import io.quarkus.funqy.Funq;

/**
 * The sweep: the planner, invoked by EventBridge Scheduler, and the workers, one SQS message each.
 * Support checks one connection now by invoking the worker function with
 * {@code {"connection":"<connection id>"}} (the worker's role opens tokens; the planner's does not).
 */
public class SweepFunction {

    private final SweepPlanner planner;
    private final SweepWorker worker;

    public SweepFunction(SweepPlanner planner, SweepWorker worker) {
        this.planner = planner;
        this.worker = worker;
    }

    @Funq("sweep")
    public PlanSummary sweep(SweepRequest request) {
        return planner.plan();
    }

    @Funq("sweep-worker")
    public SweepSummary work(SweepUnit unit) {
        return unit.connectionToCheck().map(id -> worker.checkNow(ConnectionId.parse(id))).orElseGet(() -> worker.work(unit));
    }
}
