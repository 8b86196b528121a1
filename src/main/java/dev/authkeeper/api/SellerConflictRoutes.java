package dev.authkeeper.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.authorization.SellerConflicts;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.table.ConnectionId;

/**
 * Support's settling of a seller conflict: moving the connection to the merchant who claims it, or
 * dismissing the claims on it.
 */
@ApplicationScoped
public class SellerConflictRoutes {

    /** The connections routes' own category, which their log lines have always had. */
    private static final Logger LOG = Logger.getLogger(ConnectionsRoutes.class);

    @RegisterForReflection
    public record Transferred(String connectionId, String fromMerchant, String toMerchant) {
    }

    @RegisterForReflection
    public record ClaimsDismissed(String connectionId, int claimsRemoved) {
    }

    private final ApiRequests requests;
    private final ConnectionRepository connections;
    private final SellerConflicts conflicts;

    public SellerConflictRoutes(ApiRequests requests, ConnectionRepository connections, SellerConflicts conflicts) {
        this.requests = requests;
        this.connections = connections;
        this.conflicts = conflicts;
    }

    ApiAnswer transfer(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        var body = requests.fields(call.request(), List.of("toMerchant"));
        if (!body.containsKey("toMerchant")) {
            throw ApiProblem.badRequest("The body must name the merchant to move the connection to: {\"toMerchant\": \"...\"}.");
        }
        String to = ApiRequests.merchantId(body.get("toMerchant"), "toMerchant");
        if (connections.find(id).isEmpty()) {
            throw ConnectionsRoutes.unknown();
        }
        return switch (conflicts.resolve(id, to, call.caller().principal())) {
            case SellerConflicts.Resolution.Moved moved -> {
                LOG.infof("Seller conflict on %s settled by %s: moved from merchant %s to merchant %s", id, call.caller(),
                        moved.fromMerchant(), to);
                yield ApiAnswer.ok(new Transferred(id.value(), moved.fromMerchant(), to));
            }
            case SellerConflicts.Resolution.NoClaim noClaim -> ApiAnswer.error(409, "no_claim", "This merchant has no claim on the "
                    + "connection, so there is no authorization of theirs to move it with; nothing changed.");
            case SellerConflicts.Resolution.Changed changed -> ApiAnswer.error(409, "changed", "The connection already belongs to "
                    + "this merchant, or changed hands meanwhile; nothing changed. Look at it again (GET /v1/connections/{id}).");
        };
    }

    ApiAnswer dismissClaims(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        if (connections.find(id).isEmpty() && conflicts.claims(id).isEmpty()) {
            throw ConnectionsRoutes.unknown();
        }
        int removed = conflicts.dismiss(id);
        LOG.infof("Claims on %s dismissed by %s: %d removed", id, call.caller(), removed);
        return ApiAnswer.ok(new ClaimsDismissed(id.value(), removed));
    }
}
