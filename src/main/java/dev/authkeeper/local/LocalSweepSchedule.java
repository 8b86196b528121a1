package dev.authkeeper.local;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepWorker;
import io.quarkus.scheduler.Scheduled;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local run's stand-in for EventBridge Scheduler and the workers' event source mapping: every
 * {@code authkeeper.local.sweep-every}, a planner run, then its units worked off the local queue.
 */
@ApplicationScoped
public class LocalSweepSchedule {

    private final SweepPlanner planner;
    private final LocalSweepWorkers workers;

    public LocalSweepSchedule(SweepPlanner planner, SweepWorker worker, SqsClient sqs, SweepConfig config, ObjectMapper json) {
        this.planner = planner;
        this.workers = new LocalSweepWorkers(sqs, config.queueUrl().orElse(""), worker, json);
    }

    @Scheduled(every = "${authkeeper.local.sweep-every:off}", delayed = "${authkeeper.local.sweep-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        planner.plan();
        workers.drain(2);
    }
}
