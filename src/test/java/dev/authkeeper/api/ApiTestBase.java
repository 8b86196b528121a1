package dev.authkeeper.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.CleanStart;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every API test starts from: an empty table, a fresh simulated Amazon, no incident open,
 * empty inboxes, the clock at the start of the next day, and the AWS calls counted from here.
 */
abstract class ApiTestBase {

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

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    ConnectionRepository connections;
    @Inject
    TokenCipher cipher;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    AwsCalls calls;
    @Inject
    TestClock clock;
    @Inject
    Incidents incidents;
    @Inject
    AlertDelivery delivery;
    @Inject
    CleanStart cleanStart;

    Table table;
    Seeds seeds;
    Inbox inbox;
    Events events;

    @BeforeEach
    void startClean() {
        var slate = cleanStart.begin(amazon, aws);
        table = slate.table();
        seeds = slate.seeds();
        inbox = slate.inbox();
        events = slate.events();
    }

    Instant now() {
        return clock.instant();
    }

    ConnectionId connection(String merchant, String account) {
        return seeds.connection(merchant, account, now().minus(Duration.ofDays(30)));
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
