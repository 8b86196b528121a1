package dev.authkeeper.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The key hierarchy that seals tokens: how often the branch key changes and how long keys stay in memory. */
@ConfigMapping(prefix = "authkeeper.keys")
public interface KeysConfig {

    /** A new branch key is created by the first seal after the active one reaches this age. */
    @WithDefault("P30D")
    Duration rotation();

    /** Unwrapped branch keys kept in memory at most; the least recently used leaves first, zeroed. */
    @WithDefault("16")
    int cacheSize();

    /** How long an unwrapped branch key, and the pointer to the active one, stay in memory. */
    @WithDefault("PT10M")
    Duration cacheTtl();
}
