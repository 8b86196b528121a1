package dev.authkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A connection item exactly as the release before several marketplaces wrote it (Amazon only: its
 * attributes, names and id format, literally) keeps working with this one: the integrator API
 * answers for it in the marketplace-neutral contract, an access token is minted for it, and the
 * round checks it. Nothing rewrites it first.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class PreviousReleaseItemsTest extends LocalRunTestBase {

    static final String SELLER = "A1PREVIOUSRELEASE";
    static final ConnectionId ID = new ConnectionId("amazon", "NA", SELLER);
    static final ObjectMapper JSON = new ObjectMapper();

    SimulatedAmazon amazon;

    @Inject
    TokenCipher cipher;

    @BeforeEach
    void resetAmazon() {
        amazon.reset();
    }

    @Test
    void anAmazonConnectionWrittenByThePreviousReleaseIsServedCheckedAndAnsweredInTheNewContract() throws Exception {
        Instant authorizedAt = Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        dynamo.putItem(r -> r.tableName(LocalAwsResource.TABLE).item(previousReleaseItem(authorizedAt)));
        var api = visits.api();

        var status = JSON.readTree(api.call("GET", "/v1/connections/" + ID, null).body());
        assertThat(status.get("connectionId").asText()).isEqualTo("amazon:NA:" + SELLER);
        assertThat(status.get("marketplace").asText()).isEqualTo("amazon");
        assertThat(status.get("accountId").asText()).isEqualTo(SELLER);
        assertThat(status.get("sellingPartnerId").asText()).isEqualTo(SELLER);
        assertThat(status.get("region").asText()).isEqualTo("NA");
        assertThat(status.get("status").asText()).isEqualTo("ACTIVE");
        // A lower-case spelling names the same connection, as before.
        assertThat(api.call("GET", "/v1/connections/amazon:NA:" + SELLER.toLowerCase(), null).statusCode()).isEqualTo(200);

        var token = api.call("GET", "/v1/connections/" + ID + "/access-token", null);
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(token.body()).get("sellingPartnerId").asText()).isEqualTo(SELLER);

        var summary = sweep.checkNow(ID);
        assertThat(summary.checked()).isEqualTo(1);
        assertThat(summary.valid()).isEqualTo(1);
        assertThat(summary.errors()).isZero();
    }

    /** The attributes the previous release's ConnectionRepository wrote for a new authorization, literally. */
    private Map<String, AttributeValue> previousReleaseItem(Instant authorizedAt) {
        var item = new HashMap<String, AttributeValue>();
        item.put("pk", s("CONNECTION#amazon:NA:" + SELLER));
        item.put("sk", s("CONNECTION"));
        item.put("merchantId", s("merchant-old"));
        item.put("merchantKey", s("merchant-old"));
        item.put("connectionId", s("amazon:NA:" + SELLER));
        item.put("marketplace", s("amazon"));
        item.put("region", s("NA"));
        item.put("accountId", s(SELLER));
        item.put("origin", s("https://sellercentral.amazon.com"));
        item.put("status", s("ACTIVE"));
        item.put("token", TokenAttributes.sealedToken(cipher.seal(ID.value(), new Secret(amazon.issueRefreshToken(SELLER)))));
        item.put("authorizedAt", s(authorizedAt.toString()));
        item.put("authorizationExpiresAt", s(authorizedAt.plus(Duration.ofDays(365)).toString()));
        item.put("lastFlow", s("MARKETPLACE"));
        item.put("app", s("default"));
        item.put(TableLayout.CHECK_PARTITION, s(TableLayout.checkPartition(ID)));
        item.put(TableLayout.CHECK_ORDER, s(TableLayout.checkOrder(ID)));
        item.put("updatedAt", s(authorizedAt.toString()));
        item.put("createdAt", s(authorizedAt.toString()));
        item.put("version", AttributeValue.fromN("1"));
        return item;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
