package dev.authkeeper.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the sweep proves authorizations: the daily round (slots and shards), the workers' pace and
 * budget, retries, reminders and expiry warnings.
 */
@ConfigMapping(prefix = "authkeeper.sweep")
public interface SweepConfig {

    /** One round of checks: every ACTIVE connection is proved once per interval. */
    @WithDefault("P1D")
    Duration interval();

    /**
     * Slots per interval: the round is spread evenly over them (96 slots of 15 minutes a day). Changing
     * it takes effect with the next planner run; the round in progress may check some connections twice.
     */
    @WithDefault("96")
    int slots();

    /**
     * How often a marketplace's connections are checked, by marketplace id, where a deployment wants
     * other than its facts file's {@code sweep.checkEvery} (for example
     * {@code authkeeper.sweep.check-every.shopify=P30D}, fewer writes; P1D, sooner news). Whole days,
     * at most a third of a sliding refresh token's window.
     */
    Map<String, Duration> checkEvery();

    /** Shards per slot: each is one worker's unit of work. More shards, more workers in parallel. */
    @WithDefault("4")
    int shards();

    /** Connections a worker claims at once (one conditional write per page). */
    @WithDefault("100")
    int pageSize();

    /** LWA calls in flight per worker: at LWA's usual 100 ms, 64 allow about 600 checks a second. */
    @WithDefault("64")
    int concurrency();

    /** How long one worker (or planner) takes new work; set it a few minutes under the Lambda timeout. */
    @WithDefault("PT4M")
    Duration timeBudget();

    /** The SQS queue the planner hands units of work to (one message per unit). */
    Optional<String> queueUrl();

    /** When a connection that failed transiently (or unexpectedly) is tried again. */
    @WithDefault("PT15M")
    Duration retryAfterTransient();

    /** LWA attempts for one check within a run (429, 5xx and timeouts only). */
    @WithDefault("3")
    int attempts();

    @WithDefault("PT0.5S")
    Duration backoff();

    /** Runs in a row with only transient failures before operators hear of an LWA outage. */
    @WithDefault("3")
    int outageRuns();

    /** Reminders after the first alert, counted from it; each re-tests the authorization first; then silence. */
    @WithDefault("P1D,P3D,P7D")
    List<Duration> reminders();

    /**
     * Where an access token can prove an authorization without a refresh (Shopify, whose every
     * refresh rotates the refresh token), a refresh happens anyway once the authorization's end (the
     * refresh token's) is this close. Keep it above the largest expiry warning and a few missed
     * rounds, so a shop idle for the whole life of its refresh token keeps its authorization.
     */
    @WithDefault("P45D")
    Duration refreshMargin();

    /** Days before the yearly authorization expires at which the merchant is asked to renew. */
    @WithDefault("30,7,1")
    List<Integer> expiryWarningDays();
}
