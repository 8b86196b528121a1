package dev.authkeeper.shopify;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How AuthKeeper talks to Shopify; the apps themselves are entries of {@code authkeeper.apps}. */
@ConfigMapping(prefix = "authkeeper.shopify")
public interface ShopifyConfig {

    /** The Admin API version of the validity probe (Shopify's quarterly versions, such as 2026-10). */
    @WithDefault("2026-10")
    String apiVersion();

    /** One call to a shop ends within this, connect, headers and body together. */
    @WithDefault("PT5S")
    Duration callTimeout();

    /** How far a launch's or callback's signed timestamp may be from now (Shopify's own library allows 90 s). */
    @WithDefault("PT90S")
    Duration hmacTolerance();

    /**
     * Every shop under this base instead of {@code https://{shop}}: the simulated Shopify of the
     * local run and the tests. Never set it in a deployment.
     */
    Optional<URI> simulatedBase();
}
