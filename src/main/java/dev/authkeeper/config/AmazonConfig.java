package dev.authkeeper.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The integrator's SP-API apps and how AuthKeeper talks to Login with Amazon. The keys directly
 * under {@code authkeeper.amazon} describe the app {@code default}; {@link #apps()} adds others.
 */
@ConfigMapping(prefix = "authkeeper.amazon")
public interface AmazonConfig {

    /** The default app's application id (amzn1.sp.solution.… or amzn1.sellerapps.app.…). */
    String applicationId();

    /** The LWA client id of the default app. */
    String clientId();

    /**
     * The default app's LWA client secret as a fixed value, for the local run and tests only. In a
     * deployment it is read from Secrets Manager ({@link #clientSecretId()}, else the AuthKeeper
     * secret's {@code clientSecret}), so that a rotation takes effect without a redeploy.
     */
    Optional<String> clientSecret();

    /**
     * The Secrets Manager secret holding the default app's client secret ({@code {"clientSecret":"…"}});
     * without it, the {@code clientSecret} field of the AuthKeeper secret ({@code authkeeper.secrets-arn}).
     */
    Optional<String> clientSecretId();

    /** True while the app is a draft: Amazon then needs version=beta on every authorization. */
    @WithDefault("false")
    boolean draft();

    /** The SP-API regions (NA, EU, FE) whose Seller and Vendor Central the default app serves; all when unset. */
    Optional<List<String>> regions();

    /**
     * The integrator's other SP-API apps, a JSON array: {@code [{"name":"draft","applicationId":"…",
     * "clientId":"…","secretId":"<Secrets Manager secret>","draft":true,"regions":["NA"],"redirectUri":"…"}]}
     * (docs/integrating/several-apps.md).
     */
    Optional<String> apps();

    /**
     * One of the default app's registered OAuth redirect URIs. When set it is sent to Amazon and
     * used in the code exchange; when unset Amazon uses the app's first registered one, which must
     * then be {publicBaseUrl}/callback.
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
