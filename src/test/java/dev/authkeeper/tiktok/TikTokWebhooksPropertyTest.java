package dev.authkeeper.tiktok;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Deliveries to the TikTok Shop webhook route built at random from a seeded generator: unsigned,
 * wrongly signed, signed but malformed, with odd headers and bodies. None is answered 5xx, none
 * changes the seller's connection, and no value of any request reaches a log line.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class TikTokWebhooksPropertyTest {

    static final String APP = LocalAwsResource.TIKTOK_APP;
    static final int CASES = 120;

    SimulatedTikTokShop tiktok;
    LocalAws aws;

    @Inject
    ConnectionRepository connections;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    TokenCipher cipher;

    @Test
    void noDeliveryIsAnswered5xxChangesAConnectionOrIsRepeatedInALogLine() throws Exception {
        new Table(dynamo).clear();
        tiktok.reset();
        ConnectionId id = Seeds.tiktokSeller(cipher, connections, tiktok, APP, "merchant-p", SimulatedTikTokShop.DEFAULT_SELLER,
                java.time.Instant.now(), java.time.Duration.ofDays(365));
        long version = connections.find(id).orElseThrow().version();
        var random = new SplittableRandom(17);
        var markers = new ArrayList<String>();
        var http = HttpClient.newHttpClient();
        URI route = URI.create("http://127.0.0.1:" + aws.gatewayPort() + "/notifications/" + APP);
        String appSecret = tiktok.settings().app(APP).appSecret();

        try (var logs = CapturedLogs.capture()) {
            for (int i = 0; i < CASES; i++) {
                String marker = "mk" + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
                markers.add(marker);
                byte[] body = body(random, marker).getBytes(StandardCharsets.UTF_8);
                var request = HttpRequest.newBuilder(route).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Content-Type", random.nextBoolean() ? "application/json" : "text/plain;" + marker);
                switch (random.nextInt(4)) {
                    case 0 -> request.header("Authorization", marker);
                    case 1 -> request.header("Authorization", TikTokSignature.sign(LocalAwsResource.TIKTOK_APP_KEY, body,
                            new Secret("wrong-" + marker)));
                    // Signed by the app: a malformed body must still be refused without a trace of its values.
                    case 2 -> request.header("Authorization", TikTokSignature.sign(LocalAwsResource.TIKTOK_APP_KEY, body,
                            new Secret(appSecret)));
                    default -> request.header("X-Other", marker);
                }
                HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("case %d", i).isLessThan(500);
            }
            assertThat(logs.leaked(markers)).isEmpty();
        }
        assertThat(connections.find(id).orElseThrow().version()).isEqualTo(version);
    }

    /** A mangled notification: fields of the wrong type, missing or odd ids, the marker somewhere, or no JSON at all. */
    private static String body(SplittableRandom random, String marker) {
        List<String> shapes = List.of(
                "{\"type\":6,\"tts_notification_id\":\"" + marker + "!\",\"shop_id\":\"1\",\"data\":{}}",
                "{\"type\":\"" + marker + "\",\"tts_notification_id\":\"1\",\"shop_id\":\"2\"}",
                "{\"type\":6,\"tts_notification_id\":\"3\",\"shop_id\":\"" + marker + "\"}",
                "{\"type\":7,\"tts_notification_id\":\"4\",\"shop_id\":\"x" + marker + "\",\"data\":{\"expiration_time\":\"" + marker + "\"}}",
                "[\"" + marker + "\"]",
                marker,
                "{\"type\":6" + marker,
                "",
                "{\"type\":99999999999999999999,\"shop_id\":\"" + marker + "\"}");
        return shapes.get(random.nextInt(shapes.size()));
    }
}
