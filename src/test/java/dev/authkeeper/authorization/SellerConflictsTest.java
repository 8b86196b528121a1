package dev.authkeeper.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.CallbackBrowser;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A seller already connected to one merchant, authorized again by another: recorded, alerted, settled by support. */
@QuarkusTest
@TestProfile(Profiles.CallbackFunction.class)
@WithTestResource(LocalAwsResource.class)
class SellerConflictsTest {

    static final String SELLER = "A1CONFLICTSELLER";
    static final ConnectionId CONNECTION = new ConnectionId("amazon", "NA", SELLER);
    static final String SUPPORT = "arn:aws:sts::123456789012:assumed-role/support/alice";

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    SellerConflicts conflicts;
    @Inject
    ConnectionRepository connections;
    @Inject
    OAuthStates states;
    @Inject
    MerchantSessions sessions;
    @Inject
    TokenCipher cipher;
    @Inject
    SweepWorker sweep;
    @Inject
    DynamoDbClient dynamo;

    Table table;
    Inbox inbox;
    Events events;

    @BeforeEach
    void clean() {
        table = new Table(dynamo);
        table.clear();
        amazon.reset();
        new Inbox(aws).settled(); // what earlier tests published
        inbox = new Inbox(aws);
        events = Events.emptied(aws);
    }

    @AfterEach
    void reset() {
        amazon.reset();
    }

    /** {@code merchant} connects the seller through the callback, in a browser of their own. */
    int connect(String merchant) {
        var browser = new CallbackBrowser(states, sessions, amazon);
        return browser.callback(merchant, browser.state(merchant, Optional.of(SELLER)), SELLER).statusCode();
    }

    @Test
    void aSecondMerchantsAuthorizationIsKeptAsAClaimAndOperatorsAreAlerted() {
        assertThat(connect("merchant-1")).isEqualTo(200);
        var before = table.connection(CONNECTION.value()).orElseThrow();

        assertThat(connect("merchant-2")).isEqualTo(409);

        assertThat(table.connection(CONNECTION.value()).orElseThrow()).isEqualTo(before);
        var claims = table.withPrefix("CONFLICT#");
        assertThat(claims).hasSize(1);
        var claim = claims.get(0);
        assertThat(claim.get("pk").s()).isEqualTo("CONFLICT#" + CONNECTION.value());
        assertThat(claim.get("sk").s()).startsWith("CLAIM#").endsWith("#merchant-2");
        assertThat(claim.get("merchantId").s()).isEqualTo("merchant-2");
        assertThat(claim.get("heldBy").s()).isEqualTo("merchant-1");
        assertThat(claim.get("flow").s()).isEqualTo("MARKETPLACE");
        String newest = amazon.refreshTokenOf(SELLER).orElseThrow();
        assertThat(claim.toString()).doesNotContain(newest);
        assertThat(cipher.open(CONNECTION.value(), conflicts.claims(CONNECTION).get(0).authorization().token()).value()).isEqualTo(newest);

        var alerts = inbox.await(1);
        assertThat(alerts).hasSize(1);
        var alert = alerts.get(0);
        assertThat(alert.topic()).isEqualTo("operator");
        assertThat(alert.kind()).isEqualTo("SELLER_CONFLICT");
        assertThat(alert.attributes()).containsEntry("connection", CONNECTION.value()).containsEntry("severity", "HIGH");
        assertThat(alert.subject()).contains(SELLER).contains("two merchants");
        assertThat(alert.body()).contains("merchant-1").contains("merchant-2").contains("POST /v1/connections/" + CONNECTION.value() + "/transfer with the JSON body {\"toMerchant\": \"merchant-2\"}")
                .contains("DELETE /v1/connections/" + CONNECTION.value() + "/claims").doesNotContain(newest);
        // The outbox entry was written with the claim and marked sent.
        var outbox = table.items().stream()
                .filter(i -> i.get("sk").s().startsWith("ALERT#") && i.get("kind").s().equals("SELLER_CONFLICT")).toList();
        assertThat(outbox).hasSize(1);
        assertThat(outbox.get(0)).doesNotContainKey("pendingAlert").containsKey("sentAt");
    }

    @Test
    void everyClaimRaisesItsOwnAlert() {
        connect("merchant-1");
        connect("merchant-2");
        connect("merchant-3");

        assertThat(conflicts.claims(CONNECTION)).extracting(c -> c.authorization().merchantId())
                .containsExactlyInAnyOrder("merchant-2", "merchant-3");
        assertThat(inbox.await(2)).extracting(Inbox.Message::kind).containsExactly("SELLER_CONFLICT", "SELLER_CONFLICT");
    }

    @Test
    void resolvingMovesTheConnectionToTheClaimantWithItsToken() {
        connect("merchant-1");
        connect("merchant-2");
        connect("merchant-3");
        var versionBefore = connections.find(CONNECTION).orElseThrow().version();

        var resolution = conflicts.resolve(CONNECTION, "merchant-3", SUPPORT);

        assertThat(resolution).isEqualTo(new SellerConflicts.Resolution.Moved("merchant-1"));
        var moved = connections.find(CONNECTION).orElseThrow();
        assertThat(moved.merchantId()).isEqualTo("merchant-3");
        assertThat(moved.version()).isEqualTo(versionBefore + 1);
        assertThat(connections.ofMerchant("merchant-3")).extracting(c -> c.id()).containsExactly(CONNECTION);
        assertThat(connections.ofMerchant("merchant-1")).isEmpty();
        assertThat(cipher.open(CONNECTION.value(), table.token(CONNECTION)).value()).isEqualTo(amazon.refreshTokenOf(SELLER).orElseThrow());
        assertThat(table.history(CONNECTION)).extracting(h -> h.get("kind").s()).containsExactly("AUTHORIZED", "TRANSFERRED");
        Map<String, AttributeValue> transfer = table.history(CONNECTION).get(1);
        assertThat(transfer.get("fromMerchantId").s()).isEqualTo("merchant-1");
        assertThat(transfer.get("merchantId").s()).isEqualTo("merchant-3");
        assertThat(transfer.get("requestedBy").s()).isEqualTo(SUPPORT);
        assertThat(table.withPrefix("CONFLICT#")).isEmpty();
        // The moved token works: the next check finds the connection valid.
        assertThat(sweep.checkNow(CONNECTION).valid()).isEqualTo(1);

        assertThat(conflicts.resolve(CONNECTION, "merchant-3", SUPPORT)).isEqualTo(new SellerConflicts.Resolution.NoClaim());
    }

    @Test
    void aTransferCancelsWhatWaitedForTheOldHolderAndTellsTheAppOfTheMove() {
        connect("merchant-1");
        amazon.revoke(SELLER);
        assertThat(sweep.checkNow(CONNECTION).needsReauthorization()).isEqualTo(1);
        assertThat(unsentFor("merchant-1")).as("the alert waits for its group window, the event for the planner").hasSize(2);
        amazon.restore(SELLER);
        connect("merchant-2");

        assertThat(conflicts.resolve(CONNECTION, "merchant-2", SUPPORT)).isEqualTo(new SellerConflicts.Resolution.Moved("merchant-1"));

        assertThat(unsentFor("merchant-1")).as("nothing goes out to the old holder about a connection no longer theirs").isEmpty();
        var moved = events.await(e -> e.detail().path("type").asText().equals("connection.transferred")).orElseThrow();
        assertThat(moved.detailType()).isEqualTo("Connection Transferred");
        assertThat(moved.detail().path("connectionId").asText()).isEqualTo(CONNECTION.value());
        assertThat(moved.detail().path("merchantId").asText()).isEqualTo("merchant-2");
        assertThat(moved.detail().path("fromMerchantId").asText()).isEqualTo("merchant-1");
        assertThat(moved.detail().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(events.settled()).extracting(e -> e.detail().path("type").asText()).doesNotContain("connection.needs_reauthorization");
    }

    /** The connection's alerts and events for {@code merchant} that have not gone out, pending or held. */
    private List<Map<String, AttributeValue>> unsentFor(String merchant) {
        return table.withPrefix("CONNECTION#" + CONNECTION.value()).stream()
                .filter(i -> i.get("sk").s().startsWith("ALERT#") && i.containsKey("pendingAlert")
                        && i.containsKey("merchantId") && i.get("merchantId").s().equals(merchant))
                .toList();
    }

    @Test
    void resolvingForAMerchantWithoutAClaimChangesNothing() {
        connect("merchant-1");
        connect("merchant-2");
        var before = table.connection(CONNECTION.value()).orElseThrow();

        assertThat(conflicts.resolve(CONNECTION, "merchant-9", SUPPORT)).isEqualTo(new SellerConflicts.Resolution.NoClaim());
        assertThat(table.connection(CONNECTION.value()).orElseThrow()).isEqualTo(before);
        assertThat(conflicts.claims(CONNECTION)).hasSize(1);
    }

    @Test
    void resolvingAConnectionThatIsGoneChangesNothing() {
        connect("merchant-1");
        connect("merchant-2");
        dynamo.deleteItem(r -> r.tableName(LocalAwsResource.TABLE).key(Map.of(
                "pk", AttributeValue.fromS("CONNECTION#" + CONNECTION.value()), "sk", AttributeValue.fromS("CONNECTION"))));

        assertThat(conflicts.resolve(CONNECTION, "merchant-2", SUPPORT)).isEqualTo(new SellerConflicts.Resolution.Changed());
        assertThat(table.connection(CONNECTION.value())).isEmpty();
        assertThat(conflicts.claims(CONNECTION)).hasSize(1);
    }

    @Test
    void dismissingLeavesTheConnectionWhereItIsAndRemovesTheClaims() {
        connect("merchant-1");
        connect("merchant-2");
        connect("merchant-3");
        var before = table.connection(CONNECTION.value()).orElseThrow();

        assertThat(conflicts.dismiss(CONNECTION)).isEqualTo(2);

        assertThat(table.connection(CONNECTION.value()).orElseThrow()).isEqualTo(before);
        assertThat(table.withPrefix("CONFLICT#")).isEmpty();
        assertThat(conflicts.dismiss(CONNECTION)).isZero();
    }
}
