package dev.authkeeper.testing;

import java.net.URI;

import dev.authkeeper.local.LocalProvisioning;

/** Where a test's local components listen; SNS is reached through {@code snsProxy}, which a test can cut. */
public record LocalAws(URI dynamoEndpoint, URI ministackEndpoint, String keyId, URI publicBaseUrl, int gatewayPort,
        LocalProvisioning.Topics topics, ToggleProxy snsProxy, String sweepQueueUrl, String eventsQueueUrl) {
}
