package dev.authkeeper.authorization;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.marketplace.Pkce;

/**
 * Starts an authorization for the signed-in merchant in this browser: a state bound to both and
 * naming the app it is for, and the redirect to the marketplace carrying it, which also sets the
 * browser's binding cookie.
 */
@ApplicationScoped
public class BoundStates {

    private final OAuthStates states;
    private final BrowserBindings bindings;
    private final AuthKeeperConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public BoundStates(OAuthStates states, BrowserBindings bindings, AuthKeeperConfig config, Clock clock) {
        this.states = states;
        this.bindings = bindings;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Redirects to {@code destination} of the new state; a repeat in this browser replaces the state
     * of the one before. Where the marketplace asks for PKCE, a fresh verifier is kept sealed with
     * the state and the destination gets the pair, for its challenge.
     */
    public ApiGatewayResponse start(ApiGatewayRequest request, String merchant, Marketplace marketplace, String app, Flow flow,
            Origin origin, Optional<String> expectedAccount, BiFunction<Secret, Optional<Pkce>, URI> destination) {
        Instant now = clock.instant();
        var binding = bindings.presentedOrNew(request);
        Optional<Pkce> pkce = marketplace.facts().token().pkce() ? Optional.of(Pkce.create(random)) : Optional.empty();
        var pending = new PendingAuthorization(merchant, flow, marketplace.id(), app, origin.uri(), origin.region(), expectedAccount,
                binding.hash(), now, now.plus(config.state().lifetime()), pkce.map(Pkce::verifier));
        Secret state = states.issue(pending, binding.flowId(pending));
        return bindings.set(ApiGatewayResponse.redirect(destination.apply(state, pkce)), binding);
    }
}
