package dev.authkeeper.testing;

import jakarta.inject.Singleton;

import dev.authkeeper.alert.Incidents;
import dev.authkeeper.app.App;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a test of the functions starts from: the clock at the start of the next day, an empty
 * table, no incident this instance remembers, a fresh simulated Amazon, SNS reachable, empty
 * inboxes, and the AWS calls counted from here. One bean, so that every test base starts alike.
 */
@Singleton
public class CleanStart {

    /** The fixtures of one test, over the emptied table and queues. */
    public record Slate(Table table, Seeds seeds, Inbox inbox, Events events) {
    }

    private final TestClock clock;
    private final DynamoDbClient dynamo;
    private final Incidents incidents;
    private final AwsCalls calls;
    private final TokenCipher cipher;
    private final ConnectionRepository connections;

    public CleanStart(TestClock clock, DynamoDbClient dynamo, Incidents incidents, AwsCalls calls, TokenCipher cipher,
            ConnectionRepository connections) {
        this.clock = clock;
        this.dynamo = dynamo;
        this.incidents = incidents;
        this.calls = calls;
        this.cipher = cipher;
        this.connections = connections;
    }

    public Slate begin(SimulatedAmazon amazon, LocalAws aws) {
        clock.startOfNextDay();
        var table = new Table(dynamo);
        table.clear();
        for (var kind : Incidents.Kind.values()) {
            incidents.resolve(kind, clock.instant()); // forgets what this instance remembered of the last test's incidents
        }
        incidents.resolveForApp(Incidents.Kind.MASS_REJECTION, App.DEFAULT, clock.instant());
        amazon.reset();
        aws.snsProxy().up();
        var slate = new Slate(table, new Seeds(amazon, cipher, connections), Inbox.emptied(aws), Events.emptied(aws));
        calls.reset();
        return slate;
    }
}
