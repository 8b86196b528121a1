package dev.authkeeper.function;

import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.sweep.PlanSummary;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepRequest;
import dev.authkeeper.sweep.SweepSummary;
import dev.authkeeper.sweep.SweepUnit;
import dev.authkeeper.sweep.SweepWorker;
import io.quarkus.funqy.Funq;

/**
 * The sweep: the planner, invoked by EventBridge Scheduler (an event naming a connection checks
 * just that one, for support), and the workers, one SQS message each.
 */
public class SweepFunction {

    private final SweepPlanner planner;
    private final SweepWorker worker;

    public SweepFunction(SweepPlanner planner, SweepWorker worker) {
        this.planner = planner;
        this.worker = worker;
    }

    @Funq("sweep")
    public Object sweep(SweepRequest request) {
        if (request != null && request.connection() != null) {
            return checkNow(request.connection());
        }
        return plan();
    }

    private PlanSummary plan() {
        return planner.plan();
    }

    private SweepSummary checkNow(String connection) {
        return worker.checkNow(ConnectionId.parse(connection));
    }

    @Funq("sweep-worker")
    public SweepSummary work(SweepUnit unit) {
        return worker.work(unit);
    }
}
