package dev.authkeeper.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The mass-rejection guard: {@code invalid_grant} also means "this grant was issued to another
 * client", so a wrong client id in the secret looks like every seller revoking at once. When the
 * share of rejections is abnormal, merchant alerts are held and the connections re-tested first.
 */
@ConfigMapping(prefix = "authkeeper.guard")
public interface GuardConfig {

    /** Share of rejected authorizations among those checked in the window that opens an incident. */
    @WithDefault("0.2")
    double rejectionShare();

    /** Fewest checks in the window for the share to count. */
    @WithDefault("50")
    int minChecks();

    /** The window over which checks and rejections are counted. */
    @WithDefault("PT1H")
    Duration window();

    /** While alerts are held, each held connection is re-tested this often. */
    @WithDefault("PT1H")
    Duration retestEvery();
}
