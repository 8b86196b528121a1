package dev.authkeeper.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.authkeeper.config.ApiConfig;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.status.ConnectionView;
import dev.authkeeper.table.ConnectionId;

/**
 * Every route but the token's: status of a connection or of a merchant's connections, connect links
 * ({@link ConnectLinkRoute}), disconnect, and support's settling of seller conflicts
 * ({@link SellerConflictRoutes}). None of them opens a token, so their
 * function's role cannot decrypt one.
 */
@ApplicationScoped
public class ConnectionsRoutes {

    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listing(List<ConnectionView> connections, String next) {
    }

    private final ConnectionStatuses statuses;
    private final Disconnections disconnections;
    private final ConnectLinkRoute connectLinks;
    private final SellerConflictRoutes conflicts;
    private final ApiRequests requests;
    private final ApiConfig config;

    public ConnectionsRoutes(ConnectionStatuses statuses, Disconnections disconnections, ConnectLinkRoute connectLinks,
            SellerConflictRoutes conflicts, ApiRequests requests, ApiConfig config) {
        this.statuses = statuses;
        this.disconnections = disconnections;
        this.connectLinks = connectLinks;
        this.conflicts = conflicts;
        this.requests = requests;
        this.config = config;
    }

    public ApiAnswer handle(ApiCall call) {
        return switch (call.route()) {
            case CONNECTION -> connection(call);
            case MERCHANT_CONNECTIONS -> merchantConnections(call);
            case CONNECT_LINK -> connectLinks.handle(call);
            case DISCONNECT -> disconnect(call);
            case TRANSFER -> conflicts.transfer(call);
            case DISMISS_CLAIMS -> conflicts.dismissClaims(call);
            case ACCESS_TOKEN, IMPORTS -> throw new IllegalArgumentException("the token and import routes have a function of their own");
        };
    }

    private ApiAnswer connection(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        return statuses.find(id, config.historyEntries()).map(ApiAnswer::ok).orElseThrow(() -> unknown());
    }

    private ApiAnswer merchantConnections(ApiCall call) {
        String merchant = ApiRequests.merchantId(call.request());
        var query = QueryString.parse(call.request().query());
        for (String name : query.all().keySet()) {
            if (!name.equals("limit") && !name.equals("next")) {
                throw ApiProblem.badRequest("This route takes the parameters limit and next only.");
            }
        }
        int limit = query.get("limit").map(ConnectionsRoutes::limit).orElse(DEFAULT_LIMIT);
        Optional<String> next = query.get("next");
        if (next.isPresent() && ConnectionStatuses.connectionOf(next.get()).isEmpty()) {
            throw ApiProblem.badRequest("next is not a cursor this API gave out: pass the next of the previous page as it was.");
        }
        var page = statuses.ofMerchant(merchant, limit, next);
        return ApiAnswer.ok(new Listing(page.connections(), page.next().orElse(null)));
    }

    private static int limit(String value) {
        if (value.matches("[0-9]{1,3}")) {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        }
        throw ApiProblem.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    private ApiAnswer disconnect(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        return switch (disconnections.disconnect(id, call.caller())) {
            case DISCONNECTED, ALREADY_DISCONNECTED -> ApiAnswer.noContent();
            case NOT_FOUND -> throw unknown();
            case BUSY -> ApiAnswer.unavailable("try_again", "The connection kept changing while it was disconnected "
                    + "(a check or an authorization was being recorded). Send the same DELETE again.", Duration.ofSeconds(1));
        };
    }

    static ApiProblem unknown() {
        return ApiProblem.notFound("There is no connection with this id. GET /v1/merchants/{merchantId}/connections lists a "
                + "merchant's connections.");
    }
}
