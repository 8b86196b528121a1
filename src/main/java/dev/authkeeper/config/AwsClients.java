package dev.authkeeper.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

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
    EventBridgeClient eventBridge(AlertConfig config) {
        // Like SNS (quarkus.sns.api-call-timeout): a publish never holds an entry's lease for long.
        return configured(EventBridgeClient.builder(), config.eventBusEndpoint()).build();
    }

    /** The apps' client secrets, read while running ({@code dev.authkeeper.app.ClientSecrets}). */
    @Produces
    @Singleton
    SecretsManagerClient secretsManager(AuthKeeperConfig config) {
        return configured(SecretsManagerClient.builder(), config.secretsEndpoint()).build();
    }

    /** The URL connection client, calls that end within 5 seconds, and the local emulator when {@code endpoint} is set. */
    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(B builder, Optional<URI> endpoint) {
        builder.httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5)));
        endpoint.ifPresent(uri -> builder.endpointOverride(uri)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
        return builder;
    }
}
