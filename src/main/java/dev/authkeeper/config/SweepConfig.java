package dev.authkeeper.config;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the sweep proves authorizations and when it reminds and warns. */
@ConfigMapping(prefix = "authkeeper.sweep")
public interface SweepConfig {

    /** Time between two checks of a healthy connection (also the first check after an authorization). */
    @WithDefault("P1D")
    Duration interval();

    /** Each next check moves by up to this much either way, so checks spread over the day. */
    @WithDefault("PT1H")
    Duration jitter();

    /** LWA calls in flight at once: at LWA's usual 100 ms, 64 allow about 600 checks a second. */
    @WithDefault("64")
    int concurrency();

    /** How long one run may take new work; set it a few minutes under the Lambda timeout. */
    @WithDefault("PT12M")
    Duration timeBudget();

    /** When a transiently failing connection is tried again. */
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

    /** Reminders after the first alert, counted from it; then silence. */
    @WithDefault("P1D,P3D,P7D")
    List<Duration> reminders();

    /** Days before the yearly authorization expires at which the merchant is asked to renew. */
    @WithDefault("30,7,1")
    List<Integer> expiryWarningDays();
}
