package dev.authkeeper.local;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.sweep.SweepService;
import io.quarkus.scheduler.Scheduled;

/** The local run's stand-in for EventBridge Scheduler: a sweep every {@code authkeeper.local.sweep-every}. */
@ApplicationScoped
public class LocalSweepSchedule {

    private final SweepService sweep;

    public LocalSweepSchedule(SweepService sweep) {
        this.sweep = sweep;
    }

    @Scheduled(every = "${authkeeper.local.sweep-every:off}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sweep.sweep();
    }
}
