package dev.authkeeper.api;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.app.App;
import dev.authkeeper.authorization.SellerConflicts;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Seeds;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Any request to the other function's routes: a 2xx or 4xx JSON answer, no stack trace, no request value in the log. */
@QuarkusTest
@TestProfile(ApiTestBase.ConnectionsApiFunction.class)
@WithTestResource(LocalAwsResource.class)
class ConnectionsApiPropertiesTest extends ApiTestBase {

    @Inject
    SellerConflicts conflicts;

    @Test
    void anyRequestIsAnsweredCleanly() {
        var first = connection("merchant-1", "A1PROPERTY01");
        var second = connection("merchant-1", "A1PROPERTY02");
        conflicts.record(new Authorization(second, "merchant-2", App.DEFAULT, Seeds.SELLER_CENTRAL, Flow.WEBSITE,
                cipher.seal(second.value(), new Secret("Atzr|property-claim")), now(), now().plus(Duration.ofDays(365))), now());
        String cursor = ApiEvents.json(ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, java.util.Map.of("merchantId", "merchant-1"))
                .query("limit=1").send()).path("next").asText();

        ApiRequestProperties.forRoutes(ApiRoute.CONNECTION, ApiRoute.MERCHANT_CONNECTIONS, ApiRoute.CONNECT_LINK, ApiRoute.DISCONNECT,
                        ApiRoute.TRANSFER, ApiRoute.DISMISS_CLAIMS)
                .pathParameter("id", first.value(), second.value(), "amazon:EU:A1PROPUNKNOWN", "amazon%3ANA%3AA1PROPERTY01")
                .pathParameter("merchantId", "merchant-1", "merchant-2", "merchant-unknown", "merchant%2D1")
                .query("limit=1", "limit=100", "next=" + cursor, "limit=2&next=" + cursor)
                .body("{}", "{\"region\":\"EU\"}", "{\"region\":\"FE\"}", "{\"connectionId\":\"" + first.value() + "\"}",
                        "{\"connectionId\":\"" + second.value() + "\",\"region\":\"NA\"}", "{\"toMerchant\":\"merchant-2\"}",
                        "{\"toMerchant\":\"merchant-1\"}")
                .secret("Atzr|property-claim", amazon.refreshTokenOf("A1PROPERTY01").orElseThrow())
                .check(200);
    }
}
