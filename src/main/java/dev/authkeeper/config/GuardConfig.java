package dev.authkeeper.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The mass-rejection guard: {@code invalid_grant} also means "this grant was issued to another
 * client", so a wrong client id in the secret looks like every seller revoking at once. When the
 * rejections of one marketplace's app are abnormal, merchant alerts about that app's connections
 * are held and the connections re-tested first.
 */
@ConfigMapping(prefix = "authkeeper.guard")
public interface GuardConfig {

    /**
     * Share of rejected authorizations among an app's checks in the window that opens an incident,
     * once the share is above it with 95 % confidence (the lower Wilson bound).
     */
    @WithDefault("0.2")
    double rejectionShare();

    /**
     * Fewest rejections in the window that can open an incident (one or two genuine revocations
     * never do); also the fewest working checks that close one.
     */
    @WithDefault("3")
    int minRejections();

    /**
     * Fewest checks of an app the window should hold to weigh a rejection: when it holds fewer (a
     * small deployment), the planner proves that many of the app's other connections before any
     * "needs reauthorization" alert goes out.
     */
    @WithDefault("10")
    int minChecks();

    /** The window over which checks and rejections are counted. */
    @WithDefault("PT1H")
    Duration window();

    /** While alerts are held, each held connection is re-tested this often. */
    @WithDefault("PT1H")
    Duration retestEvery();
}
