package dev.authkeeper.aws;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.authkeeper.aws.FailedCalls;
import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.AwsConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * AWS clients no Quarkus extension provides here. In AWS they use the function's region and role;
 * pointed at the local emulator, its region and fixed local credentials.
 */
@ApplicationScoped
public class AwsClients {

    @Produces
    @Singleton
    EventBridgeClient eventBridge(AlertConfig config, AwsConfig aws) {
        return configured(EventBridgeClient.builder(), config.eventBusEndpoint(), aws).build();
    }

    /** The apps' client secrets, read while running ({@code dev.authkeeper.app.ClientSecrets}). */
    @Produces
    @Singleton
    SecretsManagerClient secretsManager(AuthKeeperConfig config, AwsConfig aws) {
        return configured(SecretsManagerClient.builder(), config.secretsEndpoint(), aws).build();
    }

    /** The URL connection client, the deadlines of {@link AwsConfig}, and the local emulator when {@code endpoint} is set. */
    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(B builder, Optional<URI> endpoint,
            AwsConfig aws) {
        builder.httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(aws.callTimeout()).apiCallAttemptTimeout(aws.attemptTimeout())
                        .addExecutionInterceptor(new FailedCalls()));
        endpoint.ifPresent(uri -> builder.endpointOverride(uri)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
        return builder;
    }
}
