package dev.authkeeper.testing;

import dev.authkeeper.local.LocalDynamoDb;
import dev.authkeeper.local.LocalProvisioning;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local with AuthKeeper's table, and a client that reaches it through a {@link FaultProxy}. */
public record ProxiedDynamoDb(LocalDynamoDb local, FaultProxy proxy, DynamoDbClient client) implements AutoCloseable {

    public static ProxiedDynamoDb start(String table) {
        var local = LocalDynamoDb.start(LocalAwsResource.freePort());
        LocalProvisioning.createTable(local.endpoint(), table);
        var proxy = new FaultProxy(local.endpoint());
        var client = DynamoDbClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        return new ProxiedDynamoDb(local, proxy, client);
    }

    @Override
    public void close() {
        client.close();
        proxy.close();
        local.close();
    }
}
