package dev.authkeeper.testing;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.local.LocalSweepWorkers;
import dev.authkeeper.sweep.PlanSummary;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepSummary;
import dev.authkeeper.sweep.SweepWorker;

/**
 * Runs the sweep as a deployment does, minus Lambda: the planner puts its units on the real SQS
 * queue (MiniStack), and workers take them off it, several at once, until it is empty.
 */
public final class SweepDriver {

    /** A planner run and what its workers did. */
    public record Run(PlanSummary plan, List<SweepSummary> workers) {

        public int total(java.util.function.ToIntFunction<SweepSummary> counter) {
            return workers.stream().mapToInt(counter).sum();
        }
    }

    private final SweepPlanner planner;
    private final LocalSweepWorkers workers;

    public SweepDriver(SweepPlanner planner, SweepWorker worker, LocalAws aws) {
        this.planner = planner;
        this.workers = new LocalSweepWorkers(LocalProvisioning.sqs(aws.ministackEndpoint()), aws.sweepQueueUrl(), worker,
                new ObjectMapper());
    }

    /** One planner run, its units worked by {@code parallel} workers at once. */
    public Run run(int parallel) {
        var plan = planner.plan();
        return new Run(plan, workers.drain(parallel));
    }

    /** Works the units on the queue, {@code parallel} at once, without a planner run of its own. */
    public List<SweepSummary> work(int parallel) {
        return workers.drain(parallel);
    }

    public Run run() {
        return run(2);
    }

    /** Empties the queue (a test's leftovers). */
    public void drain() {
        workers.drain(1);
    }
}
