package dev.authkeeper.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything an integrator sets; docs/operating/configuration.md lists each key with its environment variable. */
@ConfigMapping(prefix = "authkeeper")
public interface AuthKeeperConfig {

    /** Shown on pages and in alerts: the integrator's product name. */
    @WithDefault("AuthKeeper")
    String integratorName();

    /** Where API Gateway serves AuthKeeper, such as https://auth.example.com (no trailing slash). */
    URI publicBaseUrl();

    /** Where a successful connection sends the seller; without it, a built-in page is shown. */
    Optional<URI> successUrl();

    /** The {@code Service} dimension of AuthKeeper's CloudWatch metrics; a deployment sets its stack name. */
    @WithDefault("AuthKeeper")
    String metricsService();

    /**
     * Publish every figure of the sweep and the daily check as a CloudWatch metric (about $4 a month
     * more), not only those the alarms watch; the log lines carry all of them either way.
     */
    @WithDefault("false")
    boolean metricsDetailed();

    /** The DynamoDB table holding connections, their history and OAuth states. */
    @WithDefault("authkeeper")
    String table();

    Session session();

    Link link();

    State state();

    Kms kms();

    /**
     * In a deployment: the AuthKeeper secret {@code {clientId, clientSecret, sessionSecret, linkSecret}}
     * ({@link SecretsConfigSourceFactory}); the default app's client secret is read from it while running.
     */
    Optional<String> secretsArn();

    /**
     * Apps of any marketplace, a JSON array: {@code [{"marketplace":"shopify","name":"shopify",
     * "clientId":"…","secretId":"<Secrets Manager secret>","scopes":["read_orders"]}]}. Amazon's
     * apps may also stay under {@code authkeeper.amazon}.
     */
    Optional<String> apps();

    /** Secrets Manager's endpoint, for the local emulator only; in AWS the SDK finds it. */
    Optional<URI> secretsEndpoint();

    interface Session {
        /** The cookie in which the integrator's site puts the signed merchant session. */
        @WithDefault("authkeeper_session")
        String cookieName();

        /** HMAC-SHA256 key shared with the integrator's site, at least 32 bytes. */
        String secret();

        /** The integrator's sign-in page; it receives return_to and return_sig. */
        URI signInUrl();
    }

    interface Link {
        /** HMAC-SHA256 key for reauthorize links, at least 32 bytes; known to AuthKeeper only. */
        String secret();

        /** How long a reauthorize link works; alerts and reminders mint fresh ones. */
        @WithDefault("P7D")
        Duration lifetime();
    }

    interface State {
        @WithDefault("PT10M")
        Duration lifetime();
    }

    interface Kms {
        /** Key id, ARN or alias of the key that wraps the per-token data keys. */
        String keyId();
    }
}
