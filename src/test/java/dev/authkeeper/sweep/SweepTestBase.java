package dev.authkeeper.sweep;

import java.time.Duration;

import jakarta.inject.Inject;

import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.FunctionTestBase;
import dev.authkeeper.testing.SweepDriver;

/**
 * What every sweep test starts from: the sweep queue drained, then {@link FunctionTestBase}'s empty table,
 * fresh simulated Amazon, empty inboxes and clock at the start of the next day.
 */
abstract class SweepTestBase extends FunctionTestBase {

    @Inject
    SweepPlanner planner;
    @Inject
    SweepWorker worker;

    SweepDriver sweep;

    /** What the last test left on the sweep queue, drained first: worked later, it would check connections of this test. */
    @Override
    protected void clearLeftovers() {
        sweep = new SweepDriver(planner, worker, aws);
        sweep.drain();
    }

    ConnectionStatus status(ConnectionId id) {
        return connections.find(id).orElseThrow().status();
    }

    /** Past the group window: a planner run delivers what waited for its siblings. */
    SweepDriver.Run afterGroupWindow() {
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        return sweep.run();
    }
}
