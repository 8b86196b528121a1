package dev.authkeeper.authorization;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.Table;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What the login and authorize tests start from: an empty table, the calls counted from here, and signed-in merchants. */
abstract class MerchantFacingTestBase {

    @Inject
    MerchantSessions sessions;
    @Inject
    AwsCalls calls;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    ObjectMapper json;
    @Inject
    OAuthStates states;

    Table table;

    @BeforeEach
    void clean() {
        table = new Table(dynamo);
        table.clear();
        calls.reset();
    }

    /** The session cookie of a merchant signed in to the integrator's product. */
    String session(String merchant) {
        return BrowserCookies.session(sessions, merchant);
    }
}
