package dev.authkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class LocalDynamoDbTest {

    @Test
    void dynamoDbLocalAnswersOnLoopbackAndNowhereElse() throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var dynamo = LocalDynamoDb.start(port);
             var client = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            LocalProvisioning.createTable(dynamo.endpoint(), "loopback-test");
            assertThat(client.listTables().tableNames()).containsExactly("loopback-test");
            assertThat(Listeners.acceptsOnNonLoopback(port)).isFalse();
        }
    }
}
