package dev.authkeeper.ebay;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How AuthKeeper talks to eBay; the apps themselves are entries of {@code authkeeper.apps} (their RuName as {@code applicationId}). */
@ConfigMapping(prefix = "authkeeper.ebay")
public interface EbayConfig {

    /** One call to eBay ends within this, connect, headers and body together. */
    @WithDefault("PT5S")
    Duration callTimeout();

    /**
     * Every eBay host (sign-in, token endpoint, Identity API) under this base instead: the simulated
     * eBay of the local run and the tests. Never set it in a deployment.
     */
    Optional<URI> simulatedBase();

    /**
     * The verification token entered with the notification endpoint in eBay's developer portal (32 to
     * 80 of A-Z, a-z, 0-9, _ and -): eBay's endpoint validation proves the endpoint knows it. Without
     * it the validation is refused and eBay does not enable the endpoint.
     */
    Optional<String> verificationToken();
}
