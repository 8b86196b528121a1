package dev.authkeeper.authorization;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.marketplace.Origin;

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

    public BoundStates(OAuthStates states, BrowserBindings bindings, AuthKeeperConfig config, Clock clock) {
        this.states = states;
        this.bindings = bindings;
        this.config = config;
        this.clock = clock;
    }

    /** Redirects to {@code destination} of the new state; a repeat in this browser replaces the state of the one before. */
    public ApiGatewayResponse start(ApiGatewayRequest request, String merchant, String marketplace, String app, Flow flow, Origin origin,
            Optional<String> expectedAccount, Function<Secret, URI> destination) {
        Instant now = clock.instant();
        var binding = bindings.presentedOrNew(request);
        var pending = new PendingAuthorization(merchant, flow, marketplace, app, origin.uri(), origin.region(), expectedAccount,
                binding.hash(), now, now.plus(config.state().lifetime()));
        Secret state = states.issue(pending, binding.flowId(pending));
        return bindings.set(ApiGatewayResponse.redirect(destination.apply(state)), binding);
    }
}
