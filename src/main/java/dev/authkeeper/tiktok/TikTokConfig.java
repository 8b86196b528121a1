package dev.authkeeper.tiktok;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How AuthKeeper talks to TikTok Shop; the apps themselves are entries of {@code authkeeper.apps}. */
@ConfigMapping(prefix = "authkeeper.tiktok")
public interface TikTokConfig {

    /** One call to TikTok Shop ends within this, connect, headers and body together. */
    @WithDefault("PT5S")
    Duration callTimeout();

    /**
     * The simulated TikTok Shop of the local run and the tests: its token host, and the consent
     * page of sellers outside the United States. Never set it in a deployment.
     */
    Optional<URI> simulatedBase();
}
