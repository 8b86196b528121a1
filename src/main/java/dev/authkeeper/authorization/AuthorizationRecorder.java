package dev.authkeeper.authorization;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * Records a proven authorization (a callback's, an import's) with what it tells, in one
 * transaction, then publishes that at once: the integrator's app learns of every new or renewed
 * authorization; a connection that needed reauthorization counts as recovered (a "reconnected"
 * notice for a merchant who was alerted, nothing for one who was not, whose pending alert is cancelled).
 */
@ApplicationScoped
public class AuthorizationRecorder {

    private final ConnectionRepository connections;
    private final AlertOutbox outbox;
    private final AlertDelivery delivery;

    public AuthorizationRecorder(ConnectionRepository connections, AlertOutbox outbox, AlertDelivery delivery) {
        this.connections = connections;
        this.outbox = outbox;
        this.delivery = delivery;
    }

    /** Stores {@code authorization} unless another merchant holds its account; what it tells is published by {@code publishBy}. */
    public ConnectionRepository.Recorded record(Authorization authorization, Instant publishBy) {
        ConnectionId id = authorization.id();
        var entries = new AtomicReference<List<Alert>>(List.of());
        var recorded = connections.recordAuthorization(authorization, prior -> {
            var told = entriesFor(prior, authorization);
            entries.set(told.recorded());
            return outbox.writes(TableLayout.connectionKey(id), told);
        });
        if (recorded instanceof ConnectionRepository.Recorded.Saved) {
            delivery.deliverNow(entries.get(), publishBy);
        }
        return recorded;
    }

    private AlertOutbox.Recovery entriesFor(ConnectionRepository.Prior prior, Authorization authorization) {
        ConnectionId id = authorization.id();
        Instant now = authorization.authorizedAt();
        String merchant = authorization.merchantId();
        String pk = TableLayout.connectionKey(id);
        String origin = authorization.origin().toString();
        var reauthorized = outbox.create(pk, AlertKind.EVENT_REAUTHORIZED, Optional.of(merchant), id.value(),
                Optional.of(origin), new AlertDetail.None(), Optional.of(now), now).withApp(authorization.app());
        if (prior.status().filter(s -> s == ConnectionStatus.NEEDS_REAUTHORIZATION).isPresent()) {
            var recovery = outbox.recovery(pk, merchant, id.value(), authorization.app(), origin, prior.incidentAlert(),
                    prior.incidentEvent(), now);
            var recorded = new ArrayList<>(recovery.recorded());
            if (!recovery.appTold()) {
                recorded.add(reauthorized);
            }
            return new AlertOutbox.Recovery(recorded, recovery.cancelled(), recovery.followed(), recovery.appTold(), recovery.wasHeld());
        }
        boolean fresh = prior.status().filter(s -> s != ConnectionStatus.DISCONNECTED).isEmpty();
        var event = fresh ? outbox.create(pk, AlertKind.EVENT_AUTHORIZED, Optional.of(merchant), id.value(),
                Optional.of(origin), new AlertDetail.None(), Optional.of(now), now).withApp(authorization.app()) : reauthorized;
        return new AlertOutbox.Recovery(List.of(event), List.of(), List.of(), true, false);
    }
}
