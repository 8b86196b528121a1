package dev.authkeeper.api;

import java.time.Duration;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.FunctionTestBase;

/** What every API test starts from, {@link FunctionTestBase}'s clean start, and the profiles of the API's two functions. */
abstract class ApiTestBase extends FunctionTestBase {

    /**
     * The function behind {@code GET /v1/connections/{id}/access-token}, in a deployment that scopes
     * callers: the integrator's role gets every merchant, {@link ApiEvents#EU_PRODUCT} one merchant.
     */
    public static class AccessTokenFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", ApiRoute.TOKEN_FUNCTION,
                    "authkeeper.api.merchant-scopes", "{\"" + ApiEvents.INTEGRATOR + "\":[\"*\"],\"" + ApiEvents.EU_PRODUCT
                            + "\":[\"merchant-eu\"]}");
        }
    }

    /** The function behind every other {@code /v1} route. */
    public static class ConnectionsApiFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", ApiRoute.CONNECTIONS_FUNCTION);
        }
    }

    static Map<String, String> id(ConnectionId id) {
        return Map.of("id", id.value());
    }

    /** What the planner's delivery pass sends once the group window is over, as after a sweep. */
    void deliverAfterGroupWindow() {
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        delivery.deliverDue(now().plus(Duration.ofMinutes(1)));
    }
}
