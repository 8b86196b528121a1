package dev.authkeeper.marketplace;

import java.net.URI;

/**
 * A marketplace asking one of the integrator's apps to start an authorization (Amazon's Login
 * URI): where to send the seller back, the marketplace's own state to echo, and the account it is about.
 */
public record LaunchRequest(String app, Origin origin, URI returnTo, String marketplaceState, String accountId, boolean draft) {
}
