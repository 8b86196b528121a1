package dev.authkeeper.function;

import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.sweep.SweepRequest;
import dev.authkeeper.sweep.SweepService;
import dev.authkeeper.sweep.SweepSummary;
import io.quarkus.funqy.Funq;

/** The sweep, invoked by EventBridge Scheduler; an event naming a connection checks just that one. */
public class SweepFunction {

    private final SweepService sweep;

    public SweepFunction(SweepService sweep) {
        this.sweep = sweep;
    }

    @Funq("sweep")
    public SweepSummary sweep(SweepRequest request) {
        if (request != null && request.connection() != null) {
            return sweep.checkNow(ConnectionId.parse(request.connection()));
        }
        if (request != null && request.concurrency() != null) {
            return sweep.sweep(request.concurrency());
        }
        return sweep.sweep();
    }
}
