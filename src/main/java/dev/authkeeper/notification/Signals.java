package dev.authkeeper.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.api.Disconnections;
import dev.authkeeper.app.App;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckStore;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.metrics.EmbeddedMetrics;
import dev.authkeeper.notification.Received.Effect;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * What every marketplace's verified signal goes through: acted on once by its delivery id, the
 * connection it names looked up among the app's, the change recorded as the rest of AuthKeeper
 * records it (a revocation as a check that found the authorization refused, an uninstall as the
 * integrator API's disconnection), and what that queued for the connection published at once.
 * The connection's cached access token dies with it: a revocation bumps its version, a
 * disconnection deletes it.
 */
@ApplicationScoped
public class Signals {

    /** What publishing a revocation's event (and any alert due now) may take of the marketplace's patience. */
    private static final Duration PUBLISH_BUDGET = Duration.ofSeconds(10);

    private final Deliveries deliveries;
    private final ConnectionRepository connections;
    private final CheckStore checks;
    private final CheckRecorder recorder;
    private final AlertDelivery delivery;
    private final Disconnections disconnections;
    private final EmbeddedMetrics metrics;
    private final Clock clock;

    public Signals(Deliveries deliveries, ConnectionRepository connections, CheckStore checks, CheckRecorder recorder, AlertDelivery delivery,
            Disconnections disconnections, EmbeddedMetrics metrics, Clock clock) {
        this.deliveries = deliveries;
        this.connections = connections;
        this.checks = checks;
        this.recorder = recorder;
        this.delivery = delivery;
        this.disconnections = disconnections;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Acts on a verified signal for {@code app}, once per delivery id, and remembers it as received. */
    public Received receive(App app, Signal signal) {
        if (signal.deliveryId().isPresent() && deliveries.done(app.marketplace(), signal.deliveryId().get())) {
            return new Received.Duplicate();
        }
        Received received = act(app, signal);
        signal.deliveryId().ifPresent(id -> deliveries.markDone(app.marketplace(), id, signal.topic(), clock.instant()));
        return received;
    }

    /** Counts a delivery refused before anything in it was read ({@code NotificationsRefused}, alarmed). */
    public void refused(App app) {
        // One metric (dimension Service only) and one alarm for every marketplace: the marketplace is a field of the line.
        metrics.emit(Map.of("NotificationsRefused", 1), Map.of(), Map.of("marketplace", app.marketplace(), "app", app.name()), clock.millis());
    }

    private Received act(App app, Signal signal) {
        if (signal.candidates().isEmpty()) {
            return signal.change() instanceof Signal.Change.None ? new Received.Noted() : new Received.UnknownAccount();
        }
        Optional<Connection> connection = signal.candidates().stream().map(id -> ofApp(app, id)).flatMap(Optional::stream).findFirst();
        if (connection.isEmpty()) {
            return new Received.UnknownAccount();
        }
        return new Received.Applied(connection.get(), apply(app, connection.get(), signal.change()));
    }

    private Optional<Connection> ofApp(App app, ConnectionId id) {
        return connections.find(id).filter(c -> connections.appOf(id).map(app.name()::equals).orElse(false));
    }

    private Effect apply(App app, Connection connection, Signal.Change change) {
        String requestedBy = app.marketplace() + ":" + app.name();
        return switch (change) {
            case Signal.Change.Revoke revoke -> new Effect.Revoked(revoke.reason(), revoke(connection, revoke));
            case Signal.Change.Disconnect disconnect -> new Effect.Ended(
                    disconnections.disconnect(connection.id(), requestedBy, disconnect.reason(), true), 0);
            case Signal.Change.Erase erase -> {
                var result = disconnections.disconnect(connection.id(), requestedBy, erase.reason(), false);
                yield new Effect.Ended(result, connections.erase(connection.id()));
            }
            case Signal.Change.LearnExpiry expiry -> new Effect.ExpiryLearned(expiry.expiresAt(),
                    checked(connection).map(c -> checks.learnExpiry(c, expiry.expiresAt())).orElse(false));
            case Signal.Change.None none -> new Effect.Unchanged();
        };
    }

    /** Recorded as a check that found the authorization refused; its event (and what else is due) published now. */
    private CheckRecorder.Result revoke(Connection connection, Signal.Change.Revoke revoke) {
        var checked = checked(connection);
        if (checked.isEmpty()) {
            return CheckRecorder.Result.SUPERSEDED;
        }
        var recorded = recorder.record(checked.get(), new CheckOutcome.Revoked(revoke.reason()));
        delivery.deliverSignalled(recorded.entries(), clock.instant().plus(PUBLISH_BUDGET));
        return recorded.result();
    }

    /** The connection as a check reads it; none once disconnected (its item holds no token to read). */
    private Optional<CheckedConnection> checked(Connection connection) {
        return connection.status() == ConnectionStatus.DISCONNECTED ? Optional.empty()
                : checks.read(TableLayout.connectionKey(connection.id()));
    }
}
