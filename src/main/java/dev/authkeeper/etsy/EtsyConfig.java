package dev.authkeeper.etsy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How AuthKeeper talks to Etsy; the apps themselves are entries of {@code authkeeper.apps} with {@code "marketplace":"etsy"}. */
@ConfigMapping(prefix = "authkeeper.etsy")
public interface EtsyConfig {

    /** One call to Etsy's token endpoint ends within this, connect, headers and body together. */
    @WithDefault("PT5S")
    Duration callTimeout();

    /**
     * The consent page and the token endpoint under this base instead of {@code https://www.etsy.com}
     * and {@code https://api.etsy.com}: the simulated Etsy of the local run and the tests. Never set it in a deployment.
     */
    Optional<URI> simulatedBase();
}
