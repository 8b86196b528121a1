package dev.authkeeper.local;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.app.CredentialsCheck;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepWorker;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local run's stand-ins for EventBridge Scheduler and the SQS event sources: the sweep (a
 * planner run, then workers until the sweep queue is empty), the daily credentials check, and any
 * queue the run drains. None overlaps itself.
 */
@ApplicationScoped
public class LocalSchedules {

    private final LocalConfig local;
    private final Scheduler scheduler;
    private final SweepPlanner planner;
    private final LocalSweepWorkers workers;
    private final CredentialsCheck credentialsCheck;

    public LocalSchedules(LocalConfig local, Scheduler scheduler, SweepPlanner planner, SweepWorker sweep, SweepConfig sweepConfig,
            SqsClient sqs, CredentialsCheck credentialsCheck, ObjectMapper json) {
        this.local = local;
        this.scheduler = scheduler;
        this.planner = planner;
        this.workers = new LocalSweepWorkers(sqs, sweepConfig.queueUrl().orElse(""), sweep, json);
        this.credentialsCheck = credentialsCheck;
    }

    /** The sweep and the credentials check, each on its {@code authkeeper.local.*-every} unless that is {@code off}. */
    void startSweeps() {
        if (!"off".equals(local.sweepEvery())) {
            every("local-sweep", local.sweepEvery(), () -> {
                planner.plan();
                workers.drain(2);
            });
        }
        if (!"off".equals(local.credentialsCheckEvery())) {
            every("local-credentials-check", local.credentialsCheckEvery(), credentialsCheck::run);
        }
    }

    void every(String name, String interval, Runnable task) {
        scheduler.newJob(name)
                .setInterval(interval)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> task.run())
                .schedule();
    }
}
