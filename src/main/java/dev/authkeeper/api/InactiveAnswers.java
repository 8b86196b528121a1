package dev.authkeeper.api;

import static dev.authkeeper.table.Attributes.string;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.app.App;
import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The answer to a token request for a connection that is not ACTIVE: disconnected, in need of
 * reauthorization, or held while a mass rejection of its app is investigated.
 */
@ApplicationScoped
public class InactiveAnswers {

    private final AccessTokenCache cache;
    private final AlertOutbox outbox;
    private final MassRejectionGuard guard;

    public InactiveAnswers(AccessTokenCache cache, AlertOutbox outbox, MassRejectionGuard guard) {
        this.cache = cache;
        this.outbox = outbox;
        this.guard = guard;
    }

    /** The answer for a connection, read as {@code item}, that is not ACTIVE. */
    AccessTokens.Answer of(ConnectionId id, Map<String, AttributeValue> item, ConnectionStatus status) {
        return switch (status) {
            case DISCONNECTED -> new AccessTokens.Answer.Disconnected(string(item, "disconnectedAt").map(Instant::parse));
            case NEEDS_REAUTHORIZATION -> {
                String app = string(item, "app").orElse(App.DEFAULT);
                Optional<String> held = string(item, "incidentAlert").filter(sk -> switch (outbox.state(TableLayout.connectionKey(id), sk)) {
                    case HELD -> true;
                    case PENDING -> guard.holding(app);
                    case PUBLISHING, SENT, ABSENT -> false;
                });
                yield held.isPresent() ? new AccessTokens.Answer.HeldByMassRejection(id)
                        : new AccessTokens.Answer.NeedsReauthorization(id, item.get("merchantId").s(), URI.create(item.get("origin").s()),
                                string(item, "statusReason"), string(item, "needsReauthorizationSince").map(Instant::parse));
            }
            case ACTIVE -> throw new IllegalArgumentException("an ACTIVE connection is not settled");
        };
    }

    /** The connection's answer as it stands now when it is no longer ACTIVE; otherwise the caller is asked to come back. */
    AccessTokens.Answer now(ConnectionId id) {
        var read = cache.read(id);
        return read.connection()
                .map(item -> ConnectionStatus.valueOf(item.get("status").s()))
                .filter(status -> status != ConnectionStatus.ACTIVE)
                .map(status -> of(id, read.connection().get(), status))
                .orElseGet(() -> new AccessTokens.Answer.Unavailable(AccessTokens.BUSY, Duration.ofSeconds(1)));
    }
}
