package dev.authkeeper.testing;

import java.net.URI;

/** Where a test's local components listen. */
public record LocalAws(URI dynamoEndpoint, URI ministackEndpoint, String keyId, URI publicBaseUrl, int gatewayPort) {
}
