package dev.authkeeper.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one sweep worker (or a "check now") did: logged as one line, emitted as metrics, added to
 * its run's totals, returned to the caller.
 *
 * @param examined   connections the worker looked at (claimed pages, due entries)
 * @param recovered  connections that needed reauthorization and work again
 * @param held       newly refused while a mass rejection is investigated (alerts held)
 * @param released   still refused after a mass rejection closed (their alerts go out now)
 * @param nonExpiringLeft connections checked that still hold a non-expiring token (Shopify's end on 2027-01-01): their migration has not worked yet
 */
@RegisterForReflection
public record SweepSummary(
        String runId,
        String unit,
        int examined,
        int checked,
        int valid,
        int needsReauthorization,
        int held,
        int released,
        int recovered,
        int reminders,
        int stillRefused,
        int transientFailures,
        int unexpected,
        int applicationLevel,
        int expiryWarnings,
        int tokensRotated,
        int tokensResealed,
        int migrated,
        int nonExpiringLeft,
        int superseded,
        int takenByOtherRuns,
        int errors,
        int tokensUnopenable,
        int alertsSent,
        int operatorIncidents,
        boolean stoppedEarly,
        String stopReason,
        long durationMillis) {

    /** Rejections of ACTIVE connections (told or held). */
    public int rejections() {
        return needsReauthorization + held;
    }
}
