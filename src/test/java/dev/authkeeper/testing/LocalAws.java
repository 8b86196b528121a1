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

    /** The same with the second app's parts: its secrets behind {@code secretsProxy} and Amazon's notifications queue. */
    public LocalAws withApps(ToggleProxy secretsProxy, AppSecrets appSecrets, String notificationsQueueUrl) {
        return new LocalAws(dynamoEndpoint, ministackEndpoint, keyId, publicBaseUrl, gatewayPort, topics, snsProxy, sweepQueueUrl,
                eventsQueueUrl, secretsProxy, appSecrets, notificationsQueueUrl);
    }

    /** The ARNs of the two apps' client-secret secrets. */
    public record AppSecrets(String defaultApp, String draftApp) {
    }
}
