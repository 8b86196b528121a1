package dev.authkeeper.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.authkeeper.local.LocalDynamoDb;
import dev.authkeeper.local.LocalProvisioning;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local with AuthKeeper's table, and a client that reaches it through a {@link FaultProxy}:
 * a JUnit extension, registered on a static field, that starts them before the class's tests, clears
 * the proxy's faults after each test and closes them after the last.
 */
public final class ProxiedDynamoDb implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final String table;
    private LocalDynamoDb local;
    private FaultProxy proxy;
    private DynamoDbClient client;

    public ProxiedDynamoDb(String table) {
        this.table = table;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        local = LocalDynamoDb.start(LocalAwsResource.freePort());
        LocalProvisioning.createTable(local.endpoint(), table);
        proxy = new FaultProxy(local.endpoint());
        client = DynamoDbClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        proxy.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        proxy.close();
        local.close();
    }

    public FaultProxy proxy() {
        return proxy;
    }

    public DynamoDbClient client() {
        return client;
    }
}
