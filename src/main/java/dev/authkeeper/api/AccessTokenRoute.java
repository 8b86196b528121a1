package dev.authkeeper.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.authkeeper.alert.AlertTexts;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.table.ConnectionId;

/** {@code GET /v1/connections/{id}/access-token}: the token, or why not and what to do. */
@ApplicationScoped
public class AccessTokenRoute {

    private static final Logger LOG = Logger.getLogger(AccessTokenRoute.class);
    /** Held connections are re-tested by the sweep; asking again sooner changes nothing. */
    private static final Duration HELD_RETRY = Duration.ofMinutes(5);

    /**
     * @param region        the marketplace's region; absent for a marketplace without regions
     * @param accountFields the account id again under the marketplace's own name ({@code sellingPartnerId}, {@code shopDomain})
     * @param endpoint      the marketplace API endpoint of the connection's region, where one is fixed
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccessToken(String accessToken, String tokenType, Instant expiresAt, String connectionId, String merchantId,
            String marketplace, String accountId, @JsonAnyGetter Map<String, String> accountFields, String region, URI endpoint) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NeedsReauthorization(String error, String message, String connectionId, String status, String reasonCode,
            String reason, Instant since, Link connectLink) {
    }

    @RegisterForReflection
    public record Link(URI url, Instant expiresAt) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Disconnected(String error, String message, String connectionId, Instant disconnectedAt) {
    }

    private final AccessTokens tokens;
    private final ConnectLinks links;
    private final AlertTexts texts;
    private final Marketplaces marketplaces;
    private final ApiRequests requests;
    private final MerchantScopes scopes;
    private final ConnectionRepository connections;

    public AccessTokenRoute(AccessTokens tokens, ConnectLinks links, AlertTexts texts, Marketplaces marketplaces, ApiRequests requests,
            MerchantScopes scopes, ConnectionRepository connections) {
        this.tokens = tokens;
        this.links = links;
        this.texts = texts;
        this.marketplaces = marketplaces;
        this.requests = requests;
        this.scopes = scopes;
        this.connections = connections;
    }

    public ApiAnswer handle(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        if (!scopes.allowsEveryMerchant(call.caller()) && connections.find(id).filter(c -> !scopes.allows(call.caller(), c.merchantId())).isPresent()) {
            LOG.infof("Access token for %s requested by %s: refused, the connection's merchant is outside the caller's scope",
                    id, call.caller());
            return new ApiProblem(403, "outside_scope", "This caller may not get tokens for this connection's merchant: "
                    + "the deployment's authkeeper.api.merchant-scopes does not give its IAM role that merchant.").answer();
        }
        var answer = tokens.get(id);
        Marketplace marketplace = marketplaces.of(id);
        LOG.infof("Access token for %s requested by %s: %s", id, call.caller(), outcome(answer));
        return switch (answer) {
            case AccessTokens.Answer.Token token -> ApiAnswer.ok(new AccessToken(token.accessToken().value(), "bearer", token.expiresAt(),
                    id.value(), token.merchantId(), id.marketplace(), id.accountId(), marketplace.accountFields(id.accountId()),
                    id.region().orElse(null), id.region().flatMap(marketplace::apiEndpoint).orElse(null)));
            case AccessTokens.Answer.NotFound notFound -> ApiProblem.notFound("There is no connection with this id. "
                    + "GET /v1/merchants/{merchantId}/connections lists a merchant's connections.").answer();
            case AccessTokens.Answer.Disconnected disconnected -> ApiAnswer.of(410, new Disconnected("disconnected",
                    "This connection was disconnected and its tokens destroyed. To use the seller's account again, "
                            + "have the merchant connect it anew (POST /v1/merchants/{merchantId}/connect-links).",
                    id.value(), disconnected.since().orElse(null)));
            case AccessTokens.Answer.NeedsReauthorization needs -> {
                var link = links.reconnect(id, needs.merchantId(), needs.origin(), Optional.empty());
                yield ApiAnswer.of(409, new NeedsReauthorization("needs_reauthorization",
                        marketplace.displayName() + " no longer accepts this authorization: the seller has to authorize again. Show the merchant a "
                                + "Reauthorize button with connectLink.url (it works only for them, signed in at your site).",
                        id.value(), "NEEDS_REAUTHORIZATION", needs.reasonCode().orElse(null),
                        needs.reasonCode().map(r -> texts.reasonText(marketplace, r)).orElse(null), needs.since().orElse(null),
                        new Link(link.url(), link.expiresAt())));
            }
            case AccessTokens.Answer.HeldByMassRejection held -> ApiAnswer.unavailable("held_mass_rejection",
                    marketplace.displayName() + " refused this authorization, but it refused many at once, which is probably not the seller's doing: "
                            + "AuthKeeper's operators are looking into it and the connection is re-tested. Try again later; "
                            + "do not ask the merchant to reauthorize yet.", HELD_RETRY);
            case AccessTokens.Answer.Unavailable unavailable -> ApiAnswer.unavailable(unavailable.reason(),
                    unavailableMessage(marketplace, unavailable.reason()), unavailable.retryAfter());
        };
    }

    private static String unavailableMessage(Marketplace marketplace, String reason) {
        String service = marketplace.displayName() + "'s token service";
        return switch (reason) {
            case AccessTokens.APP_CREDENTIALS -> service + " refused the app's own client credentials (not the seller's "
                    + "authorization). AuthKeeper's operators have been alerted; try again after they rotate the client secret.";
            case AccessTokens.THROTTLED -> service + " is throttling or not answering. Try again after Retry-After seconds.";
            case AccessTokens.UNEXPECTED -> service + " gave an answer it does not document; operators have been told. "
                    + "Try again after Retry-After seconds.";
            default -> "Another request is getting a fresh access token for this connection right now. Try again after "
                    + "Retry-After seconds.";
        };
    }

    private static String outcome(AccessTokens.Answer answer) {
        return switch (answer) {
            case AccessTokens.Answer.Token token -> token.cached() ? "served from the cache" : "minted";
            case AccessTokens.Answer.NotFound notFound -> "no such connection";
            case AccessTokens.Answer.Disconnected disconnected -> "disconnected";
            case AccessTokens.Answer.NeedsReauthorization needs -> "needs reauthorization";
            case AccessTokens.Answer.HeldByMassRejection held -> "held during a mass rejection";
            case AccessTokens.Answer.Unavailable unavailable -> "unavailable (" + unavailable.reason() + ")";
        };
    }
}
