package dev.authkeeper.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The integrator API ({@code /v1}): access-token caching and single flight, connect links, status answers. */
@ConfigMapping(prefix = "authkeeper.api")
public interface ApiConfig {

    /** A cached access token is handed out until this long before it expires; then a fresh one is minted. */
    @WithDefault("PT5M")
    Duration accessTokenMargin();

    /** How long the one caller minting an access token may take for LWA (its retries included). */
    @WithDefault("PT8S")
    Duration mintBudget();

    /** How long the other callers wait for that token before they get 503 and {@code Retry-After}. */
    @WithDefault("PT3S")
    Duration mintWait();

    /** A waiting caller looks for the token after about this long, then after twice as long each time. */
    @WithDefault("PT0.1S")
    Duration mintPoll();

    /**
     * After a mint failed for a reason that is not the seller's (LWA throttled or down, an unexpected
     * answer, the app's credentials refused), callers get 503 for this long, without another LWA call.
     */
    @WithDefault("PT5S")
    Duration retryAfter();

    /** How long a connect or reconnect link from the API works. */
    @WithDefault("PT1H")
    Duration connectLinkLifetime();

    /** History entries in the answer about one connection. */
    @WithDefault("10")
    int historyEntries();

    /**
     * Which merchants each caller may get access tokens for, a JSON object from an IAM role or user
     * ARN to merchant ids ({@code "*"}: every merchant), e.g.
     * {@code {"arn:aws:iam::123456789012:role/eu-product":["merchant-1","merchant-2"]}}. Unset, every
     * caller the route's IAM policy admits may get every merchant's tokens; set, a caller it does
     * not name gets none.
     */
    Optional<String> merchantScopes();
}
