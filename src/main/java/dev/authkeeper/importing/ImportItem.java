package dev.authkeeper.importing;

import java.util.Optional;

import dev.authkeeper.crypto.Secret;

/**
 * One authorization to import, as the request spelled it: checked by {@link Imports} before
 * anything else happens. Exactly one of {@code refreshToken} and {@code accessToken} (a
 * marketplace's non-expiring token, where it has a migration) is expected.
 */
public record ImportItem(String marketplace, Optional<String> app, String accountId, Optional<String> region, String merchantId,
        Optional<Secret> refreshToken, Optional<Secret> accessToken) {
}
