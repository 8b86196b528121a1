package dev.authkeeper.testing;

import java.net.URI;

import dev.authkeeper.local.LocalProvisioning;

/**
 * Where a test's local components listen; SNS and Secrets Manager are reached through {@code snsProxy}
 * and {@code secretsProxy}, which a test can cut.
 */
public record LocalAws(URI dynamoEndpoint, URI ministackEndpoint, String keyId, URI publicBaseUrl, int gatewayPort,
        LocalProvisioning.Topics topics, ToggleProxy snsProxy, String sweepQueueUrl, String eventsQueueUrl, ToggleProxy secretsProxy,
        AppSecrets appSecrets, String notificationsQueueUrl) {

    /** The ARNs of the two apps' client-secret secrets. */
    public record AppSecrets(String defaultApp, String draftApp) {
    }
}
