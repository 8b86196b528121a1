package dev.authkeeper.config;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

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
        var builder = EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5)));
        config.eventBusEndpoint().ifPresent(endpoint -> builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
        return builder.build();
    }
}
