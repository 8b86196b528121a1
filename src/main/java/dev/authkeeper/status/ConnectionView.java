package dev.authkeeper.status;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A connection as the integrator's product and the merchant see it: its status in words with the
 * probable reason, when it was authorized, checked and last went wrong, and what happened lately.
 * Never a token.
 *
 * @param region        the marketplace's region, and {@code regionName} in words; absent for a marketplace without regions
 * @param accountFields the account id again under the marketplace's own name ({@code sellingPartnerId}, {@code shopDomain})
 * @param lastCheckOutcome {@code VALID}, {@code FAILED} (a transient or unexpected answer; tried again soon),
 *                         {@code REJECTED} (needs reauthorization) or {@code NOT_CHECKED_YET}
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionView(
        String connectionId,
        String merchantId,
        String marketplace,
        String region,
        String regionName,
        String accountId,
        @JsonAnyGetter Map<String, String> accountFields,
        String status,
        String statusText,
        String reasonCode,
        String reason,
        Instant since,
        Instant authorizedAt,
        Instant authorizationExpiresAt,
        Instant lastCheckedAt,
        String lastCheckOutcome,
        String lastCheckError,
        URI consentOrigin,
        List<HistoryEntry> history) {

    @RegisterForReflection
    public record HistoryEntry(Instant at, String kind, Map<String, String> details) {
    }
}
