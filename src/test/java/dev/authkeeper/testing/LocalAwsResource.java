package dev.authkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.authkeeper.local.LocalDynamoDb;
import dev.authkeeper.local.LocalMiniStack;
import dev.authkeeper.local.LocalProvisioning;
import dev.authkeeper.local.SimulatedAmazon;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real components a test runs against: DynamoDB Local in this JVM, MiniStack (KMS) as a child
 * process, and the simulated Amazon endpoints, each on a free loopback port. Tests receive the
 * {@link SimulatedAmazon} and the {@link LocalAws} endpoints through fields of those types.
 */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {

    public static final String TABLE = "authkeeper-test";
    public static final String KEY_ALIAS = "alias/authkeeper-test";
    public static final String EVENT_BUS = "authkeeper-test-events";

    private LocalDynamoDb dynamo;
    private LocalMiniStack ministack;
    private SimulatedAmazon amazon;
    private ToggleProxy snsProxy;
    private LocalAws aws;

    @Override
    public Map<String, String> start() {
        dynamo = LocalDynamoDb.start(freePort());
        ministack = LocalMiniStack.start(Path.of(".venv", "bin", "ministack"), freePort());
        snsProxy = new ToggleProxy(ministack.endpoint());
        aws = provision(dynamo.endpoint(), ministack.endpoint(), snsProxy);
        amazon = SimulatedAmazon.start(SimulatedAmazon.Settings.of(
                URI.create(aws.publicBaseUrl() + "/login"), URI.create(aws.publicBaseUrl() + "/callback")));
        return config(aws, amazon.settings(), amazon.baseUri(), snsProxy.endpoint());
    }

    /** The table, the key, the topics, the sweep queue and the event bus, on DynamoDB at {@code dynamoEndpoint} and MiniStack. */
    public static LocalAws provision(URI dynamoEndpoint, URI ministackEndpoint, ToggleProxy snsProxy) {
        int gatewayPort = freePort();
        URI publicBaseUrl = URI.create("http://127.0.0.1:" + gatewayPort);
        LocalProvisioning.createTable(dynamoEndpoint, TABLE);
        String keyId = LocalProvisioning.createKey(ministackEndpoint, KEY_ALIAS);
        var topics = LocalProvisioning.createTopics(ministackEndpoint, "authkeeper-test");
        String sweepQueue = LocalProvisioning.createSweepQueue(ministackEndpoint, "authkeeper-test-sweep-units");
        String eventsQueue = LocalProvisioning.createEventBus(ministackEndpoint, EVENT_BUS, "authkeeper");
        return new LocalAws(dynamoEndpoint, ministackEndpoint, keyId, publicBaseUrl, gatewayPort, topics, snsProxy, sweepQueue,
                eventsQueue);
    }

    /** The application's configuration for these components: SNS through {@code snsEndpoint}, LWA at {@code amazonBaseUri}. */
    public static Map<String, String> config(LocalAws aws, SimulatedAmazon.Settings amazon, URI amazonBaseUri, URI snsEndpoint) {
        var config = new HashMap<String, String>();
        config.put("authkeeper.table", TABLE);
        config.put("authkeeper.kms.key-id", KEY_ALIAS);
        config.put("authkeeper.public-base-url", aws.publicBaseUrl().toString());
        config.put("authkeeper.local.gateway-port", Integer.toString(aws.gatewayPort()));
        config.put("authkeeper.amazon.simulated-central", amazonBaseUri.toString());
        config.put("authkeeper.amazon.application-id", amazon.applicationId());
        config.put("authkeeper.amazon.client-id", amazon.clientId());
        config.put("authkeeper.amazon.client-secret", amazon.clientSecret());
        config.put("quarkus.rest-client.lwa.url", amazonBaseUri.toString());
        config.put("authkeeper.alerts.merchant-topic-arn", aws.topics().merchantTopicArn());
        config.put("authkeeper.alerts.operator-topic-arn", aws.topics().operatorTopicArn());
        config.put("authkeeper.alerts.event-bus-name", EVENT_BUS);
        config.put("authkeeper.alerts.event-bus-endpoint", aws.ministackEndpoint().toString());
        config.put("authkeeper.sweep.queue-url", aws.sweepQueueUrl());
        var endpoints = Map.of("dynamodb", aws.dynamoEndpoint(), "kms", aws.ministackEndpoint(), "sns", snsEndpoint,
                "sqs", aws.ministackEndpoint());
        for (String service : endpoints.keySet()) {
            config.put("quarkus." + service + ".endpoint-override", endpoints.get(service).toString());
            config.put("quarkus." + service + ".aws.region", LocalProvisioning.REGION);
            config.put("quarkus." + service + ".aws.credentials.type", "static");
            config.put("quarkus." + service + ".aws.credentials.static-provider.access-key-id", LocalProvisioning.ACCESS_KEY);
            config.put("quarkus." + service + ".aws.credentials.static-provider.secret-access-key", LocalProvisioning.SECRET_KEY);
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(amazon, new TestInjector.MatchesType(SimulatedAmazon.class));
        injector.injectIntoFields(aws, new TestInjector.MatchesType(LocalAws.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {amazon, snsProxy, ministack, dynamo}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
