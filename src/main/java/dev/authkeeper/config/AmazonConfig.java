package dev.authkeeper.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The integrator's SP-API app registration and how AuthKeeper talks to Login with Amazon. */
@ConfigMapping(prefix = "authkeeper.amazon")
public interface AmazonConfig {

    /** The app's application id (amzn1.sp.solution.… or amzn1.sellerapps.app.…). */
    String applicationId();

    /** The LWA client id of the app. */
    String clientId();

    /** The LWA client secret of the app; rotate it every 180 days. */
    String clientSecret();

    /** True while the app is a draft: Amazon then needs version=beta on every authorization. */
    @WithDefault("false")
    boolean draft();

    /**
     * One of the app's registered OAuth redirect URIs. When set it is sent to Amazon and used in
     * the code exchange; when unset Amazon uses the app's first registered one, which must then
     * be {publicBaseUrl}/callback.
     */
    Optional<URI> redirectUri();

    /**
     * An extra Seller Central origin, accepted besides Amazon's own hosts: the simulated Seller
     * Central of the local run and the tests. Never set it in a deployment.
     */
    Optional<URI> simulatedCentral();

    Lwa lwa();

    interface Lwa {
        /** Attempts for one code exchange; only 5xx, 429 and timeouts are retried. */
        @WithDefault("3")
        int exchangeAttempts();

        /** First pause between attempts; it doubles, with jitter. */
        @WithDefault("PT0.2S")
        Duration backoff();

        /** All attempts of one exchange end within this; keep it well under API Gateway's 30 s. */
        @WithDefault("PT15S")
        Duration exchangeBudget();

        /**
         * One LWA call ends within this, connect, headers and body together (or earlier, at the
         * caller's deadline); a call that runs out of time is transient.
         */
        @WithDefault("PT5S")
        Duration callTimeout();
    }
}
