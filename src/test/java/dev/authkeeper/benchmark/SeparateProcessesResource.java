package dev.authkeeper.benchmark;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.authkeeper.local.LocalMiniStack;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The components of {@link LocalAwsResource}, each in a process of its own: DynamoDB Local and the
 * five simulated marketplaces in child JVMs, MiniStack as always; so that the JVM under test holds
 * the sweep and nothing it talks to. The apps are those of the tests, one per marketplace. Benchmarks
 * receive {@link LocalAws} and {@link Emulators} through fields.
 */
public class SeparateProcessesResource implements QuarkusTestResourceLifecycleManager {

    /** The processes beside the sweep, to read their CPU time, and the simulator's controls. */
    record Emulators(ChildProcess dynamo, SimulatedMarketplaces marketplaces, ChildProcess ministack) {
        List<ChildProcess> all() {
            return List.of(dynamo, marketplaces.process(), ministack);
        }
    }

    private ChildProcess dynamo;
    private LocalMiniStack ministack;
    private SimulatedMarketplaces marketplaces;
    private LocalAws aws;
    private Emulators emulators;

    @Override
    public Map<String, String> start() {
        int dynamoPort = LocalAwsResource.freePort();
        dynamo = ChildProcess.java("dynamodb-local", DynamoDbLocalMain.class, List.of("-Xmx2g"), Integer.toString(dynamoPort));
        URI dynamoEndpoint = URI.create("http://127.0.0.1:" + dynamoPort);
        awaitDynamo(dynamoEndpoint);
        ministack = LocalMiniStack.start(Path.of(".venv", "bin", "ministack"), LocalAwsResource.freePort());
        marketplaces = SimulatedMarketplaces.start(LocalAwsResource.freePort(), LocalAwsResource.freePort(), LocalAwsResource.freePort(),
                LocalAwsResource.freePort(), LocalAwsResource.freePort(), LocalAwsResource.freePort());
        aws = LocalAwsResource.provision(dynamoEndpoint, ministack.endpoint(), null);
        var ministackProcess = ProcessHandle.current().children()
                .filter(child -> child.info().commandLine().orElse("").contains("ministack"))
                .findFirst().orElseThrow(() -> new IllegalStateException("MiniStack's process is not a child of this JVM"));
        emulators = new Emulators(dynamo, marketplaces, ChildProcess.adopt("ministack", ministackProcess));
        var at = marketplaces.addresses();
        var config = LocalAwsResource.config(aws, SimulatedMarketplaces.amazonSettings(), at.amazon(), ministack.endpoint());
        config.put("authkeeper.amazon.client-secret", SimulatedMarketplaces.amazonSettings().clientSecret());
        URI site = URI.create("http://127.0.0.1");
        var secrets = LocalAwsResource.createMarketplaceSecrets(ministack.endpoint(), LocalAwsResource.shopifySettings(site),
                LocalAwsResource.etsySettings(site), LocalAwsResource.ebaySettings(site), LocalAwsResource.tiktokSettings(site));
        config.putAll(LocalAwsResource.marketplaceConfig(secrets, at.shopify(), at.etsy(), at.ebay(), at.tiktok()));
        // The default app's secret is configured as a value here, but the application holds a Secrets Manager client all the
        // same: on MiniStack, not on AWS, where without a region it fails every check that needs the app's credentials.
        config.put("authkeeper.secrets-endpoint", ministack.endpoint().toString());
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(aws, new TestInjector.MatchesType(LocalAws.class));
        injector.injectIntoFields(emulators, new TestInjector.MatchesType(Emulators.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {marketplaces, ministack, dynamo}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void awaitDynamo(URI endpoint) {
        Instant deadline = Instant.now().plusSeconds(60);
        try (var client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            while (Instant.now().isBefore(deadline) && dynamo.alive()) {
                try {
                    client.listTables();
                    return;
                } catch (RuntimeException e) {
                    ChildProcess.pause();
                }
            }
        }
        dynamo.close();
        throw new IllegalStateException("DynamoDB Local did not start: see target/benchmark/dynamodb-local.log");
    }
}
